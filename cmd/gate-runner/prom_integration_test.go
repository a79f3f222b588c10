package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gitlab.com/mlgate/mlgate/internal/testenv"
)

// abConfig returns a .mlgate.yml for A/B experiment exp against the
// backfilled history, ending at end (RFC 3339).
func abConfig(exp, end string, sequential bool) string {
	sel := func(metric string) string {
		return fmt.Sprintf(`%s{experiment="%s",variant="{{variant}}"}`, metric, exp)
	}
	return fmt.Sprintf(`gates:
  abtest:
    start: %s
    end: %s
    sequential: %v
    metrics:
      - name: ctr
        kind: proportion
        mde: 0.05
        numerator: 'sum(increase(%s[{{window}}]))'
        denominator: 'sum(increase(%s[{{window}}]))'
      - name: mean latency
        kind: mean
        higher_is_better: false
        query: 'sum(rate(%s[{{window}}])) / sum(rate(%s[{{window}}]))'
    guardrails:
      - name: p95 latency
        query: 'histogram_quantile(0.95, sum by (le) (increase(%s[{{window}}])))'
        max: 0.3
      - name: error rate
        query: 'sum(increase(%s[{{window}}])) / sum(increase(%s[{{window}}]))'
        max: 0.01
`, promT0.Format("2006-01-02T15:04:05Z"), end, sequential,
		sel("ab_clicks_total"), sel("ab_impressions_total"), sel("ab_latency_seconds_sum"), sel("ab_latency_seconds_count"), sel("ab_latency_seconds_bucket"), sel("ab_errors_total"), sel("ab_impressions_total"))
}

// results reads results.json of one run.
type results struct {
	Status string `json:"status"`
	Gates  []struct {
		Status  string          `json:"status"`
		Summary string          `json:"summary"`
		Details json.RawMessage `json:"details"`
	} `json:"gates"`
}

func mustResults(tb testing.TB, dir string) results {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "results.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var r results
	if err := json.Unmarshal(b, &r); err != nil {
		tb.Fatal(err)
	}
	return r
}

// TestPrometheusIntegration backfills two-variant history into a real
// Prometheus and runs abtest and canary against it.
func TestPrometheusIntegration(t *testing.T) {
	testenv.Slow(t, "starts a real Prometheus")
	url := startPrometheus(t)
	env := map[string]string{"MLGATE_PROMETHEUS_URL": url}
	end := promEnd.Format("2006-01-02T15:04:05Z")
	dir := t.TempDir()

	t.Run("abtest", func(t *testing.T) {
		cases := []struct {
			name, exp, end string
			sequential     bool
			code           int
			decision       string
			want           string
		}{
			{"better challenger promoted", "better", end, true, 0, "promote", "every metric improved or did not change significantly"},
			{"better challenger promoted, fixed horizon", "better", end, false, 0, "promote", ""},
			{"worse challenger rolled back", "worse", end, true, 1, "rollback", "ctr is significantly worse"},
			{"broken split flagged", "srm", end, false, 1, "rollback", "sample ratio mismatch (challenger share 15%, configured 10%"},
			{"guardrail vetoes", "slow", end, true, 1, "rollback", "guardrail p95 latency vetoes promotion"},
			{"too short continues", "better", promT0.Add(30 * 3600e9).Format("2006-01-02T15:04:05Z"), true, 1, "continue", "18.0 h left"},
		}
		// Malformed results: an experiment with no series continues with
		// "no data", an ambiguous query (several series) exits 2.
		t.Run("no series continues", func(t *testing.T) {
			cfg := mustWrite(t, t.TempDir(), "mlgate.yml", abConfig("absent", end, true))
			code, stdout, stderr := runMain(t, env, "abtest", "-c", cfg, "--out", filepath.Join(dir, "ab-absent"))
			if code != 1 || !strings.Contains(stdout, "Decision: continue: no data for ctr") || !strings.Contains(stdout, "no series") {
				t.Errorf("exit %d\n%s%s", code, stdout, stderr)
			}
		})
		t.Run("a look before the data is skipped", func(t *testing.T) {
			conf := strings.Replace(abConfig("better", end, true), "start: "+promT0.Format("2006-01-02T15:04:05Z"),
				"start: "+promT0.Add(-24*3600e9).Format("2006-01-02T15:04:05Z"), 1)
			cfg := mustWrite(t, t.TempDir(), "mlgate.yml", conf)
			sub := filepath.Join(dir, "ab-early")
			code, stdout, stderr := runMain(t, env, "abtest", "-c", cfg, "--out", sub)
			if code != 0 || !strings.Contains(stdout, "Decision: promote") || !strings.Contains(stdout, "over 3 looks") {
				t.Errorf("exit %d\n%s%s", code, stdout, stderr)
			}
		})
		t.Run("several series is an input error", func(t *testing.T) {
			conf := strings.Replace(abConfig("better", end, false), `sum(increase(ab_clicks_total`, `(increase(ab_clicks_total`, 1)
			conf = strings.Replace(conf, `experiment="better",variant="{{variant}}"}[{{window}}]))'`, `variant="{{variant}}"}[{{window}}]))'`, 1)
			cfg := mustWrite(t, t.TempDir(), "mlgate.yml", conf)
			code, stdout, stderr := runMain(t, env, "abtest", "-c", cfg, "--out", filepath.Join(dir, "ab-ambiguous"))
			if code != 2 || !strings.Contains(stderr, "gates.abtest metric ctr") || !strings.Contains(stderr, "several series") {
				t.Errorf("exit %d\n%s%s", code, stdout, stderr)
			}
		})
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				sub := filepath.Join(dir, "ab-"+strings.ReplaceAll(c.name, " ", "-"))
				cfg := mustWrite(t, t.TempDir(), "mlgate.yml", abConfig(c.exp, c.end, c.sequential))
				code, stdout, stderr := runMain(t, env, "abtest", "-c", cfg, "--out", sub)
				if code != c.code {
					t.Fatalf("exit %d, want %d\n%s%s", code, c.code, stdout, stderr)
				}
				r := mustResults(t, sub)
				var d struct {
					Decision string
					Metrics  []struct {
						Control, Challenger float64
						P                   *float64
						SequentialP         *float64 `json:"sequential_p"`
						MannWhitneyP        *float64 `json:"mann_whitney_p"`
						Looks               int
					}
					SRM *struct{ P float64 }
				}
				if err := json.Unmarshal(r.Gates[0].Details, &d); err != nil {
					t.Fatal(err)
				}
				if d.Decision != c.decision || !strings.Contains(r.Gates[0].Summary, c.want) {
					t.Errorf("decision %s, summary %q; want %s and %q", d.Decision, r.Gates[0].Summary, c.decision, c.want)
				}
				if len(d.Metrics) != 2 {
					t.Fatalf("metrics %d, expected ctr and mean latency", len(d.Metrics))
				}
				lat := d.Metrics[1]
				t.Logf("%s: mean latency control %.4f s, challenger %.4f s, Welch p %v, Mann–Whitney p %v",
					c.exp, lat.Control, lat.Challenger, deref(lat.P), deref(lat.MannWhitneyP))
				m := d.Metrics[0]
				t.Logf("%s: control CTR %.4f, challenger %.4f, p %v, sequential p %v over %d looks; %s",
					c.exp, m.Control, m.Challenger, deref(m.P), deref(m.SequentialP), m.Looks, r.Gates[0].Summary)
				if c.sequential && c.end == end && m.Looks != 3 {
					t.Errorf("looks %d, expected 3 (every 24h over 72h)", m.Looks)
				}
			})
		}
	})

	t.Run("canary", func(t *testing.T) {
		canaryCfg := func(release, extra string) string {
			sel := func(dep string) string {
				return fmt.Sprintf(`release="%s",deployment="%s"`, release, dep)
			}
			return fmt.Sprintf(`gates:
  canary:
    end: %s
    window: 1h
    checks:
      - name: error rate
        query: 'sum(rate(http_requests_total{%s,code=~"5.."}[{{window}}])) / sum(rate(http_requests_total{%s}[{{window}}]))'
        max: 0.01
      - name: p95 latency
        query: 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{%s}[{{window}}])))'
        max: 0.3
%s    compare:
      - name: p95 latency
        canary: 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{%s}[10m])))'
        baseline: 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{%s}[10m])))'
`, end, sel("canary"), sel("canary"), sel("canary"), extra, sel("canary"), sel("baseline"))
		}
		cases := []struct {
			name, release, extra string
			code                 int
			want                 []string
		}{
			{"healthy canary passes", "good", "", 0, []string{"Canary healthy over 1h: 3 pass, 0 fail, 0 nodata."}},
			{"unhealthy canary fails", "bad", "", 1, []string{"Canary unhealthy over 1h: 0 pass, 3 fail, 0 nodata.", "High: canary mean"}},
			{"no traffic is nodata", "idle", "", 0, []string{"nodata", "value is NaN"}},
			{"absent metric is nodata", "good", "      - name: saturation\n        query: 'max(node_saturation_ratio)'\n        max: 0.9\n", 0,
				[]string{"Canary unknown over 1h: 3 pass, 0 fail, 1 nodata.", "no series"}},
			{"several series is an input error", "good", "      - name: requests\n        query: 'rate(http_requests_total[5m])'\n        min: 0\n", 2,
				[]string{"canary check requests", "several series"}},
			{"bad PromQL is an input error", "good", "      - name: broken\n        query: 'sum(rate(http_requests_total[5m]'\n        max: 1\n", 2,
				[]string{"canary check broken", "query failed"}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				sub := filepath.Join(dir, "canary-"+strings.ReplaceAll(c.name, " ", "-"))
				cfg := mustWrite(t, t.TempDir(), "mlgate.yml", canaryCfg(c.release, c.extra))
				code, stdout, stderr := runMain(t, env, "canary", "-c", cfg, "--out", sub)
				if code != c.code {
					t.Fatalf("exit %d, want %d\n%s%s", code, c.code, stdout, stderr)
				}
				text := stdout + stderr
				if code != 2 {
					b, err := os.ReadFile(filepath.Join(sub, "results.json"))
					if err != nil {
						t.Fatal(err)
					}
					text += string(b)
				}
				for _, w := range c.want {
					if !strings.Contains(text, w) {
						t.Errorf("output lacks %q:\n%s", w, text)
					}
				}
			})
		}
	})
}

func deref(p *float64) any {
	if p == nil {
		return "none"
	}
	return *p
}
