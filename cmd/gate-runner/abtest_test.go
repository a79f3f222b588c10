package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeABEvents writes a JSON Lines events file: n units, 10% challenger,
// the challenger converting at pb and the control at 0.2, one unit a
// minute.
func writeABEvents(tb testing.TB, dir string, n int, pb float64) string {
	tb.Helper()
	var b strings.Builder
	for i := 0; i < n; i++ {
		v, p := "prod", 0.2
		if i%10 == 0 {
			v, p = "cand", pb
		}
		// A deterministic conversion pattern at rate p.
		conv := 0
		if float64((i*7919)%1000)/1000 < p {
			conv = 1
		}
		fmt.Fprintf(&b, `{"variant":%q,"user_id":"u%d","ts":%d,"converted":%d,"latency_ms":%d}`+"\n", v, i, 1763596800+60*i, conv, 100+i%40)
	}
	return mustWrite(tb, dir, "events.jsonl", b.String())
}

func TestABTestCommandFromEvents(t *testing.T) {
	dir := t.TempDir()
	cfg := `gates:
  abtest:
    variant: variant
    control: prod
    challenger: cand
    timestamp: ts
    metrics:
      - {name: conversion, kind: proportion, column: converted, mde: 0.5}
    guardrails:
      - {name: latency ms, column: latency_ms, max: 300}
`
	conf := mustWrite(t, dir, "mlgate.yml", cfg)
	cases := []struct {
		name   string
		n      int
		pb     float64
		code   int
		want   string
		status string
	}{
		{"better challenger promoted", 4000, 0.3, 0, "Decision: promote", "MLGATE_STATUS=pass"},
		{"worse challenger rolled back", 4000, 0.1, 1, "Decision: rollback: conversion is significantly worse", "MLGATE_STATUS=fail"},
		{"too short continues", 1500, 0.3, 1, "h left", "MLGATE_STATUS=fail"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev := writeABEvents(t, t.TempDir(), c.n, c.pb)
			out := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-"))
			code, stdout, stderr := runMain(t, nil, "abtest", "-c", conf, "--events", ev, "--out", out)
			if code != c.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, c.code, stdout, stderr)
			}
			if !strings.Contains(stdout, c.want) {
				t.Errorf("stdout lacks %q:\n%s", c.want, stdout)
			}
			env, err := os.ReadFile(filepath.Join(out, "gates.env"))
			if err != nil || !strings.Contains(string(env), c.status) {
				t.Errorf("gates.env %q, %v", env, err)
			}
		})
	}
	t.Run("no section", func(t *testing.T) {
		empty := mustWrite(t, dir, "empty.yml", "gates:\n  tests: {junit: [x.xml]}\n")
		code, _, stderr := runMain(t, nil, "abtest", "-c", empty)
		if code != 2 || !strings.Contains(stderr, "no gates.abtest section") {
			t.Errorf("exit %d, %s", code, stderr)
		}
	})
	t.Run("no prometheus", func(t *testing.T) {
		p := mustWrite(t, dir, "prom.yml", "gates:\n  abtest:\n    start: 2026-11-20T00:00:00Z\n    metrics: [{name: ctr, kind: proportion, numerator: a, denominator: b}]\n")
		code, _, stderr := runMain(t, nil, "abtest", "-c", p)
		if code != 2 || !strings.Contains(stderr, "no Prometheus: give --prometheus URL, set MLGATE_PROMETHEUS_URL or gates.abtest.prometheus.url") {
			t.Errorf("exit %d, %s", code, stderr)
		}
	})
}
