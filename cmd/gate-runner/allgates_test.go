package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"gitlab.com/mlgate/mlgate/internal/config"
	"gitlab.com/mlgate/mlgate/internal/demo"
	"gitlab.com/mlgate/mlgate/internal/report"
)

// fakePrometheus answers every instant query with one sample of value
// and records the queries it was sent.
func fakePrometheus(tb testing.TB, value string) (*httptest.Server, func() []string) {
	tb.Helper()
	var mu sync.Mutex
	var queries []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/query" {
			http.Error(w, "unexpected path "+r.URL.Path, http.StatusNotFound)
			return
		}
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		queries = append(queries, r.Form.Get("query"))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1764849600,%q]}]}}`, value)
	}))
	tb.Cleanup(srv.Close)
	return srv, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), queries...)
	}
}

// TestRunEveryGate runs a config that names every gate, concept included,
// through `gate-runner run`: the demo's tests, data, compare, abtest and
// drift sections on its bundled data, a canary check against a fake
// Prometheus, and concept drift of the demo's clicks between the
// reference and the current month. Each gate appears in the merged
// result, in run order.
func TestRunEveryGate(t *testing.T) {
	dir := t.TempDir()
	data, err := demo.Extract(dir)
	if err != nil {
		t.Fatal(err)
	}
	prom, queries := fakePrometheus(t, "0.002")
	cfg := string(demo.Config(dir)) + fmt.Sprintf(`  canary:
    prometheus: {url: %s}
    end: 2025-12-04T12:00:00Z
    window: 1h
    checks:
      - {name: error rate, query: 'sum(rate(http_requests_total{code=~"5.."}[{{window}}]))', max: 0.01}
  concept:
    old: %s
    new: %s
    label: clicked
`, prom.URL, filepath.Join(data, demo.Reference), filepath.Join(data, demo.Current))
	path := mustWrite(t, dir, "every.yml", cfg)
	out := filepath.Join(dir, "out")
	code, stdout, stderr := runMain(t, nil, "run", "-c", path, "--out", out)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	r, err := report.ReadJSON(filepath.Join(out, report.ResultsFile))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, g := range r.Gates {
		got = append(got, g.Gate)
		if g.Status == "" || g.Summary == "" {
			t.Errorf("gate %s: status %q, summary %q", g.Gate, g.Status, g.Summary)
		}
	}
	if want := strings.Join(config.Gates{}.AllNames(), ","); strings.Join(got, ",") != want {
		t.Errorf("gates %v, want %s", got, want)
	}
	if q := queries(); len(q) != 1 || q[0] != `sum(rate(http_requests_total{code=~"5.."}[1h]))` {
		t.Errorf("Prometheus was asked %q", q)
	}
	if _, err := os.Stat(filepath.Join(out, "report.html")); err != nil {
		t.Error(err)
	}
	// --gate concept runs concept alone.
	code, stdout, stderr = runMain(t, nil, "run", "-c", path, "--gate", "concept", "--out", filepath.Join(dir, "concept"), "--format", "json")
	if code != 0 || !strings.Contains(stdout, `"gate": "concept"`) || strings.Contains(stdout, `"gate": "drift"`) {
		t.Errorf("run --gate concept: exit %d\n%s%s", code, stdout, stderr)
	}
}
