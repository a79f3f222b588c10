package dataset

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// writeParquetTable writes rows rows of f0..f(nf-1) (optional DOUBLE,
// every 37th cell of f1 null) and c0..c(nc-1) (optional dictionary
// strings, every 53rd cell of c0 null) in row groups of rowGroup rows,
// the layout csv2parquet gives the drift benchmark.
func writeParquetTable(tb testing.TB, path string, rows, nf, nc int, rowGroup int64) {
	tb.Helper()
	g := parquet.Group{}
	for j := 0; j < nf; j++ {
		g[fmt.Sprintf("f%d", j)] = parquet.Optional(parquet.Leaf(parquet.DoubleType))
	}
	for j := 0; j < nc; j++ {
		g[fmt.Sprintf("c%d", j)] = parquet.Optional(parquet.Encoded(parquet.String(), &parquet.RLEDictionary))
	}
	s := parquet.NewSchema("t", g)
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	w := parquet.NewWriter(f, s, parquet.Compression(&parquet.Snappy), parquet.MaxRowsPerRowGroup(rowGroup))
	batch := make([]parquet.Row, 0, 1024)
	for i := 0; i < rows; i++ {
		row := make(parquet.Row, 0, nf+nc)
		for _, lc := range s.Columns() {
			name := lc[0]
			col, _ := s.Lookup(name)
			var j int
			fmt.Sscanf(name[1:], "%d", &j)
			switch {
			case name == "f1" && i%37 == 0, name == "c0" && i%53 == 0:
				row = append(row, parquet.NullValue().Level(0, 0, col.ColumnIndex))
			case name[0] == 'f':
				v := math.Sin(float64(i*(j+1)))*float64(j+1) + float64(i%(j+3))
				row = append(row, parquet.DoubleValue(v).Level(0, 1, col.ColumnIndex))
			default:
				row = append(row, parquet.ByteArrayValue([]byte(fmt.Sprintf("cat%d", (i*7+j)%(5+10*j)))).Level(0, 1, col.ColumnIndex))
			}
		}
		batch = append(batch, row)
		if len(batch) == cap(batch) || i == rows-1 {
			if _, err := w.WriteRows(batch); err != nil {
				tb.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
}

func BenchmarkLoadParquet(b *testing.B) {
	p := filepath.Join(b.TempDir(), "bench.parquet")
	writeParquetTable(b, p, 200000, 16, 4, 65536)
	b.ResetTimer()
	for b.Loop() {
		if _, err := Load(context.Background(), p, LoadOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// loadParquetTable is Load with the columnar Parquet reader.
func loadParquetTable(tb testing.TB, path string, opt LoadOptions) (*Table, error) {
	tb.Helper()
	t, cols, kinds, err := newTable(path, opt)
	if err != nil {
		return nil, err
	}
	accs, rows, err := loadParquet(context.Background(), path, cols, kinds, 2)
	if err != nil {
		return nil, err
	}
	t.Rows = rows
	mergeInto(t, accs)
	return t, nil
}

// loadRowsTable is Load through Open's row reader.
func loadRowsTable(tb testing.TB, path string, opt LoadOptions) (*Table, error) {
	tb.Helper()
	t, _, kinds, err := newTable(path, opt)
	if err != nil {
		return nil, err
	}
	a, _, _, err := loadRows(context.Background(), path, kinds, 0)
	if err != nil {
		return nil, err
	}
	t.Rows = a.rows
	mergeInto(t, []*accumulator{a})
	return t, nil
}

func BenchmarkLoadParquetColumns(b *testing.B) {
	p := filepath.Join(b.TempDir(), "bench.parquet")
	writeParquetTable(b, p, 200000, 16, 4, 65536)
	b.ResetTimer()
	for b.Loop() {
		if _, err := loadParquetTable(b, p, LoadOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestParquetNumberKinds: a column of a number type is numeric from its
// first value; one without a value among the first rows is categorical; a
// string column is inferred from its text as in a CSV file. An infinity
// in a number column is the error it is anywhere in a numeric column, in
// the first rows too (read as text it used to make the column
// categorical there, and an error further on).
func TestParquetNumberKinds(t *testing.T) {
	type rec struct {
		X *float64 `parquet:"x,optional"`
		N *int64   `parquet:"n,optional"`
		E *float64 `parquet:"e,optional"`
		S string   `parquet:"s"`
		C string   `parquet:"c"`
	}
	one, two, three := 1.5, -2.0, int64(3)
	rows := []rec{{X: &two, S: "1", C: "a"}, {X: &one, N: &three, S: "2.5", C: "b"}, {S: "3", C: "c"}}
	path := filepath.Join(t.TempDir(), "kinds.parquet")
	if err := parquet.WriteFile(path, rows); err != nil {
		t.Fatal(err)
	}
	tb, err := Load(context.Background(), path, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Kind{"x": Numeric, "n": Numeric, "e": Categorical, "s": Numeric, "c": Categorical}
	for name, k := range want {
		if c := tb.Column(name); c == nil || c.Kind != k {
			t.Errorf("column %s: %+v, want kind %v", name, c, k)
		}
	}
	if x := tb.Column("x"); x != nil && x.Kind == Numeric {
		v := x.Flat()
		slices.Sort(v)
		if len(v) != 2 || v[0] != -2 || v[1] != 1.5 {
			t.Errorf("column x: values %v, want [-2 1.5]", v)
		}
	}

	inf := math.Inf(1)
	rows[0].X = &inf
	if err := parquet.WriteFile(path, rows); err != nil {
		t.Fatal(err)
	}
	_, err = Load(context.Background(), path, LoadOptions{})
	if err == nil || !strings.Contains(err.Error(), `row 1, column "x": "+Inf" is infinite`) {
		t.Errorf("+Inf in a DOUBLE column: %v, want the row, the column and what is wrong", err)
	}
}
