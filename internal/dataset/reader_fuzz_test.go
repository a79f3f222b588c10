package dataset

import (
	"context"
	"errors"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
)

// FuzzTSV drains a tab-separated file: rows of the header's width or a
// *RowError, never a panic.
func FuzzTSV(f *testing.F) {
	f.Add([]byte("a\tb\n1\t2\n"))
	f.Add([]byte("a\tb\n\"x\ty\"\t2\n3\n"))
	f.Add([]byte("a,b\tc\n1,2\t3\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		drain(t, write(t, "f.tsv", b))
	})
}

// FuzzGzip drains .gz files of every format: bytes taken as the gzip
// stream itself (corrupt headers, truncated streams) or gzip-compressed
// (what lies inside is checked by the format's reader).
func FuzzGzip(f *testing.F) {
	f.Add([]byte("a,b\n1,2\n"), true, uint8(0))
	f.Add(gz([]byte(`{"a":1}`+"\n")), false, uint8(1))
	f.Add(gz([]byte("a\tb\n1\t2\n"))[:12], false, uint8(2))
	f.Add(parquetBytes(f), true, uint8(3))
	f.Fuzz(func(t *testing.T, b []byte, compress bool, ext uint8) {
		watchdog(t)
		name := []string{"f.csv.gz", "f.jsonl.gz", "f.tsv.gz", "f.parquet.gz"}[int(ext)%4]
		if compress {
			b = gz(b)
		}
		drain(t, write(t, name, b))
	})
}

// FuzzLoadTSV checks the fast parallel reader on tab-separated files
// against the row reader, as FuzzLoadCSV does for commas.
func FuzzLoadTSV(f *testing.F) {
	f.Add("a\tb\n1\tx\n2\ty\n")
	f.Add("a\tb\n\"1\"\t\"x\ty\"\r\n\n3\t\"q\"\"r\"\n")
	f.Add("a\tb\n1\n")
	f.Add("a,b\tc\n1,5\t2\n")
	f.Fuzz(func(t *testing.T, body string) {
		p := filepath.Join(t.TempDir(), "f.tsv")
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		cols, kinds, _, err := inferKinds(p, LoadOptions{InferRows: 3})
		if err != nil {
			return
		}
		slow, _, _, serr := loadRows(context.Background(), p, kinds, 0)
		for _, o := range []csvOptions{{workers: 2, block: blockSize}, {workers: 2, block: 4}, {workers: 2, block: 3, noMap: true}} {
			compareLoads(t, p, cols, kinds, slow, serr, o)
		}
	})
}

// FuzzLoadJSONL loads JSON Lines into typed columns: a Table or a
// *RowError, never a panic.
func FuzzLoadJSONL(f *testing.F) {
	f.Add([]byte(`{"x":1.5,"c":"a"}` + "\n" + `{"x":null,"c":"b"}` + "\n"))
	f.Add([]byte(`{"x":"1e999","c":true}` + "\n" + `{"x":2}`))
	f.Add([]byte(`{"t":"2026-11-23T10:00:00Z"}` + "\n" + `{"t":"yesterday"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := Load(context.Background(), write(t, "f.jsonl", b), LoadOptions{InferRows: 2, Workers: 2})
		var re *RowError
		if err != nil && !errors.As(err, &re) {
			t.Fatalf("error of type %T: %v", err, err)
		}
	})
}

// FuzzLoadParquet reads fuzzed Parquet bytes with the columnar reader:
// a *RowError, never a panic; when the row reader reads the file too,
// both give the same Table.
func FuzzLoadParquet(f *testing.F) {
	seed := func(p string) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	seed(writeRows(f, "mixed.parquet", mixedRows(12), parquet.MaxRowsPerRowGroup(5), parquet.PageBufferSize(64)))
	table := filepath.Join(f.TempDir(), "table.parquet")
	writeParquetTable(f, table, 40, 2, 2, 16)
	seed(table)
	times, _ := timeRows(20)
	seed(writeRows(f, "times.parquet", times, parquet.MaxRowsPerRowGroup(8)))
	f.Add(parquetBytes(f))
	f.Fuzz(func(t *testing.T, b []byte) {
		watchdog(t)
		p := write(t, "f.parquet", b)
		cols, kinds, _, err := inferKinds(p, LoadOptions{InferRows: 4})
		if err != nil {
			return
		}
		fast, rows, ferr := loadParquet(context.Background(), p, cols, kinds, 2)
		var re *RowError
		if ferr != nil {
			if !errors.As(ferr, &re) {
				t.Fatalf("error of type %T: %v", ferr, ferr)
			}
			return
		}
		slow, _, _, serr := loadRows(context.Background(), p, kinds, 0)
		if serr != nil {
			return // corrupt rows the page reader did not need to assemble
		}
		if rows != slow.rows {
			t.Fatalf("rows: columnar %d, row reader %d", rows, slow.rows)
		}
		sameAccs(t, cols, kinds, []*accumulator{slow}, fast)
	})
}

// watchdog crashes the fuzz worker (so that the fuzzer records the
// input) when one input runs longer than ten seconds: a reader that hangs
// on bad input is a bug like a panic.
func watchdog(t *testing.T) {
	timer := time.AfterFunc(10*time.Second, func() { panic("input took over 10 s: " + t.Name()) })
	t.Cleanup(func() { timer.Stop() })
}

// sameAccs fails when two readers' accumulators make different columns.
func sameAccs(t *testing.T, cols []string, kinds []Kind, want, got []*accumulator) {
	t.Helper()
	ta := &Table{Columns: make([]*Column, len(cols))}
	tb := &Table{Columns: make([]*Column, len(cols))}
	for i := range cols {
		ta.Columns[i] = &Column{Name: cols[i], Kind: kinds[i]}
		tb.Columns[i] = &Column{Name: cols[i], Kind: kinds[i]}
	}
	mergeInto(ta, want)
	mergeInto(tb, got)
	bits := func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }
	for i := range cols {
		a, b := ta.Columns[i], tb.Columns[i]
		av, bv := slices.Clone(a.Flat()), slices.Clone(b.Flat())
		slices.Sort(av)
		slices.Sort(bv)
		if a.Missing != b.Missing || !slices.EqualFunc(av, bv, bits) || !maps.Equal(a.Counts, b.Counts) {
			t.Fatalf("column %q differs:\nrow reader %+v\nother      %+v", cols[i], a, b)
		}
	}
}
