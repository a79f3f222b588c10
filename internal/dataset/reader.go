package dataset

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/dataset/blob"
)

// Format is a file format Open understands.
type Format string

// The formats, named by their usual extension.
const (
	CSV     Format = "csv"
	JSONL   Format = "jsonl"
	Parquet Format = "parquet"
)

// Reader streams the rows of a table. Cells are strings: a missing value is
// the empty string (see IsMissing); numbers in JSON or Parquet are written
// with strconv's shortest form.
type Reader interface {
	// Columns returns the column names, in file order.
	Columns() []string
	// Next returns the next row's cells, one per column, or io.EOF after
	// the last row. The slice may be reused by the next call. A row that
	// cannot be read gives a *RowError.
	Next() ([]string, error)
	// Row returns the 1-based number of the row Next last returned.
	Row() int
	// Close releases the file.
	Close() error
}

// RowError says what is wrong with one row of one file.
type RowError struct {
	File   string
	Row    int    // 1-based data row; 0 for the header or the whole file
	Line   int    // 1-based line in the file, where known
	Column string // empty when the row as a whole is wrong
	Msg    string
}

func (e *RowError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	switch {
	case e.Row > 0 && e.Line > 0:
		fmt.Fprintf(&b, ": row %d (line %d)", e.Row, e.Line)
	case e.Row > 0:
		fmt.Fprintf(&b, ": row %d", e.Row)
	case e.Line > 0:
		fmt.Fprintf(&b, ": line %d", e.Line)
	}
	if e.Column != "" {
		fmt.Fprintf(&b, ", column %q", e.Column)
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

// FormatOf returns the format of path by its extension (".gz" ignored):
// .csv, .tsv (tab-separated CSV), .jsonl / .ndjson / .json, .parquet.
func FormatOf(path string) (Format, error) {
	p := strings.ToLower(strings.TrimSuffix(strings.ToLower(path), ".gz"))
	switch filepath.Ext(p) {
	case ".csv", ".tsv", ".txt":
		return CSV, nil
	case ".jsonl", ".ndjson", ".json":
		return JSONL, nil
	case ".parquet", ".pq":
		return Parquet, nil
	}
	return "", fmt.Errorf("%s: unknown file type %q: expected .csv, .tsv, .jsonl, .ndjson or .parquet (optionally .gz)", path, filepath.Ext(p))
}

// IsMissing reports whether a cell is a missing value: "", "NA", "N/A",
// "null", "NULL", "NaN", "nan", "None".
func IsMissing(cell string) bool {
	switch cell {
	case "", "NA", "N/A", "null", "NULL", "Null", "NaN", "nan", "None":
		return true
	}
	return false
}

// Open opens path for streaming, choosing the format by extension. path
// is a local file, an s3:// URL of one object, or an s3:// URL with a
// wildcard or ending in "/" that names many objects with the same
// columns, read one after another as one table (see package blob).
func Open(path string) (Reader, error) {
	if blob.IsMany(path) {
		return openMany(context.Background(), path)
	}
	f, err := FormatOf(path)
	if err != nil {
		return nil, err
	}
	src, err := openSource(context.Background(), path)
	if err != nil {
		return nil, err
	}
	var r io.Reader = src
	var closers []io.Closer
	closers = append(closers, src)
	if strings.HasSuffix(strings.ToLower(path), ".gz") {
		gz, err := gzip.NewReader(bufio.NewReaderSize(src, 1<<16))
		if err != nil {
			src.Close()
			return nil, &RowError{File: path, Msg: fmt.Sprintf("not gzip data: %v", err)}
		}
		r = gz
		closers = append(closers, gz)
	}
	closeAll := func() error {
		var first error
		for i := len(closers) - 1; i >= 0; i-- {
			if err := closers[i].Close(); err != nil && first == nil {
				first = err
			}
		}
		return first
	}
	var rd Reader
	switch f {
	case CSV:
		comma := ','
		if strings.HasSuffix(strings.TrimSuffix(strings.ToLower(path), ".gz"), ".tsv") {
			comma = '\t'
		}
		rd, err = newCSV(path, r, comma, closeAll)
	case JSONL:
		rd, err = newJSONL(path, r, closeAll)
	case Parquet:
		var ra io.ReaderAt
		var size int64
		if len(closers) > 1 { // gzip: parquet needs random access
			b, rerr := io.ReadAll(r)
			if rerr != nil {
				closeAll()
				return nil, &RowError{File: path, Msg: fmt.Sprintf("read gzip: %v", rerr)}
			}
			ra, size = bytes.NewReader(b), int64(len(b))
		} else {
			ra, size = src, src.size
		}
		rd, err = newParquet(path, ra, size, closeAll)
	}
	if err != nil {
		closeAll()
		return nil, err
	}
	return rd, nil
}

// ReadAll reads every row of path into memory; for small files and tests.
func ReadAll(path string) (cols []string, rows [][]string, err error) {
	r, err := Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	cols = append([]string(nil), r.Columns()...)
	for {
		row, err := r.Next()
		if err == io.EOF {
			return cols, rows, nil
		}
		if err != nil {
			return nil, nil, err
		}
		rows = append(rows, append([]string(nil), row...))
	}
}

// ColumnIndex returns the index of each wanted column in cols, or a
// *RowError naming the first that is absent and the columns there are.
func ColumnIndex(file string, cols []string, want ...string) ([]int, error) {
	idx := make([]int, len(want))
	for i, w := range want {
		idx[i] = -1
		for j, c := range cols {
			if c == w {
				idx[i] = j
				break
			}
		}
		if idx[i] < 0 {
			return nil, &RowError{File: file, Column: w, Msg: fmt.Sprintf("no such column; the file has %s", strings.Join(cols, ", "))}
		}
	}
	return idx, nil
}
