package dataset

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// mixedRow has every physical type the columnar reader has a fast path
// for, and some it hands to the row reader's text.
type mixedRow struct {
	D     float64  `parquet:"d"`
	DDict float64  `parquet:"d_dict,dict"`
	F32   float32  `parquet:"f32"`
	I32   int32    `parquet:"i32,dict"`
	I64   *int64   `parquet:"i64,optional"`
	B     bool     `parquet:"b"`
	S     string   `parquet:"s"`
	SDict *string  `parquet:"s_dict,optional,dict"`
	NumS  string   `parquet:"num_s"`
	TS    string   `parquet:"ts"`
	Inf   *float64 `parquet:"inf,optional"`
}

func mixedRows(n int) []mixedRow {
	rows := make([]mixedRow, n)
	cats := []string{"a", "b", "NA", "c", "", "null"}
	for i := range rows {
		s := cats[i%len(cats)]
		r := mixedRow{D: float64(i)*0.1 - 3, DDict: float64(i%7) / 3, F32: float32(i) * 0.1, I32: int32(i%11 - 5),
			B: i%3 == 0, S: cats[(i+1)%len(cats)], SDict: &s, NumS: "1.25", TS: "2026-11-23 10:00:00"}
		if i%5 == 0 {
			r.SDict = nil
		}
		if i%4 != 0 {
			v := int64(i) << 33
			r.I64 = &v
		}
		if i%9 == 0 {
			r.D = math.NaN()
		}
		if i%13 == 0 {
			r.NumS = "NA"
		}
		x := float64(i)
		r.Inf = &x
		rows[i] = r
	}
	return rows
}

func writeRows[T any](tb testing.TB, name string, rows []T, opts ...parquet.WriterOption) string {
	tb.Helper()
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[T](&buf, opts...)
	if _, err := w.Write(rows); err != nil {
		tb.Fatal(err)
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	p := filepath.Join(tb.TempDir(), name)
	b := buf.Bytes()
	if filepath.Ext(name) == ".gz" {
		b = gz(b)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

// sameTable compares two Tables: rows, kinds, missing counts, counts and
// the multiset of values (bit for bit).
func sameTable(t *testing.T, got, want *Table) {
	t.Helper()
	if got.Rows != want.Rows || len(got.Columns) != len(want.Columns) {
		t.Fatalf("rows %d, %d columns; want %d, %d", got.Rows, len(got.Columns), want.Rows, len(want.Columns))
	}
	for j, w := range want.Columns {
		g := got.Columns[j]
		if g.Name != w.Name || g.Kind != w.Kind || g.Missing != w.Missing {
			t.Errorf("column %s: %s missing %d; want %s %s missing %d", g.Name, g.Kind, g.Missing, w.Name, w.Kind, w.Missing)
		}
		gv, wv := slices.Clone(g.Flat()), slices.Clone(w.Flat())
		slices.Sort(gv)
		slices.Sort(wv)
		if !slices.EqualFunc(gv, wv, func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }) {
			t.Errorf("column %s: %d values differ from the row reader's %d", g.Name, len(gv), len(wv))
		}
		if len(g.Counts)+len(w.Counts) > 0 && !reflect.DeepEqual(g.Counts, w.Counts) {
			t.Errorf("column %s: counts %v, want %v", g.Name, g.Counts, w.Counts)
		}
	}
}

// TestLoadParquetColumnsMatchRows reads files through the columnar reader
// and through Open's row reader: the same Table, whatever the physical
// types, encodings, nulls, missing tokens and row groups.
func TestLoadParquetColumnsMatchRows(t *testing.T) {
	dir := t.TempDir()
	table := filepath.Join(dir, "table.parquet")
	writeParquetTable(t, table, 3000, 6, 3, 700)
	cases := map[string]struct {
		path string
		opt  LoadOptions
	}{
		"bench layout, 5 row groups": {table, LoadOptions{}},
		"every type":                 {writeRows(t, "mixed.parquet", mixedRows(2500), parquet.MaxRowsPerRowGroup(1000), parquet.PageBufferSize(512)), LoadOptions{}},
		"every type, gzip":           {writeRows(t, "mixed.parquet.gz", mixedRows(300)), LoadOptions{}},
		"schema: strings as categories, numbers as categories": {writeRows(t, "schema.parquet", mixedRows(400)),
			LoadOptions{Schema: map[string]Kind{"i32": Categorical, "d": Categorical, "b": Categorical, "ts": Timestamp, "num_s": Numeric}}},
		"few rows infer": {writeRows(t, "few.parquet", mixedRows(50)), LoadOptions{InferRows: 3}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			want, err := loadRowsTable(t, c.path, c.opt)
			if err != nil {
				t.Fatal(err)
			}
			got, err := loadParquetTable(t, c.path, c.opt)
			if err != nil {
				t.Fatal(err)
			}
			sameTable(t, got, want)
		})
	}
}

// TestLoadParquetColumnsErrors: a cell that does not fit its column's
// kind names the same file, row and column as the row reader.
func TestLoadParquetColumnsErrors(t *testing.T) {
	rows := mixedRows(40)
	rows[26].NumS = "1.5x"
	p := writeRows(t, "bad.parquet", rows, parquet.MaxRowsPerRowGroup(16))
	inf := mixedRows(10)
	*inf[7].Inf = math.Inf(1)
	pinf := writeRows(t, "inf.parquet", inf)
	for _, c := range []struct {
		path string
		opt  LoadOptions
	}{
		{p, LoadOptions{Schema: map[string]Kind{"num_s": Numeric}}},
		{p, LoadOptions{Schema: map[string]Kind{"s": Numeric}}},
		{pinf, LoadOptions{}},
	} {
		_, werr := loadRowsTable(t, c.path, c.opt)
		_, gerr := loadParquetTable(t, c.path, c.opt)
		if (werr == nil) != (gerr == nil) || werr != nil && werr.Error() != gerr.Error() {
			t.Errorf("%s %v:\n got %v\nwant %v", filepath.Base(c.path), c.opt.Schema, gerr, werr)
		}
	}
	_, err := loadParquetTable(t, p, LoadOptions{Schema: map[string]Kind{"num_s": Numeric}})
	var re *RowError
	if !errors.As(err, &re) || re.Row != 27 || re.Column != "num_s" || re.File != p {
		t.Errorf("err = %#v, want row 27, column num_s of %s", err, p)
	}
}

// TestLoadParquetColumnsSkips reads only the columns asked for.
func TestLoadParquetColumnsSkips(t *testing.T) {
	rows := mixedRows(30)
	rows[3].NumS = "oops" // in a skipped column: not read, not an error
	p := writeRows(t, "skip.parquet", rows)
	cols, kinds, _, err := inferKinds(p, LoadOptions{InferRows: 2, Schema: map[string]Kind{"num_s": Numeric}})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cols {
		if c != "d" {
			kinds[i] = skipKind
		}
	}
	accs, n, err := loadParquet(t.Context(), p, cols, kinds, 3)
	if err != nil {
		t.Fatal(err)
	}
	d := slices.Index(cols, "d")
	if n != 30 || len(accs[0].values[d]) != 30-4 || accs[0].missing[d] != 4 {
		t.Errorf("rows %d, d: %d values, %d missing; want 30, 26, 4 (NaN is missing)", n, len(accs[0].values[d]), accs[0].missing[d])
	}
	for i := range cols {
		if i != d && (len(accs[0].values[i]) > 0 || accs[0].missing[i] > 0) {
			t.Errorf("skipped column %s was read", cols[i])
		}
	}
}
