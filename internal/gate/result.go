package gate

import (
	"math"
	"time"
)

// Check is one rule applied to one value: a metric against its baseline, a
// column's missing share against its limit, a test suite's failures.
type Check struct {
	// Name is what was checked: a metric ("precision@5"), a column, a test.
	Name string `json:"name"`
	// Rule says in words what was required ("≥ 0.95 × production").
	Rule string `json:"rule,omitempty"`
	// Candidate is the value under test; nil when it is missing.
	Candidate *float64 `json:"candidate,omitempty"`
	// Baseline is the production (reference) value; nil when there is none.
	Baseline *float64 `json:"baseline,omitempty"`
	// Delta is Candidate − Baseline when both are known.
	Delta *float64 `json:"delta,omitempty"`
	// Ratio is Candidate / Baseline when both are known and Baseline ≠ 0.
	Ratio *float64 `json:"ratio,omitempty"`
	// Observed is the value under test in words when one number does not
	// say it (a list of columns, a type name, "3 of 1313 unexpected");
	// the report shows it in Candidate's place.
	Observed string `json:"observed,omitempty"`
	// Threshold is the bound the candidate was held to, when there is one.
	Threshold *float64 `json:"threshold,omitempty"`
	Status    Status   `json:"status"`
	// Message explains a failure, a warning or a skip in one sentence.
	Message string `json:"message,omitempty"`
}

// Series is one named set of values of a Chart.
type Series struct {
	Name   string    `json:"name"`
	Values []float64 `json:"values"`
}

// ChartKind says how a Chart is drawn.
type ChartKind string

// The chart kinds the renderers draw.
const (
	// Bars draws one group of bars per label, one bar per series.
	Bars ChartKind = "bars"
	// Histogram overlays the series (shares, not counts) on the same bins:
	// numeric bins whose edges are Edges (len(Edges) = len(values)+1), or
	// one bin per category named by Labels.
	Histogram ChartKind = "histogram"
)

// Chart is data for a picture in report.html (and a PNG for merge
// requests); the renderers decide how it looks.
type Chart struct {
	Title string    `json:"title"`
	Kind  ChartKind `json:"kind"`
	// Check is the name of the check the chart illustrates (a drifted
	// feature's check); empty when the chart belongs to the whole gate.
	Check  string    `json:"check,omitempty"`
	Labels []string  `json:"labels,omitempty"`
	Edges  []float64 `json:"edges,omitempty"`
	Series []Series  `json:"series"`
}

// Result is one gate's verdict.
type Result struct {
	// Gate is the gate's name: tests, data, compare, abtest, canary, drift,
	// concept.
	Gate string `json:"gate"`
	// Title is the heading the report gives the gate.
	Title  string `json:"title"`
	Status Status `json:"status"`
	// Summary is the verdict in one sentence.
	Summary string `json:"summary"`
	// Notes are further sentences a reader needs ("no baseline yet: only
	// absolute bounds were applied").
	Notes  []string `json:"notes,omitempty"`
	Checks []Check  `json:"checks"`
	// BaselineLabel and CandidateLabel head the two value columns of the
	// report's table; empty means "production" and "candidate".
	BaselineLabel  string  `json:"baseline_label,omitempty"`
	CandidateLabel string  `json:"candidate_label,omitempty"`
	Charts         []Chart `json:"charts,omitempty"`
	// Details holds gate-specific data (drift features, an A/B decision)
	// as the gate's own JSON.
	Details  any           `json:"details,omitempty"`
	Duration time.Duration `json:"duration_ns"`
}

// Finish sets r.Status to the worst status of its checks, unless the gate
// already set a worse one.
func (r *Result) Finish() {
	st := r.Status
	for _, c := range r.Checks {
		st = Worse(st, c.Status)
	}
	if st == "" {
		st = Skip
	}
	r.Status = st
}

// Lineage records what a report was made from.
type Lineage struct {
	Commit   string            `json:"commit,omitempty"`
	Pipeline string            `json:"pipeline_url,omitempty"`
	Job      string            `json:"job_url,omitempty"`
	Files    map[string]string `json:"files,omitempty"` // path → sha256 or .dvc md5
	Params   map[string]any    `json:"params,omitempty"`
	// ParamsFile is where Params were read (params.yaml), flattened with
	// "." between nested keys.
	ParamsFile string `json:"params_file,omitempty"`
}

// Report is every gate of one run.
type Report struct {
	// Schema is the version of results.json's layout.
	Schema int `json:"schema"`
	// Name tells reports of different gate sets apart on one merge request.
	Name         string    `json:"name"`
	Model        string    `json:"model,omitempty"`
	ModelVersion string    `json:"model_version,omitempty"`
	Status       Status    `json:"status"`
	Created      time.Time `json:"created"`
	Gates        []Result  `json:"gates"`
	Lineage      *Lineage  `json:"lineage,omitempty"`
	// Outputs lists the files report.Write wrote for this report, relative
	// to the output directory: results.json and the other reports, then
	// one PNG per drifted feature's histogram.
	Outputs []string `json:"outputs,omitempty"`
}

// SchemaVersion is the results.json layout this code writes.
const SchemaVersion = 1

// Add appends a gate's result and updates the overall status.
func (r *Report) Add(res Result) {
	r.Gates = append(r.Gates, res)
	r.Status = Worse(r.Status, res.Status)
}

// Overall returns the worst gate status, Skip when there is none.
func (r *Report) Overall() Status {
	st := Status("")
	for _, g := range r.Gates {
		st = Worse(st, g.Status)
	}
	if st == "" {
		return Skip
	}
	return st
}

// F returns a pointer to v, or nil when v is NaN or infinite, so that a
// missing or undefined value is absent from JSON rather than an error.
func F(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}
