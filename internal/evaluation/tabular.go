package evaluation

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"unsafe"

	"gitlab.com/mlgate/mlgate/internal/dataset"
)

// rankingColumns says which columns a ranking file needs: the user and item
// ids and, for predictions, the score; for labels the relevance is
// optional.
type rankingColumns struct {
	value    string // "score" or "relevance"
	optional bool   // value column may be absent (value 1)
	parse    func([]byte) (float64, bool)
	expect   string // what a value must be, for messages
}

var (
	predictionColumns = rankingColumns{value: "score", parse: parseScore, expect: "a number"}
	labelColumns2     = rankingColumns{value: "relevance", optional: true, parse: parseRelevance, expect: "an integer relevance"}
)

// scanTable reads (user_id, item_id, value) rows from a CSV, TSV, JSONL or
// Parquet file: plain CSV through a fast byte scanner, everything else (and
// CSV with quoted fields) through internal/dataset.
//
// When the fast scanner gives up after emitting rows, reset is called
// before the general reader emits every row again.
func scanTable(ctx context.Context, path string, rc rankingColumns, fn rowFunc, reset func()) error {
	format, err := dataset.FormatOf(path)
	if err != nil {
		return err
	}
	if format == dataset.CSV {
		err := scanFastCSV(ctx, path, rc, fn)
		if !errors.Is(err, errSlowPath) {
			return err
		}
		reset()
	}
	return scanDataset(ctx, path, rc, fn)
}

// scanFastCSV reads a CSV (or .tsv) file without quotes by splitting lines
// at the separator. It returns errSlowPath, before calling fn for any row,
// when the header holds a quote, and errSlowPath after some rows when a
// later line does; callers then start again with the general reader, so fn
// must tolerate a restart (see rankingSource).
func scanFastCSV(ctx context.Context, path string, rc rankingColumns, fn rowFunc) error {
	r, closeFn, err := openText(path)
	if err != nil {
		return err
	}
	defer closeFn()
	sep := byte(',')
	if strings.HasSuffix(strings.TrimSuffix(strings.ToLower(path), ".gz"), ".tsv") {
		sep = '\t'
	}
	s := lineScanner{file: path, r: r}
	head, err := s.next()
	if err == io.EOF {
		return &dataset.RowError{File: path, Msg: "empty file: expected a header row"}
	}
	if err != nil {
		return err
	}
	if bytes.IndexByte(head, '"') >= 0 {
		return errSlowPath
	}
	head = bytes.TrimPrefix(head, []byte("\ufeff"))
	var cols []string
	seen := map[string]bool{}
	for i, c := range bytes.Split(head, []byte{sep}) {
		name := strings.TrimSpace(string(c))
		if name == "" {
			return &dataset.RowError{File: path, Line: 1, Msg: fmt.Sprintf("header column %d has no name", i+1)}
		}
		if seen[name] {
			return &dataset.RowError{File: path, Line: 1, Column: name, Msg: "column name appears twice in the header"}
		}
		seen[name] = true
		cols = append(cols, name)
	}
	ui, ii, vi, err := rankingIndex(path, cols, rc)
	if err != nil {
		return err
	}
	parts := make([][]byte, len(cols))
	row := 0
	for {
		b, err := s.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		row++
		if bytes.IndexByte(b, '"') >= 0 {
			return errSlowPath
		}
		if row&(1<<20-1) == 1 && ctx.Err() != nil {
			return ctx.Err()
		}
		n := splitSep(b, sep, parts)
		if n != len(cols) {
			if len(b) == 0 {
				row--
				continue
			}
			return &dataset.RowError{File: path, Row: row, Line: s.line, Msg: fmt.Sprintf("has %d fields, expected %d (%s)", n, len(cols), strings.Join(cols, ","))}
		}
		if err := emitRow(path, cols, parts, ui, ii, vi, rc, row, s.line, fn); err != nil {
			return err
		}
	}
	if row == 0 {
		return &dataset.RowError{File: path, Msg: "no data rows"}
	}
	return nil
}

// splitSep splits b at sep into dst and returns the number of fields.
func splitSep(b []byte, sep byte, dst [][]byte) int {
	n := 0
	for {
		i := bytes.IndexByte(b, sep)
		if i < 0 {
			if n < len(dst) {
				dst[n] = b
			}
			return n + 1
		}
		if n < len(dst) {
			dst[n] = b[:i]
		}
		n++
		b = b[i+1:]
	}
}

// rankingIndex finds user_id, item_id and the value column; vi is -1 when
// an optional value column is absent.
func rankingIndex(path string, cols []string, rc rankingColumns) (ui, ii, vi int, err error) {
	want := []string{"user_id", "item_id"}
	if !rc.optional {
		want = append(want, rc.value)
	}
	idx, err := dataset.ColumnIndex(path, cols, want...)
	if err != nil {
		return 0, 0, 0, err
	}
	vi = -1
	if rc.optional {
		vi = pickColumn(cols, []string{rc.value})
	} else {
		vi = idx[2]
	}
	return idx[0], idx[1], vi, nil
}

func emitRow(path string, cols []string, parts [][]byte, ui, ii, vi int, rc rankingColumns, row, line int, fn rowFunc) error {
	u, it := parts[ui], parts[ii]
	if dataset.IsMissing(bstr(u)) {
		return &dataset.RowError{File: path, Row: row, Line: line, Column: cols[ui], Msg: "missing value, expected a user id"}
	}
	if dataset.IsMissing(bstr(it)) {
		return &dataset.RowError{File: path, Row: row, Line: line, Column: cols[ii], Msg: "missing value, expected an item id"}
	}
	v := 1.0
	if vi >= 0 {
		var ok bool
		v, ok = rc.parse(bytes.TrimSpace(parts[vi]))
		if !ok {
			return &dataset.RowError{File: path, Row: row, Line: line, Column: cols[vi], Msg: fmt.Sprintf("found %q, expected %s", clip(parts[vi]), rc.expect)}
		}
	}
	return fn(u, it, v, row, line)
}

// scanDataset reads any format internal/dataset knows.
func scanDataset(ctx context.Context, path string, rc rankingColumns, fn rowFunc) error {
	r, err := dataset.Open(path)
	if err != nil {
		return err
	}
	defer r.Close()
	cols := r.Columns()
	ui, ii, vi, err := rankingIndex(path, cols, rc)
	if err != nil {
		return err
	}
	parts := make([][]byte, len(cols))
	n := 0
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		n++
		if n&(1<<16-1) == 1 && ctx.Err() != nil {
			return ctx.Err()
		}
		for i, c := range rec {
			parts[i] = sbytes(c)
		}
		if err := emitRow(path, cols, parts, ui, ii, vi, rc, r.Row(), 0, fn); err != nil {
			return err
		}
	}
	if n == 0 {
		return &dataset.RowError{File: path, Msg: "no data rows"}
	}
	return nil
}

// sbytes views s as bytes without copying; the bytes must not be written.
func sbytes(s string) []byte {
	if s == "" {
		return nil
	}
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
