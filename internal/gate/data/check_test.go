package data

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gitlab.com/mlgate/mlgate/internal/config"
	"gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/gate/drift"
)

func f(v float64) *float64 { return &v }

func mustFile(tb testing.TB, body string) string {
	tb.Helper()
	p := filepath.Join(tb.TempDir(), "train.csv")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

// table writes 100 rows: rows 0-97 have id and age j = 0…97, country
// DE/FR ("XX" for j < 3), label 1 when j is a multiple of 10, a note
// missing when j % 5 = 1; rows 98 and 99 repeat rows 0 and 1.
func table(tb testing.TB) string {
	var b strings.Builder
	b.WriteString("id,age,country,label,note\n")
	for i := 0; i < 100; i++ {
		j := i
		if i >= 98 {
			j = i - 98
		}
		c := []string{"DE", "FR"}[j%2]
		if j < 3 {
			c = "XX"
		}
		note := "n"
		if j%5 == 1 {
			note = ""
		}
		fmt.Fprintf(&b, "%d,%d,%s,%d,%s\n", j, j, c, map[bool]int{true: 1}[j%10 == 0], note)
	}
	return mustFile(tb, b.String())
}

func TestCheck(t *testing.T) {
	data := table(t)
	g := &config.DataGate{
		Data: data, MinRows: 150, MaxMissing: 0.1, Label: "label", MaxImbalance: 5,
		Columns: map[string]config.DataColumn{
			"age":     {Type: "numeric", Min: f(0), Max: f(90)},
			"country": {Type: "categorical", Allowed: []string{"DE", "FR"}},
			"income":  {Type: "numeric"},
			"id":      {Type: "categorical"},
		},
	}
	res, err := Check(context.Background(), g, drift.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"rows":                 "100 rows, expected at least 150",
		"age: range":           "column age: 0 values below 0 and 7 above 90 (min 0, max 97)",
		"country: categories":  `column country: 5 values outside the allowed categories: "XX" (5)`,
		"income: present":      "column income is missing from " + data,
		"id: type":             "column id holds numeric values, expected categorical",
		"note: missing":        "column note: 21 of 100 cells missing (0.21), limit 0.1",
		"duplicates":           "2 of 100 rows repeat an earlier row (whole rows), share 0.02 > 0.01",
		"label: class balance": "label label: class 0 has 89 rows, class 1 11: ratio 8.09091 > 5",
	}
	got := map[string]gate.Check{}
	for _, c := range res.Checks {
		got[c.Name] = c
	}
	for name, msg := range want {
		c, ok := got[name]
		if !ok || c.Status != gate.Fail || c.Message != msg {
			t.Errorf("%s: %s %q, want fail %q", name, c.Status, c.Message, msg)
		}
	}
	if c := got["age: missing"]; c.Status != gate.Pass {
		t.Errorf("age missing: %s %s", c.Status, c.Message)
	}
	if res.Status != gate.Fail {
		t.Errorf("status %s", res.Status)
	}

	// Duplicates over a key, and a reference for the distribution.
	g2 := &config.DataGate{Data: data, Key: []string{"country"}, MaxDuplicates: 0.99, Reference: data}
	res2, err := Check(context.Background(), g2, drift.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var dist int
	for _, c := range res2.Checks {
		if strings.HasPrefix(c.Name, "distribution: ") {
			dist++
			if c.Status != gate.Pass {
				t.Errorf("%s against itself: %s", c.Name, c.Status)
			}
		}
		if c.Name == "duplicates" && *c.Candidate != 0.97 {
			t.Errorf("key duplicates share %v, want 0.97", *c.Candidate)
		}
	}
	if dist != 5 {
		t.Errorf("%d distribution checks, want 5", dist)
	}
}

// TestCheckMaxBadRows: a ragged row and a stray quote are
// skipped and counted when max_bad_rows allows two (a warning naming the
// first; rows and duplicates leave them out), and are an error when it
// allows one.
func TestCheckMaxBadRows(t *testing.T) {
	data := mustFile(t, "id,age\n1,30\n2,40\n3\n4,\"4\"0\n1,30\n")
	g := &config.DataGate{Data: data, MaxBadRows: 2, MaxDuplicates: 0.5}
	res, err := Check(context.Background(), g, drift.Options{})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]gate.Check{}
	for _, c := range res.Checks {
		byName[c.Name] = c
	}
	bad, rows, dup := byName["bad rows"], byName["rows"], byName["duplicates"]
	if bad.Status != gate.Warn || bad.Candidate == nil || *bad.Candidate != 2 || !strings.Contains(bad.Message, "row 3 (line 4)") {
		t.Errorf("bad rows check: %+v", bad)
	}
	if rows.Candidate == nil || *rows.Candidate != 3 {
		t.Errorf("rows check: %+v, want 3 rows", rows)
	}
	if dup.Candidate == nil || *dup.Candidate != 1.0/3 {
		t.Errorf("duplicates check: %+v, want 1 of 3 rows", dup)
	}
	g.MaxBadRows = 1
	if _, err := Check(context.Background(), g, drift.Options{}); err == nil || !strings.Contains(err.Error(), "more than the 1 allowed") {
		t.Errorf("one bad row allowed: err = %v", err)
	}
}
