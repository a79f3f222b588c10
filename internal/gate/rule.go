package gate

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Rule holds one metric to bounds. Every condition that is set is checked on
// its own and becomes one Check (and one JUnit test case).
type Rule struct {
	// Metric is the flattened metric name ("precision@5", "eval.auc").
	Metric string `yaml:"metric" json:"metric"`
	// Min and Max are absolute bounds on the candidate; they apply even
	// when there is no baseline.
	Min *float64 `yaml:"min,omitempty" json:"min,omitempty"`
	Max *float64 `yaml:"max,omitempty" json:"max,omitempty"`
	// MinRatio requires the candidate to reach ratio × baseline (the plan's
	// 0.95). When lower is better it allows at most baseline / ratio. With a
	// negative baseline the allowed worsening is (1 − ratio) × |baseline|.
	MinRatio *float64 `yaml:"min_ratio,omitempty" json:"min_ratio,omitempty"`
	// MaxDrop is the largest absolute worsening allowed against the baseline.
	MaxDrop *float64 `yaml:"max_drop,omitempty" json:"max_drop,omitempty"`
	// MinDelta is the smallest absolute improvement required over the
	// baseline (negative: a tolerance).
	MinDelta *float64 `yaml:"min_delta,omitempty" json:"min_delta,omitempty"`
	// HigherIsBetter says which direction is an improvement; nil means
	// true. Set it false for latency, loss and error rates.
	HigherIsBetter *bool `yaml:"higher_is_better,omitempty" json:"higher_is_better,omitempty"`
	// Severity is what a broken condition makes of the check: fail (the
	// default, empty) or warn.
	Severity Status `yaml:"severity,omitempty" json:"severity,omitempty"`
}

// Higher reports whether a higher value of the metric is better.
func (r Rule) Higher() bool { return r.HigherIsBetter == nil || *r.HigherIsBetter }

// Validate returns an error naming the first thing wrong with r.
func (r Rule) Validate() error {
	if strings.TrimSpace(r.Metric) == "" {
		return fmt.Errorf("rule has no metric")
	}
	if r.Min == nil && r.Max == nil && r.MinRatio == nil && r.MaxDrop == nil && r.MinDelta == nil {
		return fmt.Errorf("rule for %s sets no condition: expected one of min, max, min_ratio, max_drop, min_delta", r.Metric)
	}
	for name, p := range map[string]*float64{"min": r.Min, "max": r.Max, "min_ratio": r.MinRatio, "max_drop": r.MaxDrop, "min_delta": r.MinDelta} {
		if p != nil && (math.IsNaN(*p) || math.IsInf(*p, 0)) {
			return fmt.Errorf("rule for %s: %s is %v, expected a finite number", r.Metric, name, *p)
		}
	}
	if r.MinRatio != nil && *r.MinRatio <= 0 {
		return fmt.Errorf("rule for %s: min_ratio is %v, expected a number > 0 (0.95 means 95%% of production)", r.Metric, *r.MinRatio)
	}
	if r.MaxDrop != nil && *r.MaxDrop < 0 {
		return fmt.Errorf("rule for %s: max_drop is %v, expected a number ≥ 0", r.Metric, *r.MaxDrop)
	}
	if r.Min != nil && r.Max != nil && *r.Min > *r.Max {
		return fmt.Errorf("rule for %s: min %v is above max %v", r.Metric, *r.Min, *r.Max)
	}
	switch r.Severity {
	case "", Fail, Warn:
	default:
		return fmt.Errorf("rule for %s: severity is %q, expected fail or warn", r.Metric, r.Severity)
	}
	return nil
}

// ParseRule reads the --rule flag form: METRIC:COND=VALUE[,COND=VALUE...],
// for example "precision@5:min_ratio=0.95" or
// "latency_p95_ms:max=300,higher_is_better=false".
func ParseRule(s string) (Rule, error) {
	i := strings.LastIndex(s, ":")
	if i <= 0 || i == len(s)-1 {
		return Rule{}, fmt.Errorf("--rule %q: expected METRIC:CONDITION=VALUE, e.g. precision@5:min_ratio=0.95", s)
	}
	r := Rule{Metric: strings.TrimSpace(s[:i])}
	for _, kv := range strings.Split(s[i+1:], ",") {
		k, v, ok := strings.Cut(kv, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok {
			return Rule{}, fmt.Errorf("--rule %q: %q has no '=': expected CONDITION=VALUE", s, kv)
		}
		switch k {
		case "higher_is_better":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return Rule{}, fmt.Errorf("--rule %q: higher_is_better is %q, expected true or false", s, v)
			}
			r.HigherIsBetter = &b
			continue
		case "severity":
			r.Severity = Status(v)
			continue
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return Rule{}, fmt.Errorf("--rule %q: %s is %q, expected a number", s, k, v)
		}
		switch k {
		case "min":
			r.Min = &f
		case "max":
			r.Max = &f
		case "min_ratio":
			r.MinRatio = &f
		case "max_drop":
			r.MaxDrop = &f
		case "min_delta":
			r.MinDelta = &f
		default:
			return Rule{}, fmt.Errorf("--rule %q: unknown condition %q, expected min, max, min_ratio, max_drop, min_delta, higher_is_better or severity", s, k)
		}
	}
	if err := r.Validate(); err != nil {
		return Rule{}, fmt.Errorf("--rule %q: %w", s, err)
	}
	return r, nil
}
