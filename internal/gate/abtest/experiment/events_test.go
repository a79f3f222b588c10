package experiment

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"gitlab.com/mlgate/mlgate/internal/config"
	"gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/gate/abtest"
)

var day0 = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)

// writeEvents writes n units over three days: 90% control, 10%
// challenger, converting at pc and pb, with session seconds and latency.
func writeEvents(tb testing.TB, dir string, n int, pc, pb float64) string {
	tb.Helper()
	rng := rand.New(rand.NewPCG(3, 5))
	var b strings.Builder
	b.WriteString("variant,user_id,ts,converted,session_seconds,latency_ms\n")
	for i := 0; i < n; i++ {
		v, p, lat := "control", pc, 120.0
		if rng.Float64() < 0.1 {
			v, p, lat = "challenger", pb, 125.0
		}
		conv := 0
		if rng.Float64() < p {
			conv = 1
		}
		ts := day0.Add(time.Duration(float64(72*time.Hour) * float64(i) / float64(n)))
		fmt.Fprintf(&b, "%s,u%d,%s,%d,%.1f,%.1f\n", v, i, ts.Format(time.RFC3339), conv, 60+30*rng.NormFloat64(), lat+10*rng.NormFloat64())
	}
	b.WriteString("holdout,u-x,2026-11-21T00:00:00Z,1,3,100\n")
	p := filepath.Join(dir, "events.csv")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

func eventsGate(path string) *config.ABTestGate {
	f := false
	g := &config.ABTestGate{Events: path, Timestamp: "ts", Sequential: true,
		Metrics: []config.ABMetric{
			{Name: "conversion", Kind: "proportion", Column: "converted", MDE: 0.1},
			{Name: "session seconds", Kind: "mean", Column: "session_seconds", MDE: 0.1},
		},
		Guardrails: []config.ABGuardrail{{Name: "latency", Column: "latency_ms", MaxIncrease: ptr(0.1), HigherIsBetter: &f}},
	}
	g.Defaults()
	return g
}

func ptr(v float64) *float64 { return &v }

func TestFromEvents(t *testing.T) {
	path := writeEvents(t, t.TempDir(), 40000, 0.20, 0.24)
	in, notes, err := FromEvents(eventsGate(path), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if !in.Start.Equal(day0) || in.End.Sub(in.Start) < 71*time.Hour {
		t.Errorf("window %s to %s", in.Start, in.End)
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "1 rows") {
		t.Errorf("notes %q", notes)
	}
	conv := in.Metrics[0]
	if len(conv.Looks) != 3 {
		t.Fatalf("looks %d, expected 3 (every 24h)", len(conv.Looks))
	}
	last := conv.Looks[2]
	if last.A.Trials+last.B.Trials != 40000 || in.Units[0] != last.A.Trials || in.Units[1] != last.B.Trials {
		t.Errorf("trials %v + %v, units %v", last.A.Trials, last.B.Trials, in.Units)
	}
	if conv.Looks[0].A.Trials >= last.A.Trials {
		t.Errorf("the first look should see fewer units than the last")
	}
	sess := in.Metrics[1].Looks[2]
	if len(sess.RawA) != int(last.A.Trials) || sess.SB.N != last.B.Trials {
		t.Errorf("session values %d, %v", len(sess.RawA), sess.SB.N)
	}
	res := abtest.Decide(in)
	d := res.Details.(*abtest.Details)
	if d.Decision != abtest.Promote {
		t.Errorf("decision %s: %s", d.Decision, res.Summary)
	}
	if d.Metrics[0].Verdict != abtest.Better || d.Metrics[1].MannWhitneyP == nil {
		t.Errorf("metrics %+v", d.Metrics)
	}
	if g := d.Guardrails[0]; !g.OK || *g.Control < 115 || *g.Challenger < 120 {
		t.Errorf("guardrail %+v", g)
	}
}

func TestFromEventsErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		name, body string
		want       string
	}{
		{"bad.csv", "variant,ts,converted,session_seconds,latency_ms\ncontrol,2026-11-20T00:00:00Z,yes,1,2\n", `bad.csv: row 1, column "converted": found "yes", expected a number`},
		{"nocol.csv", "variant,ts,converted,latency_ms\ncontrol,2026-11-20T00:00:00Z,1,2\n", `nocol.csv, column "session_seconds": no such column`},
		{"badts.csv", "variant,ts,converted,session_seconds,latency_ms\ncontrol,yesterday,1,1,2\n", `badts.csv: row 1, column "ts": found "yesterday", expected an RFC 3339 time or Unix seconds`},
		{"none.csv", "variant,ts,converted,session_seconds,latency_ms\nother,2026-11-20T00:00:00Z,1,1,2\n", `none.csv: no rows with variant = "control" or "challenger"`},
		{"counts.csv", "variant,ts,converted,session_seconds,latency_ms\ncontrol,1763596800,3,1,2\nchallenger,1763596900,0,1,2\n", `counts.csv: column converted (metric conversion): invalid test input: 3 successes of 1 trials, expected successes ≤ trials`},
		{"missing.csv", "", "missing.csv"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(dir, c.name)
			if c.body != "" {
				p = write(c.name, c.body)
			}
			_, _, err := FromEvents(eventsGate(p), time.Now())
			if !errors.Is(err, gate.ErrInput) {
				t.Fatalf("error %v, expected an input error", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error\n got: %s\nwant: …%s…", err, c.want)
			}
		})
	}
}

func TestFromEventsPerUnit(t *testing.T) {
	dir := t.TempDir()
	body := `variant,user_id,converted,revenue,clicks,views,latency_ms
control,a,0,0,1,10,100
control,a,1,5,2,10,120
control,b,0,0,0,5,110
control,c,1,2,1,1,90
challenger,d,1,3,3,6,130
challenger,d,1,4,0,4,150
challenger,e,0,0,1,2,140
control,x,1,1,1,1,100
challenger,x,0,0,0,1,100
holdout,z,1,1,1,1,1
`
	p := filepath.Join(dir, "events.csv")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	g := &config.ABTestGate{Events: p, Unit: "user_id", Start: "2026-11-20T00:00:00Z",
		Metrics: []config.ABMetric{
			{Name: "conversion", Kind: "proportion", Column: "converted"},
			{Name: "revenue", Kind: "mean", Column: "revenue"},
			{Name: "ctr", Kind: "proportion", Column: "clicks", DenominatorColumn: "views"},
		},
		Guardrails: []config.ABGuardrail{{Name: "latency", Column: "latency_ms", Max: ptr(200)}},
	}
	g.Defaults()
	in, notes, err := FromEvents(g, day0.Add(72*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if in.Units != [2]float64{3, 2} {
		t.Errorf("units %v, expected 3 control users (a, b, c) and 2 challenger (d, e); x is in both", in.Units)
	}
	if len(notes) != 2 || !strings.Contains(notes[0], "1 units (user_id) appear in both groups") {
		t.Errorf("notes %q", notes)
	}
	conv := in.Metrics[0].Looks[0]
	if conv.A != (abtest.Proportion{Successes: 2, Trials: 3}) || conv.B != (abtest.Proportion{Successes: 1, Trials: 2}) {
		t.Errorf("conversion per user %+v %+v", conv.A, conv.B)
	}
	rev := in.Metrics[1].Looks[0]
	if strings.Trim(fmt.Sprint(rev.RawA), "[]") != "5 0 2" || strings.Trim(fmt.Sprint(rev.RawB), "[]") != "7 0" {
		t.Errorf("revenue per user %v %v", rev.RawA, rev.RawB)
	}
	ctr := in.Metrics[2].Looks[0]
	if ctr.A != (abtest.Proportion{Successes: 4, Trials: 26}) || ctr.B != (abtest.Proportion{Successes: 4, Trials: 12}) {
		t.Errorf("ctr %+v %+v", ctr.A, ctr.B)
	}
	if gr := in.Guardrails[0]; gr.Control != 105 || gr.Challenger != 140 {
		t.Errorf("latency per row %v %v", gr.Control, gr.Challenger)
	}
}

// eventRow is one row of the Parquet events file.
type eventRow struct {
	Variant   string  `parquet:"variant"`
	UserID    string  `parquet:"user_id"`
	Ts        int64   `parquet:"ts"`
	Converted int64   `parquet:"converted"`
	Latency   float64 `parquet:"latency_ms"`
}

func TestFromEventsParquet(t *testing.T) {
	var rows []eventRow
	for i := 0; i < 20000; i++ {
		v, p := "control", 200
		if i%10 == 0 {
			v, p = "challenger", 150
		}
		conv := int64(0)
		if (i*7919)%1000 < p {
			conv = 1
		}
		rows = append(rows, eventRow{Variant: v, UserID: fmt.Sprint("u", i), Ts: day0.Unix() + int64(i)*15, Converted: conv, Latency: 100})
	}
	p := filepath.Join(t.TempDir(), "events.parquet")
	if err := parquet.WriteFile(p, rows); err != nil {
		t.Fatal(err)
	}
	g := &config.ABTestGate{Events: p, Unit: "user_id", Timestamp: "ts", Sequential: true,
		Metrics:    []config.ABMetric{{Name: "conversion", Kind: "proportion", Column: "converted", MDE: 0.3}},
		Guardrails: []config.ABGuardrail{{Name: "latency", Column: "latency_ms", Max: ptr(300)}}}
	g.Defaults()
	in, _, err := FromEvents(g, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	res := abtest.Decide(in)
	d := res.Details.(*abtest.Details)
	if d.Decision != abtest.Rollback || d.Metrics[0].Looks != 4 || in.Units != [2]float64{18000, 2000} {
		t.Errorf("decision %s, looks %d, units %v: %s", d.Decision, d.Metrics[0].Looks, in.Units, res.Summary)
	}
}

func TestFromEventsWindow(t *testing.T) {
	body := "variant,ts,converted\ncontrol,2026-11-19T00:00:00Z,1\ncontrol,2026-11-20T01:00:00Z,0\nchallenger,2026-11-20T02:00:00Z,1\ncontrol,2026-11-25T00:00:00Z,1\n"
	p := filepath.Join(t.TempDir(), "events.csv")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	g := &config.ABTestGate{Events: p, Timestamp: "ts", Start: "2026-11-20T00:00:00Z", End: "2026-11-22T00:00:00Z",
		Metrics: []config.ABMetric{{Name: "conversion", Kind: "proportion", Column: "converted"}}}
	g.Defaults()
	in, _, err := FromEvents(g, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if in.Units != [2]float64{1, 1} || in.Metrics[0].Looks[0].A != (abtest.Proportion{Successes: 0, Trials: 1}) {
		t.Errorf("units %v, look %+v: rows outside the window were counted", in.Units, in.Metrics[0].Looks[0])
	}
}
