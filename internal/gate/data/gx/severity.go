package gx

import (
	"fmt"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

// Severity is where a failed expectation's severity came from and what it
// said. Great Expectations has no severity of its own in the layouts this
// package reads, so it is taken, first found, from:
//
//  1. the expectation configuration's meta.severity (mlgate's key);
//  2. its meta.attributes.properties.severity (the key Great
//     Expectations' META_PROPERTIES renderer shows);
//  3. the result's own meta.severity;
//  4. the configuration's severity field (later GX 1.x releases);
//  5. the run's expectation_suite_severity_level (a 0.x checkpoint's
//     warning and failure suites).
//
// "warning", "warn" and "info" (any case) make a failed expectation warn;
// "critical", "error", "fail" and "failure" make it fail, as does no
// severity at all. Any other value fails too, and the check says so.
type Severity struct {
	Key, Value string
}

// Status is the check's status for a failed expectation of this severity,
// and a note when the value was not understood.
func (s Severity) Status() (gate.Status, string) {
	switch strings.ToLower(strings.TrimSpace(s.Value)) {
	case "warning", "warn", "info":
		return gate.Warn, ""
	case "", "critical", "error", "fail", "failure":
		return gate.Fail, ""
	}
	return gate.Fail, fmt.Sprintf("severity %q (%s) is not one mlgate reads (warning, warn, info warn; critical, error, fail, failure fail), so it fails", s.Value, s.Key)
}

func severityOf(run *Run, x *Expectation) Severity {
	var props map[string]any
	if a, ok := x.Meta["attributes"].(map[string]any); ok {
		props, _ = a["properties"].(map[string]any)
	}
	for _, c := range []struct {
		m   map[string]any
		key string
	}{{x.Meta, "meta.severity"}, {props, "meta.attributes.properties.severity"}, {x.ResultMeta, "the result's meta.severity"}} {
		switch v := c.m["severity"].(type) {
		case nil:
		case string:
			if v != "" {
				return Severity{c.key, v}
			}
		default:
			return Severity{c.key, compact(v, 40)} // not a string: not understood, so it fails
		}
	}
	if x.ConfigSeverity != "" {
		return Severity{"severity", x.ConfigSeverity}
	}
	if run.Severity != "" {
		return Severity{"expectation_suite_severity_level", run.Severity}
	}
	return Severity{}
}
