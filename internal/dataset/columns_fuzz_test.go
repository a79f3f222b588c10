package dataset

import (
	"context"
	"errors"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func strconvParse(s string) (float64, error) {
	for _, c := range s {
		if !strings.ContainsRune("0123456789.+-eE", c) {
			return 0, strconv.ErrSyntax
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err == nil && (math.IsNaN(f) || math.IsInf(f, 0)) {
		return 0, strconv.ErrSyntax
	}
	return f, err
}

// FuzzParseFloat checks the float parser against strconv.ParseFloat bit
// for bit on any input: parseFloatExact as strconv is (same value bits,
// same error or not), parseFloat as strconv is on the finite decimals it
// takes. The cell is read as a prefix of a longer buffer, so that the
// eight-byte reads see bytes after its end, and at the start of a record
// as addRecord scans it.
func FuzzParseFloat(f *testing.F) {
	for _, s := range []string{"1.5", "-0.25", "123456.789", "1e10", "0.1234567890123456789", "0.44364805676127783", "1.5e-05", "1E+10", "+.5", "5.", "-inf", "Infinity", "NaN", "9007199254740993", "1e23", "5e-324", "1e400"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		buf := []byte(s + ",98765432,1")
		cell := buf[:len(s)]
		want, err := strconv.ParseFloat(s, 64)
		got, ok := parseFloatExact(cell)
		if ok != (err == nil) || math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("parseFloatExact(%q) = %v (%#x), %v; strconv %v (%#x), %v", s, got, math.Float64bits(got), ok, want, math.Float64bits(want), err)
		}
		got, ok = parseFloat(cell)
		want, err = strconvParse(s)
		if ok != (err == nil) {
			t.Fatalf("parseFloat(%q) ok=%v, strconv err=%v", s, ok, err)
		}
		if ok && math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("parseFloat(%q) = %v, strconv %v", s, got, want)
		}
		if v, end, st := scanFloat(buf, 0, ','); st != scanNone && !strings.Contains(s, ",") {
			if w, err := strconv.ParseFloat(s, 64); end != len(s) || err != nil && st == scanValue || st == scanValue && math.Float64bits(v) != math.Float64bits(w) {
				t.Fatalf("scanFloat(%q) = %v, %d, %d; strconv %v, %v", buf, v, end, st, w, err)
			}
		}
	})
}

// FuzzLoadCSV checks the fast parallel CSV path against the row reader
// built on encoding/csv: the same error (file, row, column) or the same
// columns.
func FuzzLoadCSV(f *testing.F) {
	f.Add("a,b\n1,x\n2,y\n")
	f.Add("a,b\n\"1\",\"x,y\"\r\n\n3,\"q\"\"r\"\n")
	f.Add("a\n1\n\"2\n")
	f.Add("a,b\n1\n")
	f.Add("\n\na,b\r\n1,2\r\n")
	f.Fuzz(func(t *testing.T, body string) {
		dir := t.TempDir()
		p := filepath.Join(dir, "f.csv")
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		cols, kinds, _, err := inferKinds(p, LoadOptions{InferRows: 3})
		if err != nil {
			return
		}
		slow, _, _, serr := loadRows(context.Background(), p, kinds, 0)
		// The mapped and the read path, with blocks small enough that
		// records and quoted fields cross them, and the default blocks.
		for _, o := range []csvOptions{{workers: 2, block: blockSize}, {workers: 2, block: 5}, {workers: 3, block: 3, noMap: true}, {workers: 1, block: blockSize, noMap: true}} {
			compareLoads(t, p, cols, kinds, slow, serr, o)
		}
		// Bad rows allowed: where the row reader meets only cells that
		// do not fit (its own errors, a ragged row or a bad quote, stop
		// it even then), both skip the same rows.
		const many = 1 << 40
		slowBad, nbad, first, serr := loadRows(context.Background(), p, kinds, many)
		if serr != nil {
			return
		}
		for _, o := range []csvOptions{{workers: 2, block: 5, maxBad: many}, {workers: 1, block: blockSize, noMap: true, maxBad: many}} {
			_, l, ferr := loadCSV(context.Background(), p, cols, kinds, o)
			if ferr != nil {
				t.Fatalf("%+v: fast err=%v, row reader skipped %d bad rows", o, ferr, nbad)
			}
			if l.bad != nbad || (first == nil) != (l.firstBad == nil) || (first != nil && (first.Row != l.firstBad.Row || first.Column != l.firstBad.Column)) {
				t.Fatalf("%+v: fast skipped %d rows (first %v), row reader %d (first %v)", o, l.bad, l.firstBad, nbad, first)
			}
			compareLoads(t, p, cols, kinds, slowBad, nil, o)
		}
	})
}

// compareLoads checks the fast CSV path with options o against the row
// reader's result.
func compareLoads(t *testing.T, p string, cols []string, kinds []Kind, slow *accumulator, serr error, o csvOptions) {
	t.Helper()
	fast, l, ferr := loadCSV(context.Background(), p, cols, kinds, o)
	rows := l.rows
	if (serr == nil) != (ferr == nil) {
		t.Fatalf("%+v: row reader err=%v, fast err=%v", o, serr, ferr)
	}
	if serr != nil {
		var a, b *RowError
		if errors.As(serr, &a) && errors.As(ferr, &b) && (a.Row != b.Row || a.Column != b.Column) {
			t.Fatalf("%+v: row reader err=%v, fast err=%v", o, serr, ferr)
		}
		return
	}
	if rows != slow.rows {
		t.Fatalf("%+v: rows: fast %d, row reader %d", o, rows, slow.rows)
	}
	ta := &Table{Columns: make([]*Column, len(cols))}
	tb := &Table{Columns: make([]*Column, len(cols))}
	for i := range cols {
		ta.Columns[i] = &Column{Name: cols[i], Kind: kinds[i]}
		tb.Columns[i] = &Column{Name: cols[i], Kind: kinds[i]}
	}
	// slow is merged afresh for each comparison: mergeInto
	// consumes an accumulator's values.
	slowCopy := *slow
	slowCopy.values = slices.Clone(slow.values)
	slowCopy.full = slices.Clone(slow.full)
	mergeInto(ta, []*accumulator{&slowCopy})
	mergeInto(tb, fast)
	for i := range cols {
		a, b := ta.Columns[i], tb.Columns[i]
		av, bv := a.Flat(), b.Flat()
		slices.Sort(av)
		slices.Sort(bv)
		if a.Missing != b.Missing || !slices.Equal(av, bv) || !maps.Equal(a.Counts, b.Counts) {
			t.Fatalf("%+v: column %q differs:\nrow reader %+v\nfast       %+v", o, cols[i], a, b)
		}
	}
}
