package dataset

import (
	"fmt"
	"io"
	"strconv"

	"github.com/parquet-go/parquet-go"

	"gitlab.com/mlgate/mlgate/internal/dataset/blob"
)

type parquetReader struct {
	file   string
	pf     *parquet.File
	cols   []string
	times  []temporal // per column, 0 unless its values are instants
	number []bool     // per column: a number type, whose every value is a number
	groups []parquet.RowGroup
	g      int
	rows   parquet.Rows
	buf    []parquet.Row
	n, i   int
	cells  []string
	text   []byte // the current row's cells, one after another
	spans  []int  // cell i is text[spans[2i]:spans[2i+1]]
	row    int
	close  func() error
}

func newParquet(file string, r io.ReaderAt, size int64, closer func() error) (p *parquetReader, err error) {
	defer func() {
		// parquet-go can panic on corrupt metadata; bad input must not.
		if v := recover(); v != nil {
			p, err = nil, &RowError{File: file, Msg: fmt.Sprintf("not a readable Parquet file: %v", v)}
		}
	}()
	// An object's column chunks are each read through a stream of its
	// own (objectChunks), known once the footer is read.
	var chunks *objectChunks
	if s, ok := r.(*source); ok {
		if o, ok := s.ReaderAt.(*blob.Object); ok {
			chunks = &objectChunks{obj: o}
			r = chunks
		}
	}
	var opts []parquet.FileOption
	if chunks != nil {
		// The footer's magic bytes are checked; the header's would cost
		// a GET of their own.
		opts = append(opts, parquet.SkipMagicBytes(true))
	}
	pf, err := parquet.OpenFile(r, size, opts...)
	if err != nil {
		return nil, &RowError{File: file, Msg: fmt.Sprintf("not a readable Parquet file: %v", err)}
	}
	if chunks != nil {
		chunks.setFile(pf)
		closeFile := closer
		closer = func() error {
			chunks.Close()
			return closeFile()
		}
	}
	var cols []string
	var times []temporal
	var number []bool
	for _, f := range pf.Schema().Fields() {
		if !f.Leaf() || f.Repeated() {
			return nil, &RowError{File: file, Column: f.Name(), Msg: "nested or repeated Parquet column: expected a flat table of scalar columns"}
		}
		cols = append(cols, f.Name())
		times = append(times, temporalOf(f.Type()))
		k := f.Type().Kind()
		number = append(number, times[len(times)-1] == 0 &&
			(k == parquet.Int32 || k == parquet.Int64 || k == parquet.Float || k == parquet.Double))
	}
	if len(cols) == 0 {
		return nil, &RowError{File: file, Msg: "Parquet file has no columns"}
	}
	return &parquetReader{file: file, pf: pf, cols: cols, times: times, number: number, groups: pf.RowGroups(),
		buf: make([]parquet.Row, 256), cells: make([]string, len(cols)), close: closer}, nil
}

func (p *parquetReader) Columns() []string { return p.cols }

// numberColumns tells inferKinds which columns hold numbers whatever
// their values: one value settles such a column (see numberTyped).
func (p *parquetReader) numberColumns() []bool { return p.number }
func (p *parquetReader) Row() int              { return p.row }

func (p *parquetReader) Close() error {
	if p.rows != nil {
		p.rows.Close()
	}
	return p.close()
}

func (p *parquetReader) Next() (cells []string, err error) {
	defer func() {
		if v := recover(); v != nil {
			cells, err = nil, &RowError{File: p.file, Row: p.row + 1, Msg: fmt.Sprintf("corrupt Parquet data: %v", v)}
		}
	}()
	for p.i >= p.n {
		if p.rows == nil {
			if p.g >= len(p.groups) {
				return nil, io.EOF
			}
			p.rows = p.groups[p.g].Rows()
			p.g++
		}
		n, err := p.rows.ReadRows(p.buf)
		p.n, p.i = n, 0
		if err == io.EOF {
			p.rows.Close()
			p.rows = nil
		} else if err != nil {
			return nil, &RowError{File: p.file, Row: p.row + 1, Msg: fmt.Sprintf("read Parquet rows: %v", err)}
		}
	}
	r := p.buf[p.i]
	p.i++
	p.row++
	// Every cell's text goes into one buffer and the row becomes one
	// string that the cells slice: one allocation a row, not one a cell.
	p.text = p.text[:0]
	if len(p.spans) != 2*len(p.cells) {
		p.spans = make([]int, 2*len(p.cells))
	}
	for i := range p.spans {
		p.spans[i] = 0
	}
	for _, v := range r {
		c := v.Column()
		if c < 0 || c >= len(p.cells) || v.IsNull() {
			continue
		}
		p.spans[2*c] = len(p.text)
		p.text = appendParquetCell(p.text, v, p.times[c])
		p.spans[2*c+1] = len(p.text)
	}
	row := string(p.text)
	for i := range p.cells {
		p.cells[i] = row[p.spans[2*i]:p.spans[2*i+1]]
	}
	return p.cells, nil
}

func parquetCell(v parquet.Value, tm temporal) string {
	return string(appendParquetCell(nil, v, tm))
}

// appendParquetCell appends v's text: instants (tm: the column's
// temporal annotation) in RFC 3339, numbers in strconv's shortest form,
// booleans as true and false, byte arrays as they are.
func appendParquetCell(b []byte, v parquet.Value, tm temporal) []byte {
	if t, ok := tm.instant(v); ok {
		return appendInstant(b, t)
	}
	switch v.Kind() {
	case parquet.Boolean:
		return strconv.AppendBool(b, v.Boolean())
	case parquet.Int32:
		return strconv.AppendInt(b, int64(v.Int32()), 10)
	case parquet.Int64:
		return strconv.AppendInt(b, v.Int64(), 10)
	case parquet.Float:
		return strconv.AppendFloat(b, float64(v.Float()), 'g', -1, 32)
	case parquet.Double:
		return strconv.AppendFloat(b, v.Double(), 'g', -1, 64)
	case parquet.ByteArray, parquet.FixedLenByteArray:
		return append(b, v.ByteArray()...)
	}
	return append(b, v.String()...)
}
