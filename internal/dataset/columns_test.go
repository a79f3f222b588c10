package dataset

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func mustWrite(tb testing.TB, name, body string) string {
	tb.Helper()
	p := filepath.Join(tb.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

func TestLoadTypesAndValues(t *testing.T) {
	body := "x,c,b,ts,q\n" +
		"1.5,a,true,2024-01-02,\"he said \"\"hi\"\"\"\n" +
		"NA,b,false,2024-01-03T00:00:00Z,\"multi\nline\"\r\n" +
		"\n" +
		"-2e3,a,,2024-01-04 12:00:00,plain\n" +
		"0.25,,True,,\"x,y\"\n"
	p := mustWrite(t, "t.csv", body)
	for _, workers := range []int{1, 3} {
		tab, err := Load(context.Background(), p, LoadOptions{Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		if tab.Rows != 4 {
			t.Errorf("rows = %d, want 4", tab.Rows)
		}
		x := tab.Column("x")
		if x.Kind != Numeric || x.Missing != 1 {
			t.Errorf("x: kind %s missing %d, want numeric 1", x.Kind, x.Missing)
		}
		got := x.Flat()
		slices.Sort(got)
		if !slices.Equal(got, []float64{-2000, 0.25, 1.5}) {
			t.Errorf("x values = %v", got)
		}
		if c := tab.Column("c"); c.Kind != Categorical || c.Counts["a"] != 2 || c.Counts["b"] != 1 || c.Missing != 1 {
			t.Errorf("c = %+v", c)
		}
		if b := tab.Column("b"); b.Kind != Boolean || b.Counts["true"] != 2 || b.Counts["false"] != 1 {
			t.Errorf("b = %+v", b)
		}
		ts := tab.Column("ts")
		if ts.Kind != Timestamp || len(ts.Flat()) != 3 || !slices.Contains(ts.Flat(), 1704153600) {
			t.Errorf("ts = %+v", ts)
		}
		q := tab.Column("q")
		for _, want := range []string{`he said "hi"`, "multi\nline", "plain", "x,y"} {
			if q.Counts[want] != 1 {
				t.Errorf("q counts = %v, want %q once", q.Counts, want)
			}
		}
	}
}

func TestLoadErrors(t *testing.T) {
	cases := []struct {
		name, body string
		schema     map[string]Kind
		want       string
	}{
		{"ragged", "a,b\n1,2\n3\n", nil, `t.csv: row 2 (line 3): has 1 fields, expected 2 (a,b)`},
		{"non_numeric", "a,b\n1,2\n3,x\n", map[string]Kind{"b": Numeric}, `t.csv: row 2 (line 3), column "b": "x" is not a number; expected a number (the column is numeric)`},
		{"inferred_then_text", "a\n1\n2\nthree\n", nil, `t.csv: row 3 (line 4), column "a": "three" is not a number; expected a number (the column is numeric)`},
		{"empty", "", nil, `t.csv: empty file: expected a header row`},
		{"schema_column_absent", "a\n1\n", map[string]Kind{"zz": Numeric}, `t.csv, column "zz": no such column; the file has a`},
		{"bad_bool", "a\ntrue\n1\n", map[string]Kind{"a": Boolean}, `t.csv: row 2 (line 3), column "a": "1" is not a boolean; expected true or false (the column is boolean)`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := mustWrite(t, "t.csv", c.body)
			_, err := Load(context.Background(), p, LoadOptions{Schema: c.schema, InferRows: 2})
			var re *RowError
			if !errors.As(err, &re) {
				t.Fatalf("err = %v, want a *RowError", err)
			}
			if got := strings.TrimPrefix(err.Error(), filepath.Dir(p)+"/"); got != c.want {
				t.Errorf("error\n got %s\nwant %s", got, c.want)
			}
		})
	}
}

// TestLoadLargeBlocks crosses several 4 MiB blocks with a quoted
// multi-line field in the middle and checks row counts and error rows.
func TestLoadLargeBlocks(t *testing.T) {
	var b strings.Builder
	b.WriteString("v,c\n")
	n := 600000
	for i := 0; i < n; i++ {
		if i == 300000 {
			b.WriteString("1,\"a\nb\"\n")
			continue
		}
		b.WriteString("0.5,k\n")
	}
	b.WriteString("oops,k\n")
	p := mustWrite(t, "big.csv", b.String())
	_, err := Load(context.Background(), p, LoadOptions{Workers: 2, InferRows: 10})
	want := `row 600001 (line 600003), column "v": "oops" is not a number`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want it to contain %s", err, want)
	}
}

func TestParseFloatMatchesStrconv(t *testing.T) {
	for _, s := range []string{"0", "-0", "1", "1.5", "-3.25", "123456789012345", "1234567890123456", "0.1", "0.30000000000000004",
		"1e5", "1E-7", ".5", "5.", "+2", "00012.5000", "9007199254740993", "1" + strings.Repeat("0", 25), "0.000000000000000000000001"} {
		got, ok := parseFloat([]byte(s))
		want, err := strconvParse(s)
		if ok != (err == nil) || (ok && math.Float64bits(got) != math.Float64bits(want)) {
			t.Errorf("parseFloat(%q) = %v,%v; strconv %v,%v", s, got, ok, want, err)
		}
	}
	for _, s := range []string{"", "-", ".", "1..2", "1e", "abc", "inf", "NaN", "0x10", "1_000"} {
		if _, ok := parseFloat([]byte(s)); ok {
			t.Errorf("parseFloat(%q) accepted", s)
		}
	}
}

// TestLoadOtherFormats reads the same table as gzipped CSV, TSV and JSON
// Lines (the row-reader path) and expects the same columns.
func TestLoadOtherFormats(t *testing.T) {
	dir := t.TempDir()
	csvBody := "x,c\n1.5,a\n,b\n-2,a\n"
	files := map[string][]byte{
		"t.csv":   []byte(csvBody),
		"t.tsv":   []byte(strings.ReplaceAll(csvBody, ",", "\t")),
		"t.jsonl": []byte(`{"x": 1.5, "c": "a"}` + "\n" + `{"x": null, "c": "b"}` + "\n" + `{"x": -2, "c": "a"}` + "\n"),
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(csvBody))
	zw.Close()
	files["t.csv.gz"] = gz.Bytes()
	for name, body := range files {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, body, 0o644); err != nil {
				t.Fatal(err)
			}
			tab, err := Load(context.Background(), p, LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			x, c := tab.Column("x"), tab.Column("c")
			got := x.Flat()
			slices.Sort(got)
			if tab.Rows != 3 || x.Kind != Numeric || x.Missing != 1 || !slices.Equal(got, []float64{-2, 1.5}) {
				t.Errorf("rows %d, x = %s %v missing %d", tab.Rows, x.Kind, got, x.Missing)
			}
			if c.Kind != Categorical || c.Counts["a"] != 2 || c.Counts["b"] != 1 {
				t.Errorf("c = %s %v", c.Kind, c.Counts)
			}
		})
	}
}

func BenchmarkLoadCSV(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("f0,f1,f2,f3,c0\n")
	for i := 0; i < 200000; i++ {
		fmt.Fprintf(&sb, "%.6f,%.6f,%d,%.3f,cat%d\n", float64(i)*0.37, -float64(i%977)/7, i%50, float64(i%1013)*1.5, i%17)
	}
	p := mustWrite(b, "bench.csv", sb.String())
	b.SetBytes(int64(sb.Len()))
	b.ResetTimer()
	for b.Loop() {
		if _, err := Load(context.Background(), p, LoadOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadDriftCSV reads rows shaped like bench/drift_gen.py's: 16
// numeric columns of six decimals and 4 categorical ones.
func BenchmarkLoadDriftCSV(b *testing.B) {
	var sb strings.Builder
	for j := 0; j < 16; j++ {
		fmt.Fprintf(&sb, "f%d,", j)
	}
	sb.WriteString("c0,c1,c2,c3\n")
	for i := 0; i < 100000; i++ {
		for j := 0; j < 16; j++ {
			fmt.Fprintf(&sb, "%.6f,", float64((i*7919+j*104729)%100003)/997-50)
		}
		fmt.Fprintf(&sb, "cat%d,cat%d,cat%d,cat%d\n", i%5, i%13, i%29, i%31)
	}
	p := mustWrite(b, "bench.csv", sb.String())
	b.SetBytes(int64(sb.Len()))
	b.ResetTimer()
	for b.Loop() {
		if _, err := Load(context.Background(), p, LoadOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadDriftCSVRepr reads the same shape with the floats as
// pandas' default to_csv writes them: the shortest form that reads back
// the same float64 (up to 17 significant digits, exponents below 1e-4),
// integral values as "12.0", and NaN as an empty cell.
func BenchmarkLoadDriftCSVRepr(b *testing.B) {
	var sb strings.Builder
	for j := 0; j < 16; j++ {
		fmt.Fprintf(&sb, "f%d,", j)
	}
	sb.WriteString("c0,c1,c2,c3\n")
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 100000; i++ {
		for j := 0; j < 16; j++ {
			var v float64
			switch j % 3 {
			case 0:
				v = r.NormFloat64()
			case 1:
				v = math.Exp(r.NormFloat64() * 2)
			default:
				v = float64(r.IntN(50))
			}
			switch {
			case r.IntN(100) == 0:
				sb.WriteString(",")
			default:
				sb.WriteString(pyRepr(v))
				sb.WriteByte(',')
			}
		}
		fmt.Fprintf(&sb, "cat%d,cat%d,cat%d,cat%d\n", i%5, i%13, i%29, i%31)
	}
	p := mustWrite(b, "bench.csv", sb.String())
	b.SetBytes(int64(sb.Len()))
	b.ResetTimer()
	for b.Loop() {
		if _, err := Load(context.Background(), p, LoadOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// pyRepr formats v as Python's repr does: the shortest round-trip digits,
// positional from 1e-4 to 1e16 ("12.0" for an integral value), else an
// exponent of at least two digits ("1.5e-05").
func pyRepr(v float64) string {
	if a := math.Abs(v); a != 0 && (a < 1e-4 || a >= 1e16) {
		return strconv.FormatFloat(v, 'e', -1, 64)
	}
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// TestParseFloatPrefixes parses prefixes of longer cells: the eight-byte
// reads see the bytes after a cell's end and must not count them.
func TestParseFloatPrefixes(t *testing.T) {
	for _, s := range []string{"1234567890.123456789012", "-0.000123456789", "98765432109876.5", "00000000000000000000001.5", "7.25,8", "12345678,9"} {
		for k := 1; k <= len(s); k++ {
			cell := []byte(s)[:k]
			got, ok := parseFloat(cell)
			want, err := strconvParse(string(cell))
			if ok != (err == nil) || (ok && math.Float64bits(got) != math.Float64bits(want)) {
				t.Errorf("parseFloat(%q) = %v,%v; strconv %v,%v", cell, got, ok, want, err)
			}
		}
	}
}

// TestLoadMaxBadRows skips and counts rows that do not parse when the
// options allow them, leaving none of their cells behind, and fails with
// the first one's place when there are more than allowed.
func TestLoadMaxBadRows(t *testing.T) {
	csvBody := "x,c\n1.5,a\n2.5,b,extra\n3.5,q\nnope,z\n4.5,a\n"
	jsonBody := `{"x": 1.5, "c": "a"}` + "\n" + `{"x": "oops", "c": "b"}` + "\n" + `{"x": 3.5, "c": "q"}` + "\n" + `{"x": "nope", "c": "z"}` + "\n" + `{"x": 4.5, "c": "a"}` + "\n"
	schema := map[string]Kind{"x": Numeric, "c": Categorical}
	for _, tc := range []struct {
		name, body string
		firstRow   int
		firstCol   string
		rows, bad  int64
		xs         []float64
		counts     map[string]int64
	}{
		{"bad.csv", csvBody, 2, "", 3, 2, []float64{1.5, 3.5, 4.5}, map[string]int64{"a": 2, "q": 1}},
		{"bad.jsonl", jsonBody, 2, "x", 3, 2, []float64{1.5, 3.5, 4.5}, map[string]int64{"a": 2, "q": 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := mustWrite(t, tc.name, tc.body)
			tab, err := Load(context.Background(), p, LoadOptions{Schema: schema, MaxBadRows: 2, Workers: 2})
			if err != nil {
				t.Fatal(err)
			}
			x := tab.Column("x").Flat()
			slices.Sort(x)
			if tab.Rows != tc.rows || tab.BadRows != tc.bad || !slices.Equal(x, tc.xs) || !maps.Equal(tab.Column("c").Counts, tc.counts) {
				t.Errorf("rows %d bad %d x %v counts %v; want %d %d %v %v", tab.Rows, tab.BadRows, x, tab.Column("c").Counts, tc.rows, tc.bad, tc.xs, tc.counts)
			}
			if f := tab.FirstBadRow; f == nil || f.Row != tc.firstRow || f.Column != tc.firstCol {
				t.Errorf("first bad row %v, want row %d column %q", f, tc.firstRow, tc.firstCol)
			}
			_, err = Load(context.Background(), p, LoadOptions{Schema: schema, MaxBadRows: 1})
			var re *RowError
			if !errors.As(err, &re) || re.Row != tc.firstRow || !strings.Contains(err.Error(), "more than the 1") {
				t.Errorf("one bad row allowed: err = %v, want the first bad row (%d) and the count", err, tc.firstRow)
			}
			if _, err = Load(context.Background(), p, LoadOptions{Schema: schema}); !errors.As(err, &re) || re.Row != tc.firstRow || strings.Contains(err.Error(), "allowed") {
				t.Errorf("no bad rows allowed: err = %v, want the first bad row (%d) alone", err, tc.firstRow)
			}
		})
	}
}

// TestLoadTruncatedWhileMapped truncates a CSV file once it is mapped:
// the pages past its new end fault (SIGBUS), which must be an error
// naming the file, not a crash.
func TestLoadTruncatedWhileMapped(t *testing.T) {
	var b strings.Builder
	b.WriteString("x,y\n")
	for i := 0; i < 200000; i++ {
		fmt.Fprintf(&b, "%d.5,%d\n", i, i%7)
	}
	p := mustWrite(t, "big.csv", b.String())
	kinds := []Kind{Numeric, Numeric}
	for _, cut := range []int64{0, 4096, 1 << 20} {
		_, _, err := loadCSV(context.Background(), p, []string{"x", "y"}, kinds, csvOptions{
			workers: 2, block: 64 << 10,
			afterMap: func() {
				if err := os.Truncate(p, cut); err != nil {
					t.Fatal(err)
				}
			}})
		if err == nil || !strings.Contains(err.Error(), "shrank while it was being read") || !strings.Contains(err.Error(), "big.csv") {
			t.Errorf("truncated to %d while mapped: err = %v, want the file named and \"shrank\"", cut, err)
		}
		if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
