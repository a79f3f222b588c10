package gx

import (
	"fmt"
	"os"
	"strings"
)

// Results is what one file holds: one run (a suite's validation result,
// one expectation's result) or several (a checkpoint's).
type Results struct {
	File string
	// Form names the layout found: "validation result", "validation
	// result (describe)", "checkpoint result", "checkpoint result
	// (describe)", "expectation result".
	Form string
	Runs []Run
}

// Run is one suite validated against one batch.
type Run struct {
	// Suite is the suite's name; empty when the form does not carry it
	// (describe() output, one expectation's result).
	Suite string
	// ID is the checkpoint's key of the run (a ValidationResultIdentifier)
	// or "".
	ID string
	// RunName and RunTime are the run_id's, when given; GEVersion the
	// version of Great Expectations that wrote it.
	RunName, RunTime, GEVersion string
	// Severity is the run's default severity: a checkpoint entry's
	// expectation_suite_severity_level (GE 0.x's warning and failure
	// suites), else "".
	Severity     string
	Expectations []Expectation
}

// Expectation is one expectation's outcome.
type Expectation struct {
	// Path is where it is in the file (results[3]).
	Path string
	Type string
	// Kwargs are the expectation's arguments (column, min_value, mostly…).
	Kwargs map[string]any
	// Meta is the expectation configuration's meta, ResultMeta the
	// result's own.
	Meta, ResultMeta map[string]any
	// ConfigSeverity is the configuration's own severity field (GX 1.x
	// releases that have one), else "".
	ConfigSeverity string
	// Success is nil when Great Expectations gave no verdict (it raised).
	Success *bool
	// Result is the result object as written (nil when null or absent).
	Result map[string]any
	// Exception is the first line of the message of an exception Great
	// Expectations raised while evaluating it, else "".
	Exception string
}

// ReadFile reads and parses a results file.
func ReadFile(path string) (*Results, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read Great Expectations results: %w", err)
	}
	return Parse(path, b)
}

// Parse parses b, the contents of file, in any of the forms the package
// reads. Anything else is an *Error naming the file, where and what.
func Parse(file string, b []byte) (*Results, error) {
	v, err := decode(file, b)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, &Error{File: file, Msg: fmt.Sprintf("%s, expected a Great Expectations validation result (a JSON object)", describe(v))}
	}
	top := obj{m: m, file: file}
	r := &Results{File: file}
	switch {
	case top.has("run_results"):
		r.Form = "checkpoint result"
		r.Runs, err = runResults(top)
	case top.has("validation_results"):
		r.Form = "checkpoint result (describe)"
		r.Runs, err = validationResults(top)
	case top.has("results"):
		r.Form = "validation result"
		var run Run
		run, err = suiteResult(top)
		r.Runs = []Run{run}
	case top.has("expectations"):
		r.Form = "validation result (describe)"
		var run Run
		run, err = suiteResult(top)
		r.Runs = []Run{run}
	case top.has("expectation_config") && (top.has("success") || top.has("result")):
		r.Form = "expectation result"
		var e Expectation
		e, err = expectation(top)
		r.Runs = []Run{{Expectations: []Expectation{e}}}
	default:
		return nil, &Error{File: file, Msg: fmt.Sprintf("%s: expected a Great Expectations validation result (key results), "+
			"checkpoint result (run_results or validation_results) or expectation result (expectation_config)", describe(m))}
	}
	if err != nil {
		return nil, err
	}
	return r, nil
}

// runResults reads a checkpoint's run_results: an object keyed by
// ValidationResultIdentifier (or a list), each entry a validation result or
// {"validation_result": …, "actions_results": …}. Keys are taken in sorted
// order (suite, run name, run time, batch), which JSON objects do not keep
// otherwise.
func runResults(top obj) ([]Run, error) {
	type entry struct {
		id string
		o  obj
	}
	var entries []entry
	switch rr := top.m["run_results"].(type) {
	case map[string]any:
		rro := obj{m: rr, path: "run_results", file: top.file}
		for _, k := range rro.keys() {
			o, _, err := rro.object(k)
			if err != nil {
				return nil, err
			}
			o.path = fmt.Sprintf("run_results[%q]", k)
			entries = append(entries, entry{k, o})
		}
	case []any:
		for i, e := range rr {
			m, ok := e.(map[string]any)
			if !ok {
				return nil, &Error{File: top.file, Path: fmt.Sprintf("run_results[%d]", i), Msg: describe(e) + ", expected a validation result (an object)"}
			}
			entries = append(entries, entry{"", obj{m: m, path: fmt.Sprintf("run_results[%d]", i), file: top.file}})
		}
	default:
		return nil, top.errf("run_results", "%s, expected an object of validation results", describe(rr))
	}
	if len(entries) == 0 {
		return nil, top.errf("run_results", "empty, expected at least one validation result")
	}
	runs := make([]Run, 0, len(entries))
	for _, e := range entries {
		vr := e.o
		if e.o.has("validation_result") {
			var err error
			if vr, _, err = e.o.object("validation_result"); err != nil {
				return nil, err
			}
		} else if !e.o.has("results") && !e.o.has("expectations") {
			return nil, &Error{File: top.file, Path: e.o.path, Msg: describe(e.o.m) + ", expected a validation result (results) or validation_result"}
		}
		run, err := suiteResult(vr)
		if err != nil {
			return nil, err
		}
		run.ID = e.id
		sev, _, err := e.o.str("expectation_suite_severity_level")
		if err != nil {
			return nil, err
		}
		run.Severity = sev
		runs = append(runs, run)
	}
	return runs, nil
}

// validationResults reads CheckpointResult.describe()'s list.
func validationResults(top obj) ([]Run, error) {
	l, _, err := top.list("validation_results")
	if err != nil {
		return nil, err
	}
	if len(l) == 0 {
		return nil, top.errf("validation_results", "empty, expected at least one validation result")
	}
	var runs []Run
	for i, e := range l {
		p := fmt.Sprintf("validation_results[%d]", i)
		m, ok := e.(map[string]any)
		if !ok {
			return nil, &Error{File: top.file, Path: p, Msg: describe(e) + ", expected a validation result (an object)"}
		}
		run, err := suiteResult(obj{m: m, path: p, file: top.file})
		if err != nil {
			return nil, err
		}
		runs = append(runs, run)
	}
	return runs, nil
}

// suiteResult reads an ExpectationSuiteValidationResult, or its
// describe() form.
func suiteResult(o obj) (Run, error) {
	var run Run
	key := "results"
	if !o.has("results") {
		key = "expectations"
	}
	l, ok, err := o.list(key)
	if err != nil {
		return run, err
	}
	if !ok {
		return run, &Error{File: o.file, Path: o.path, Msg: describe(o.m) + ", expected a validation result with a list of results"}
	}
	meta, _, err := o.object("meta")
	if err != nil {
		return run, err
	}
	for _, k := range []struct {
		o   obj
		key string
	}{{o, "suite_name"}, {o, "expectation_suite_name"}, {meta, "expectation_suite_name"}} {
		if run.Suite != "" {
			break
		}
		if run.Suite, _, err = k.o.str(k.key); err != nil {
			return run, err
		}
	}
	for _, k := range []string{"great_expectations_version", "great_expectations.__version__"} {
		if run.GEVersion == "" {
			if v, ok := meta.m[k].(string); ok {
				run.GEVersion = v
			}
		}
	}
	if id, ok := meta.m["run_id"].(map[string]any); ok {
		run.RunName, _ = id["run_name"].(string)
		run.RunTime, _ = id["run_time"].(string)
	}
	for i, e := range l {
		p := fmt.Sprintf("%s[%d]", obj{path: o.path}.at(key), i)
		m, ok := e.(map[string]any)
		if !ok {
			return run, &Error{File: o.file, Path: p, Msg: describe(e) + ", expected an expectation's result (an object)"}
		}
		eo := obj{m: m, path: p, file: o.file}
		if key == "expectations" && !hasKey(m, "success") && !hasKey(m, "result") {
			return run, &Error{File: o.file, Path: p, Msg: "an expectation without success or result: this looks like an expectation suite, " +
				"expected the result of validating one (checkpoint.run() or validator.validate())"}
		}
		x, err := expectation(eo)
		if err != nil {
			return run, err
		}
		run.Expectations = append(run.Expectations, x)
	}
	return run, nil
}

// expectation reads one ExpectationValidationResult, or its describe()
// form (expectation_type and kwargs beside success and result).
func expectation(o obj) (Expectation, error) {
	x := Expectation{Path: o.path}
	cfg, hasCfg, err := o.object("expectation_config")
	if err != nil {
		return x, err
	}
	if !hasCfg {
		cfg = o // describe(): the type and kwargs are beside the result
	}
	var ok bool
	for _, k := range []string{"type", "expectation_type"} {
		if x.Type, ok, err = cfg.str(k); err != nil {
			return x, err
		} else if ok {
			break
		}
	}
	if x.Type == "" {
		return x, &Error{File: o.file, Path: cfg.path, Msg: describe(cfg.m) + `: no expectation type, expected "type" (GE 1.x) or "expectation_type" (GE 0.x)`}
	}
	kw, _, err := cfg.object("kwargs")
	if err != nil {
		return x, err
	}
	x.Kwargs = kw.m
	meta, _, err := cfg.object("meta")
	if err != nil {
		return x, err
	}
	x.Meta = meta.m
	if hasCfg {
		if x.ConfigSeverity, _, err = cfg.str("severity"); err != nil {
			return x, err
		}
		rm, _, err := o.object("meta")
		if err != nil {
			return x, err
		}
		x.ResultMeta = rm.m
	}
	if x.Success, err = o.boolean("success"); err != nil {
		return x, err
	}
	res, hasRes, err := o.object("result")
	if err != nil {
		return x, err
	}
	if hasRes {
		x.Result = res.m
		if err := checkResult(res); err != nil {
			return x, err
		}
	}
	if x.Exception, err = exception(o); err != nil {
		return x, err
	}
	if x.Success == nil && x.Exception == "" {
		return x, o.errf("success", "missing, expected true or false (or an exception in exception_info)")
	}
	return x, nil
}

// exception returns the first line of a raised exception's message:
// exception_info is {raised_exception, exception_message, …}, or (GE 1.x)
// an object of those keyed by metric.
func exception(o obj) (string, error) {
	ei, ok, err := o.object("exception_info")
	if err != nil || !ok {
		return "", err
	}
	infos := []obj{ei}
	if _, flat := ei.m["raised_exception"]; !flat {
		infos = nil
		for _, k := range ei.keys() {
			sub, ok, err := ei.object(k)
			if err != nil {
				return "", err
			}
			if ok {
				infos = append(infos, sub)
			}
		}
	}
	for _, info := range infos {
		raised, err := info.boolean("raised_exception")
		if err != nil {
			return "", err
		}
		if raised == nil || !*raised {
			continue
		}
		msg, _, err := info.str("exception_message")
		if err != nil {
			return "", err
		}
		msg, _, _ = strings.Cut(strings.TrimSpace(msg), "\n")
		if msg == "" {
			msg = "(no message)"
		}
		return msg, nil
	}
	return "", nil
}

// counters are the result keys whose type Great Expectations fixes.
var counters = []string{"element_count", "missing_count", "missing_percent", "unexpected_count", "unexpected_percent",
	"unexpected_percent_total", "unexpected_percent_nonmissing"}

// checkResult checks the types of the result keys the checks read.
func checkResult(res obj) error {
	for _, k := range counters {
		if _, _, err := res.number(k); err != nil {
			return err
		}
	}
	if _, _, err := res.list("partial_unexpected_list"); err != nil {
		return err
	}
	l, _, err := res.list("partial_unexpected_counts")
	if err != nil {
		return err
	}
	for i, e := range l {
		m, ok := e.(map[string]any)
		if !ok {
			return res.errf(fmt.Sprintf("partial_unexpected_counts[%d]", i), "%s, expected {value, count}", describe(e))
		}
		if _, _, err := (obj{m: m, path: res.at(fmt.Sprintf("partial_unexpected_counts[%d]", i)), file: res.file}).number("count"); err != nil {
			return err
		}
	}
	if _, _, err := res.object("details"); err != nil {
		return err
	}
	return nil
}
