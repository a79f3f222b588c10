// Command csv2parquet writes a CSV file as Parquet, for the drift
// benchmark's Parquet variant (pyarrow is not available where the bench
// runs). Columns are typed as gate-runner types them (dataset.Kinds:
// inferred from the leading rows): numeric columns become optional
// DOUBLE, every other column an optional dictionary-encoded string;
// missing cells ("", "NA", "NaN", …) become nulls. The output is Snappy
// compressed in row groups of -rowgroup rows, as Spark and pyarrow write
// by default.
//
//	csv2parquet [-rowgroup N] IN.csv OUT.parquet
package main

import (
	"bufio"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/parquet-go/parquet-go"

	"gitlab.com/mlgate/mlgate/internal/dataset"
)

func main() {
	rowGroup := flag.Int64("rowgroup", 131072, "rows per row group")
	flag.Parse()
	if flag.NArg() != 2 {
		fmt.Fprintln(os.Stderr, "usage: csv2parquet [-rowgroup N] IN.csv OUT.parquet")
		os.Exit(2)
	}
	if err := convert(flag.Arg(0), flag.Arg(1), *rowGroup); err != nil {
		fmt.Fprintln(os.Stderr, "csv2parquet:", err)
		os.Exit(2)
	}
}

// convert writes in as Parquet to out (through a temporary file, renamed
// when complete).
func convert(in, out string, rowGroup int64) error {
	cols, kinds, err := dataset.Kinds(in, dataset.LoadOptions{})
	if err != nil {
		return err
	}
	group := parquet.Group{}
	for i, c := range cols {
		if kinds[i] == dataset.Numeric {
			group[c] = parquet.Optional(parquet.Leaf(parquet.DoubleType))
		} else {
			group[c] = parquet.Optional(parquet.Encoded(parquet.String(), &parquet.RLEDictionary))
		}
	}
	schema := parquet.NewSchema("table", group)
	// The schema orders its columns by name: leaf[i] is CSV column i's.
	leaf := make([]int, len(cols))
	for i, c := range cols {
		lc, ok := schema.Lookup(c)
		if !ok {
			return fmt.Errorf("column %q missing from the schema", c)
		}
		leaf[i] = lc.ColumnIndex
	}

	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	cr := csv.NewReader(bufio.NewReaderSize(f, 1<<20))
	cr.ReuseRecord = true
	if _, err := cr.Read(); err != nil {
		return fmt.Errorf("%s: header: %w", in, err)
	}
	tmp := out + ".tmp"
	o, err := os.Create(tmp)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	bw := bufio.NewWriterSize(o, 1<<20)
	w := parquet.NewWriter(bw, schema, parquet.Compression(&parquet.Snappy), parquet.MaxRowsPerRowGroup(rowGroup))
	batch := make([]parquet.Row, 0, 4096)
	flush := func() error {
		if _, err := w.WriteRows(batch); err != nil {
			return err
		}
		batch = batch[:0]
		return nil
	}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: %w", in, err)
		}
		row := make(parquet.Row, len(cols))
		for i, cell := range rec {
			var v parquet.Value
			switch {
			case dataset.IsMissing(cell):
				v = parquet.NullValue().Level(0, 0, leaf[i])
			case kinds[i] == dataset.Numeric:
				x, err := strconv.ParseFloat(cell, 64)
				if err != nil {
					return fmt.Errorf("%s: line %d, column %q: %q is not a number", in, line, cols[i], cell)
				}
				v = parquet.DoubleValue(x).Level(0, 1, leaf[i])
			default:
				v = parquet.ByteArrayValue([]byte(cell)).Level(0, 1, leaf[i])
			}
			row[leaf[i]] = v
		}
		batch = append(batch, row)
		if len(batch) == cap(batch) {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := o.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, out)
}
