package runner

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/config"
	"gitlab.com/mlgate/mlgate/internal/gate"
)

// TestRegistryKnowsEveryGate: every gate a config can name is in the
// registry, and the registry holds nothing else.
func TestRegistryKnowsEveryGate(t *testing.T) {
	var names []string
	for n := range registry {
		names = append(names, n)
	}
	slices.Sort(names)
	all := slices.Sorted(slices.Values(config.Gates{}.AllNames()))
	if !slices.Equal(names, all) {
		t.Errorf("registry %v, config's gates %v", names, all)
	}
}

// TestGateBuildsEachSection builds each gate from a section and checks it
// answers to its config name.
func TestGateBuildsEachSection(t *testing.T) {
	junit := filepath.Join(t.TempDir(), "junit.xml")
	if err := os.WriteFile(junit, []byte("<testsuite/>"), 0o644); err != nil {
		t.Fatal(err)
	}
	tol := 0.1
	cfg := &config.Config{Gates: config.Gates{
		Tests:   &config.TestsGate{JUnit: []string{junit}},
		Data:    &config.DataGate{Data: "train.csv"},
		Compare: &config.CompareGate{Candidate: config.MetricSource{File: "c.json"}},
		ABTest:  &config.ABTestGate{Events: "events.csv"},
		Canary:  &config.CanaryGate{Window: time.Hour, Compare: []config.CanaryCompare{{Name: "p95", Tolerance: &tol}}},
		Drift:   &config.DriftGate{Reference: "ref.csv", Current: "cur.csv"},
		Concept: &config.ConceptGate{Old: "old.csv", New: "new.csv", Label: "y"},
	}}
	r := &Runner{Getenv: func(string) string { return "" }, Now: time.Now, PrometheusURL: "http://prometheus.invalid:9090"}
	for _, n := range (config.Gates{}).AllNames() {
		g, err := r.Gate(n, cfg)
		if err != nil {
			t.Errorf("%s: %v", n, err)
			continue
		}
		if g.Name() != n {
			t.Errorf("gate %s calls itself %s", n, g.Name())
		}
	}
}

// TestGateErrors: an unknown name and a section that cannot make its gate
// are input errors (exit code 2).
func TestGateErrors(t *testing.T) {
	r := &Runner{Getenv: func(string) string { return "" }, Now: time.Now}
	cfg := &config.Config{Gates: config.Gates{Canary: &config.CanaryGate{}}}
	for _, c := range []struct{ name, want string }{
		{"nope", "no gate nope: expected one of tests, data, compare, abtest, canary, drift, concept"},
		{"tests", "no JUnit reports: give --junit GLOB or gates.tests.junit in the config"},
		{"canary", "no Prometheus: give --prometheus URL, set MLGATE_PROMETHEUS_URL or gates.canary.prometheus.url"},
		{"concept", "concept needs --old FILE --new FILE --label COLUMN (or gates.concept.old, .new and .label in the config)"},
	} {
		_, err := r.Gate(c.name, cfg)
		if err == nil || err.Error() != c.want || !errors.Is(err, gate.ErrInput) {
			t.Errorf("%s: %v, want input error %q", c.name, err, c.want)
		}
	}
}
