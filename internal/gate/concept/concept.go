package concept

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/dataset"
	"gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/stats"
)

// Options are concept drift's thresholds; zero means the default.
type Options struct {
	// C is the inverse L2 strength, as scikit-learn's (1).
	C float64 `json:"c"`
	// WarnDrop and FailDrop: an AUC drop (hold-out minus new) above
	// them warns or fails (0.05 and 0.1, the plan's severe drop).
	WarnDrop float64 `json:"warn_drop"`
	FailDrop float64 `json:"fail_drop"`
}

func (o Options) defaults() Options {
	if o.C == 0 {
		o.C = 1
	}
	if o.WarnDrop == 0 {
		o.WarnDrop = 0.05
	}
	if o.FailDrop == 0 {
		o.FailDrop = 0.1
	}
	return o
}

// Report is `gate-runner concept`'s finding.
type Report struct {
	Label    string   `json:"label"`
	Features []string `json:"features"`
	// Coef are the standardised features' coefficients.
	Coef       []float64   `json:"coef"`
	Intercept  float64     `json:"intercept"`
	NTrain     int         `json:"n_train"`
	NHoldout   int         `json:"n_holdout"`
	NNew       int         `json:"n_new"`
	Skipped    int         `json:"rows_skipped"`
	AUCHoldout float64     `json:"auc_holdout"`
	AUCNew     float64     `json:"auc_new"`
	Drop       float64     `json:"auc_drop"`
	Status     gate.Status `json:"status"`
	Thresholds Options     `json:"thresholds"`
}

// Measure trains a logistic model on the old labelled file (every fifth
// row held out), and compares its AUC on the hold-out with its AUC on the
// new labelled file. The features are the old file's numeric and boolean
// columns other than the label, standardised with the training rows'
// mean and standard deviation; rows with a missing feature or label are
// skipped and counted.
func Measure(ctx context.Context, oldPath, newPath, label string, opt Options) (*Report, error) {
	opt = opt.defaults()
	t, err := dataset.Load(ctx, oldPath, dataset.LoadOptions{})
	if err != nil {
		return nil, err
	}
	if t.Column(label) == nil {
		return nil, &dataset.RowError{File: oldPath, Column: label, Msg: fmt.Sprintf("no such label column; the file has %s", names(t))}
	}
	var feats []string
	for _, c := range t.Columns {
		if c.Name != label && (c.Kind == dataset.Numeric || c.Kind == dataset.Boolean) {
			feats = append(feats, c.Name)
		}
	}
	if len(feats) == 0 {
		return nil, &dataset.RowError{File: oldPath, Msg: "no numeric or boolean feature besides the label"}
	}
	X, y, skipped, err := readLabelled(oldPath, label, feats)
	if err != nil {
		return nil, err
	}
	Xn, yn, skippedNew, err := readLabelled(newPath, label, feats)
	if err != nil {
		return nil, err
	}
	var tr, ho [][]float64
	var ytr, yho []float64
	for i := range X {
		if i%5 == 4 {
			ho, yho = append(ho, X[i]), append(yho, y[i])
		} else {
			tr, ytr = append(tr, X[i]), append(ytr, y[i])
		}
	}
	mean, sd := standardiser(tr)
	for _, rows := range [][][]float64{tr, ho, Xn} {
		for _, r := range rows {
			for j := range r {
				r[j] = (r[j] - mean[j]) / sd[j]
			}
		}
	}
	m, err := stats.FitLogistic(tr, ytr, opt.C)
	if errors.Is(err, stats.ErrOneClass) {
		return nil, &dataset.RowError{File: oldPath, Column: label, Msg: err.Error()}
	}
	if err != nil {
		return nil, err
	}
	score := func(rows [][]float64) []float64 {
		s := make([]float64, len(rows))
		for i, r := range rows {
			s[i] = m.Score(r)
		}
		return s
	}
	r := &Report{Label: label, Features: feats, Coef: m.Coef, Intercept: m.Intercept,
		NTrain: len(tr), NHoldout: len(ho), NNew: len(Xn), Skipped: skipped + skippedNew,
		AUCHoldout: stats.AUC(yho, score(ho)), AUCNew: stats.AUC(yn, score(Xn)), Thresholds: opt}
	r.Drop = r.AUCHoldout - r.AUCNew
	switch {
	case math.IsNaN(r.Drop):
		r.Status = gate.Skip
	case r.Drop > opt.FailDrop:
		r.Status = gate.Fail
	case r.Drop > opt.WarnDrop:
		r.Status = gate.Warn
	default:
		r.Status = gate.Pass
	}
	return r, nil
}

// readLabelled reads the feature columns and the 0/1 label of every row.
func readLabelled(path, label string, feats []string) ([][]float64, []float64, int, error) {
	rd, err := dataset.Open(path)
	if err != nil {
		return nil, nil, 0, err
	}
	defer rd.Close()
	idx, err := dataset.ColumnIndex(path, rd.Columns(), append([]string{label}, feats...)...)
	if err != nil {
		return nil, nil, 0, err
	}
	var X [][]float64
	var y []float64
	skipped := 0
	for {
		row, err := rd.Next()
		if err == io.EOF {
			return X, y, skipped, nil
		}
		if err != nil {
			return nil, nil, 0, err
		}
		if dataset.IsMissing(row[idx[0]]) {
			skipped++
			continue
		}
		lv, ok := parseLabel(row[idx[0]])
		if !ok {
			return nil, nil, 0, &dataset.RowError{File: path, Row: rd.Row(), Column: label, Msg: fmt.Sprintf("label %q is not 0/1 or true/false", row[idx[0]])}
		}
		x := make([]float64, len(feats))
		missing := false
		for j, k := range idx[1:] {
			cell := row[k]
			if dataset.IsMissing(cell) {
				missing = true
				break
			}
			v, ok := parseFeature(cell)
			if !ok {
				return nil, nil, 0, &dataset.RowError{File: path, Row: rd.Row(), Column: feats[j], Msg: fmt.Sprintf("%q is not a number or boolean", cell)}
			}
			x[j] = v
		}
		if missing {
			skipped++
			continue
		}
		X, y = append(X, x), append(y, lv)
	}
}

func parseLabel(s string) (float64, bool) {
	switch s {
	case "1", "1.0", "true", "True", "TRUE":
		return 1, true
	case "0", "0.0", "false", "False", "FALSE":
		return 0, true
	}
	return 0, false
}

func parseFeature(s string) (float64, bool) {
	switch s {
	case "true", "True", "TRUE":
		return 1, true
	case "false", "False", "FALSE":
		return 0, true
	}
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil && !math.IsInf(v, 0) && !math.IsNaN(v)
}

// standardiser returns each column's mean and population standard
// deviation (1 for a constant column), as scikit-learn's StandardScaler.
func standardiser(X [][]float64) (mean, sd []float64) {
	if len(X) == 0 {
		return nil, nil
	}
	p := len(X[0])
	mean, sd = make([]float64, p), make([]float64, p)
	for _, r := range X {
		for j, v := range r {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= float64(len(X))
	}
	for _, r := range X {
		for j, v := range r {
			sd[j] += (v - mean[j]) * (v - mean[j])
		}
	}
	for j := range sd {
		sd[j] = math.Sqrt(sd[j] / float64(len(X)))
		if sd[j] == 0 {
			sd[j] = 1
		}
	}
	return mean, sd
}

// Result turns the report into the concept gate's result.
func (r *Report) Result() gate.Result {
	c := gate.Check{
		Name:      "auc",
		Rule:      fmt.Sprintf("AUC drop ≤ %s (warn), ≤ %s (fail)", gate.FormatNumber(r.Thresholds.WarnDrop), gate.FormatNumber(r.Thresholds.FailDrop)),
		Candidate: gate.F(r.AUCNew),
		Baseline:  gate.F(r.AUCHoldout),
		Delta:     gate.F(r.AUCNew - r.AUCHoldout),
		Threshold: gate.F(r.Thresholds.FailDrop),
		Status:    r.Status,
	}
	if r.Status != gate.Pass {
		c.Message = fmt.Sprintf("AUC fell from %s on the old hold-out to %s on the new data (drop %s)",
			gate.FormatNumber(r.AUCHoldout), gate.FormatNumber(r.AUCNew), gate.FormatNumber(r.Drop))
	}
	res := gate.Result{Gate: "concept", Title: "Concept drift", Status: r.Status, Checks: []gate.Check{c}, Details: r,
		Summary: fmt.Sprintf("logistic model on %d features: AUC %s on the old hold-out, %s on the new data.",
			len(r.Features), gate.FormatNumber(r.AUCHoldout), gate.FormatNumber(r.AUCNew))}
	if r.Skipped > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("%d rows with a missing feature or label were skipped.", r.Skipped))
	}
	res.Finish()
	return res
}

// names lists t's column names, for messages.
func names(t *dataset.Table) string {
	n := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		n[i] = c.Name
	}
	return strings.Join(n, ", ")
}
