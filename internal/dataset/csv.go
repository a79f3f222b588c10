package dataset

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

type csvReader struct {
	file  string
	r     *csv.Reader
	cols  []string
	row   int
	close func() error
}

func newCSV(file string, r io.Reader, comma rune, closer func() error) (*csvReader, error) {
	cr := csv.NewReader(r)
	cr.Comma = comma
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1 // checked in Next, with a better message
	head, err := cr.Read()
	if err == io.EOF {
		return nil, &RowError{File: file, Msg: "empty file: expected a header row"}
	}
	if err != nil {
		return nil, csvErr(file, 0, err)
	}
	cols := make([]string, len(head))
	seen := map[string]bool{}
	for i, h := range head {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if h == "" {
			return nil, &RowError{File: file, Line: 1, Msg: fmt.Sprintf("header column %d has no name", i+1)}
		}
		if seen[h] {
			return nil, &RowError{File: file, Line: 1, Column: h, Msg: "column name appears twice in the header"}
		}
		seen[h] = true
		cols[i] = h
	}
	return &csvReader{file: file, r: cr, cols: cols, close: closer}, nil
}

func (c *csvReader) Columns() []string { return c.cols }
func (c *csvReader) Row() int          { return c.row }
func (c *csvReader) Close() error      { return c.close() }

func (c *csvReader) Next() ([]string, error) {
	rec, err := c.r.Read()
	if err == io.EOF {
		return nil, io.EOF
	}
	c.row++
	if err != nil {
		return nil, csvErr(c.file, c.row, err)
	}
	if len(rec) != len(c.cols) {
		line, _ := c.r.FieldPos(0)
		return nil, &RowError{File: c.file, Row: c.row, Line: line, Msg: fmt.Sprintf("has %d fields, expected %d (%s)", len(rec), len(c.cols), strings.Join(c.cols, ","))}
	}
	return rec, nil
}

func csvErr(file string, row int, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &RowError{File: file, Row: row, Line: pe.Line, Msg: pe.Err.Error()}
	}
	return &RowError{File: file, Row: row, Msg: err.Error()}
}
