package config

import (
	"path/filepath"
	"testing"
	"time"
)

func TestLoadABTestCanaryTests(t *testing.T) {
	c, err := LoadFile("testdata/conf.abtest-good.yml")
	if err != nil {
		t.Fatal(err)
	}
	if tg := c.Gates.Tests; tg.Min() != 20 || tg.JUnit[0] != "reports/**/*.xml" {
		t.Errorf("tests = %+v", tg)
	}
	ab := c.Gates.ABTest
	if ab.Split != 0.1 || ab.MinDuration != 48*time.Hour || ab.Alpha != 0.05 || ab.Power != 0.8 || ab.LookEvery != 12*time.Hour ||
		ab.Control != "control" || ab.Challenger != "challenger" || ab.Variant != "variant" || ab.OnContinue != "fail" {
		t.Errorf("abtest defaults = %+v", ab)
	}
	if !ab.Start.Value().Equal(time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)) || ab.Prometheus.Timeout != 10*time.Second {
		t.Errorf("start %v, prometheus %+v", ab.Start, ab.Prometheus)
	}
	if ab.Metrics[0].MDE != 0.05 || ab.Metrics[1].MDE != 0.02 || *ab.Guardrails[0].Max != 0.3 {
		t.Errorf("metrics %+v guardrails %+v", ab.Metrics, ab.Guardrails)
	}
	cg := c.Gates.Canary
	if cg.Window != 30*time.Minute || cg.NoData != "warn" || cg.Alpha != 0.05 || *cg.Compare[0].Tolerance != 0.1 || cg.Compare[0].Fail != "increase" {
		t.Errorf("canary = %+v", cg)
	}
	if (&TestsGate{}).Min() != 1 {
		t.Error("min_tests default is not 1")
	}
}

func TestLoadABTestCanaryTestsErrors(t *testing.T) {
	cases := map[string]string{
		"abtest-bad-start":          `testdata/conf.abtest-bad-start.yml: gates.abtest.start is "yesterday", expected an RFC 3339 time such as 2026-11-21T08:00:00Z`,
		"abtest-bad-kind":           `testdata/conf.abtest-bad-kind.yml: gates.abtest.metrics[0].kind is "ratio", expected proportion or mean`,
		"abtest-bad-split":          `testdata/conf.abtest-bad-split.yml: gates.abtest.split is 10, expected the challenger's share in (0, 1), e.g. 0.1`,
		"abtest-guardrail-no-limit": `testdata/conf.abtest-guardrail-no-limit.yml: gates.abtest.guardrails[0] (latency) sets no limit: expected max or max_increase`,
		"abtest-unknown-key":        `testdata/conf.abtest-unknown-key.yml:7: unknown key "denominatr" in gates.abtest.metrics[0]: expected one of column, denominator, denominator_column, higher_is_better, kind, mde, name, numerator, query`,
		"canary-no-bound":           `testdata/conf.canary-no-bound.yml: gates.canary.checks[0] (error rate) sets no bound: expected max or min`,
		"canary-bad-fail":           `testdata/conf.canary-bad-fail.yml: gates.canary.compare[0].fail is "up", expected increase, decrease or either`,
		"tests-negative":            `testdata/conf.tests-negative.yml: gates.tests.min_tests is -1, expected a number ≥ 0`,
	}
	for name, want := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := LoadFile(filepath.Join("testdata", "conf."+name+".yml"))
			if err == nil {
				t.Fatal("no error")
			}
			if err.Error() != want {
				t.Errorf("error\n got: %s\nwant: %s", err, want)
			}
		})
	}
}
