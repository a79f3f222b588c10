package dataset

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/encoding"

	"gitlab.com/mlgate/mlgate/internal/dataset/blob"
)

// loadParquet reads a Parquet file column by column into one accumulator,
// as loadCSV does for CSV: workers take whole columns and decode their
// pages with parquet-go, one page at a time, so memory is the kept values
// plus a page per worker. Numbers go from the pages' typed values
// straight to float64 and dictionary-encoded strings are counted per
// dictionary entry, without a string per cell; every other combination of
// physical type and kind goes through the same cell text as Open's row
// reader, so both paths give the same Table. Columns of skipKind are not
// read at all. An object is read row group by row group instead (see
// readRowGroups).
func loadParquet(ctx context.Context, path string, cols []string, kinds []Kind, workers int) ([]*accumulator, int64, error) {
	pf, obj, closeFile, err := openParquet(ctx, path)
	if err != nil {
		return nil, 0, err
	}
	defer closeFile()
	if n := len(pf.Schema().Columns()); n != len(cols) {
		return nil, 0, &RowError{File: path, Msg: fmt.Sprintf("%d leaf columns for %d fields: expected a flat table of scalar columns", n, len(cols))}
	}
	a := newAccumulator(path, cols, kinds)
	a.rows = pf.NumRows()
	a.reserve(a.rows)
	var columns []int
	for i, k := range kinds {
		if k != skipKind {
			columns = append(columns, i)
		}
	}
	state := make([]*parquetColumn, len(cols))
	for _, i := range columns {
		state[i] = &parquetColumn{a: a, i: i, tm: temporalOf(pf.Schema().Fields()[i].Type())}
	}
	if obj != nil {
		err = readRowGroups(ctx, pf, obj, state, columns, workers)
	} else {
		err = eachColumn(ctx, columns, workers, func(ctx context.Context, i int) error {
			for _, rg := range pf.RowGroups() {
				if err := state[i].rowGroup(ctx, rg.ColumnChunks()[i].Pages()); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err != nil {
		return nil, 0, err
	}
	return []*accumulator{a}, a.rows, nil
}

// eachColumn runs fn for each of columns on workers goroutines. The
// first error in column order is returned, not a cancellation it caused.
func eachColumn(ctx context.Context, columns []int, workers int, fn func(ctx context.Context, i int) error) error {
	todo := make(chan int, len(columns))
	for _, i := range columns {
		todo <- i
	}
	close(todo)
	errs := make([]error, len(columns))
	pos := make(map[int]int, len(columns))
	for k, i := range columns {
		pos[i] = k
	}
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for w := 0; w < max(1, workers); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range todo {
				if errs[pos[i]] = fn(ctx, i); errs[pos[i]] != nil {
					cancel()
				}
			}
		}()
	}
	wg.Wait()
	var canceled error
	for _, err := range errs {
		switch {
		case err == nil:
		case errors.Is(err, context.Canceled) && ctx.Err() != nil:
			canceled = err
		default:
			return err
		}
	}
	return canceled
}

// openParquet opens path, a local file or an object (gzip-compressed
// when it ends in .gz, then held in memory: Parquet needs random access).
// obj is the object when the file is one (and not compressed): its
// column chunks are then read through obj.Ahead.
func openParquet(ctx context.Context, path string) (pf *parquet.File, obj *blob.Object, closeFile func() error, err error) {
	src, err := openSource(ctx, path)
	if err != nil {
		return nil, nil, nil, err
	}
	var ra io.ReaderAt = src
	size := src.size
	obj, _ = src.ReaderAt.(*blob.Object)
	if strings.HasSuffix(strings.ToLower(path), ".gz") {
		obj = nil
		zr, err := gzip.NewReader(src)
		if err != nil {
			src.Close()
			return nil, nil, nil, &RowError{File: path, Msg: fmt.Sprintf("not gzip data: %v", err)}
		}
		b, err := io.ReadAll(zr)
		if err != nil {
			src.Close()
			return nil, nil, nil, &RowError{File: path, Msg: fmt.Sprintf("read gzip: %v", err)}
		}
		ra, size = bytes.NewReader(b), int64(len(b))
	}
	defer func() {
		// parquet-go can panic on corrupt metadata; bad input must not.
		if v := recover(); v != nil {
			src.Close()
			pf, obj, closeFile, err = nil, nil, nil, &RowError{File: path, Msg: fmt.Sprintf("not a readable Parquet file: %v", v)}
		}
	}()
	// Pages are read through a buffer of up to 1 MiB per column chunk
	// (parquet-go's default is 4 KiB: many small reads); an object's
	// ReadAt fetches and caches 1 MiB blocks, so the reads line up.
	pf, err = parquet.OpenFile(ra, size, parquet.ReadBufferSize(int(min(1<<20, max(4096, size)))))
	if err != nil {
		src.Close()
		return nil, nil, nil, &RowError{File: path, Msg: fmt.Sprintf("not a readable Parquet file: %v", err)}
	}
	return pf, obj, src.Close, nil
}

// rowGroup adds the pages of one of the column's chunks, read
// from pages, and closes pages.
func (c *parquetColumn) rowGroup(ctx context.Context, pages parquet.Pages) (err error) {
	a, i := c.a, c.i
	defer func() {
		if v := recover(); v != nil {
			err = &RowError{File: a.file, Row: int(c.row) + 1, Column: a.cols[i], Msg: fmt.Sprintf("corrupt Parquet data: %v", v)}
		}
	}()
	for {
		if err := ctx.Err(); err != nil {
			pages.Close()
			return err
		}
		p, err := pages.ReadPage()
		if err == io.EOF {
			break
		}
		if err != nil {
			pages.Close()
			return &RowError{File: a.file, Row: int(c.row) + 1, Column: a.cols[i], Msg: fmt.Sprintf("read Parquet page: %v", err)}
		}
		err = c.page(p, c.row)
		c.row += p.NumRows()
		parquet.Release(p)
		if err != nil {
			pages.Close()
			return err
		}
	}
	if err := pages.Close(); err != nil {
		return &RowError{File: a.file, Row: int(c.row), Column: a.cols[i], Msg: fmt.Sprintf("read Parquet pages: %v", err)}
	}
	return nil
}

// parquetColumn adds the pages of column i to a.
type parquetColumn struct {
	a      *accumulator
	i      int
	row    int64    // the column's rows read so far
	tm     temporal // the column's values are instants (0: they are not)
	counts []int64  // per dictionary entry, for the page being read
	buf    []parquet.Value
	// dict is the numeric dictionary decoded in dictValues (NaN for an
	// entry that goes through its text).
	dict       parquet.Dictionary
	dictValues []float64
}

// page adds one page whose first row is row+1 (0-based row).
func (c *parquetColumn) page(p parquet.Page, row int64) error {
	a, i := c.a, c.i
	data := p.Data()
	switch {
	case a.codes[i] == codeTimestamp && c.tm > 0 && p.Dictionary() == nil && (data.Kind() == encoding.Int64 || data.Kind() == encoding.Int32):
		// Instants straight to seconds, as their text would parse.
		a.missing[i] += p.NumNulls()
		if data.Kind() == encoding.Int32 {
			for _, v := range data.Int32() {
				a.push(i, unixSeconds(c.tm.unixTime(int64(v))))
			}
			return nil
		}
		for _, v := range data.Int64() {
			a.push(i, unixSeconds(c.tm.unixTime(v)))
		}
		return nil
	case c.tm != 0:
		// Instants in a column of another kind, or dictionary-encoded:
		// through their text.
		return c.cells(p, row)
	case a.codes[i] == codeNumeric && p.Dictionary() == nil && isNumber(data.Kind()):
		a.missing[i] += p.NumNulls()
		return c.numbers(p, data, row)
	case a.codes[i] == codeNumeric && p.Dictionary() != nil && isParquetNumber(p.Dictionary().Type().Kind()):
		a.missing[i] += p.NumNulls()
		return c.indexedNumbers(p, p.Dictionary(), data.Int32(), row)
	case a.codes[i] == codeCategorical && p.Dictionary() != nil && p.Dictionary().Type().Kind() == parquet.ByteArray:
		a.missing[i] += p.NumNulls()
		c.indexed(p.Dictionary(), data.Int32())
		return nil
	case a.codes[i] == codeCategorical && p.Dictionary() == nil && data.Kind() == encoding.ByteArray:
		a.missing[i] += p.NumNulls()
		b, off := data.ByteArray()
		for k := 0; k+1 < len(off); k++ {
			if cell := b[off[k]:off[k+1]]; isMissingBytes(cell) {
				a.missing[i]++
			} else {
				a.count(i, cell)
			}
		}
		return nil
	}
	return c.cells(p, row)
}

func isParquetNumber(k parquet.Kind) bool {
	return k == parquet.Double || k == parquet.Float || k == parquet.Int32 || k == parquet.Int64
}

func isNumber(k encoding.Kind) bool {
	return k == encoding.Double || k == encoding.Float || k == encoding.Int32 || k == encoding.Int64
}

// numbers appends a numeric page's non-null values. A NaN is a missing
// value and an infinity goes through its text, as in the row reader.
func (c *parquetColumn) numbers(p parquet.Page, data encoding.Values, row int64) error {
	a, i := c.a, c.i
	switch data.Kind() {
	case encoding.Double:
		for k, v := range data.Double() {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				if err := c.text(p, k, row, strconv.FormatFloat(v, 'g', -1, 64)); err != nil {
					return err
				}
				continue
			}
			a.push(i, v)
		}
	case encoding.Float:
		// The row reader writes a float32 in its shortest form and parses
		// that as a float64 (0.1, not 0.100000001): so does this.
		for k, v := range data.Float() {
			s := strconv.FormatFloat(float64(v), 'g', -1, 32)
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				if err := c.text(p, k, row, s); err != nil {
					return err
				}
				continue
			}
			x, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return c.text(p, k, row, s)
			}
			a.push(i, x)
		}
	case encoding.Int32:
		for _, v := range data.Int32() {
			a.push(i, float64(v))
		}
	case encoding.Int64:
		for _, v := range data.Int64() {
			a.push(i, float64(v))
		}
	}
	return nil
}

// indexedNumbers appends a dictionary-encoded numeric page's values,
// decoding the dictionary once per column chunk.
func (c *parquetColumn) indexedNumbers(p parquet.Page, d parquet.Dictionary, idx []int32, row int64) error {
	if c.dict != d {
		c.dict, c.dictValues = d, make([]float64, d.Len())
		for x := range c.dictValues {
			v := d.Index(int32(x))
			f := math.NaN()
			switch v.Kind() {
			case parquet.Double:
				f = v.Double()
			case parquet.Int32:
				f = float64(v.Int32())
			case parquet.Int64:
				f = float64(v.Int64())
			case parquet.Float:
				if g, err := strconv.ParseFloat(parquetCell(v, 0), 64); err == nil {
					f = g
				}
			}
			if math.IsInf(f, 0) {
				f = math.NaN()
			}
			c.dictValues[x] = f
		}
	}
	a, i := c.a, c.i
	for k, x := range idx {
		if x < 0 || int(x) >= len(c.dictValues) {
			return &RowError{File: a.file, Row: int(row) + nonNullRow(p, k) + 1, Column: a.cols[i],
				Msg: fmt.Sprintf("dictionary index %d out of range: the dictionary has %d entries", x, len(c.dictValues))}
		}
		f := c.dictValues[x]
		if math.IsNaN(f) {
			if err := c.text(p, k, row, parquetCell(d.Index(x), c.tm)); err != nil {
				return err
			}
			continue
		}
		a.push(i, f)
	}
	return nil
}

// text adds the k-th non-null value of page p as the cell s.
func (c *parquetColumn) text(p parquet.Page, k int, row int64, s string) error {
	if msg := c.a.add(c.i, []byte(s)); msg != "" {
		return &RowError{File: c.a.file, Row: int(row) + nonNullRow(p, k) + 1, Column: c.a.cols[c.i], Msg: msg}
	}
	return nil
}

// nonNullRow is the 0-based row in page p of its k-th non-null value.
func nonNullRow(p parquet.Page, k int) int {
	def := p.DefinitionLevels()
	if len(def) == 0 {
		return k
	}
	var top byte
	for _, d := range def {
		top = max(top, d)
	}
	for r, d := range def {
		if d == top {
			if k == 0 {
				return r
			}
			k--
		}
	}
	return k
}

// indexed counts a dictionary page's indexes, then adds each entry's
// count once.
func (c *parquetColumn) indexed(d parquet.Dictionary, idx []int32) {
	a, i := c.a, c.i
	n := d.Len()
	if cap(c.counts) < n {
		c.counts = make([]int64, n)
	}
	counts := c.counts[:n]
	clear(counts)
	for _, x := range idx {
		if x >= 0 && int(x) < n {
			counts[x]++
		}
	}
	for x, cnt := range counts {
		if cnt == 0 {
			continue
		}
		cell := d.Index(int32(x)).ByteArray()
		if isMissingBytes(cell) {
			a.missing[i] += cnt
			continue
		}
		if p := a.counts[i][string(cell)]; p != nil {
			*p += cnt
			continue
		}
		v := cnt
		a.counts[i][string(cell)] = &v
	}
}

// cells adds a page through each value's text, as Open's row reader
// gives it (nulls as ""): booleans, timestamps, strings in a numeric
// column, numbers in a categorical one.
func (c *parquetColumn) cells(p parquet.Page, row int64) error {
	if c.buf == nil {
		c.buf = make([]parquet.Value, 1024)
	}
	vr := p.Values()
	r := int(row)
	for {
		n, err := vr.ReadValues(c.buf)
		for _, v := range c.buf[:n] {
			r++
			cell := ""
			if !v.IsNull() {
				cell = parquetCell(v, c.tm)
			}
			if msg := c.a.add(c.i, []byte(cell)); msg != "" {
				return &RowError{File: c.a.file, Row: r, Column: c.a.cols[c.i], Msg: msg}
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return &RowError{File: c.a.file, Row: r + 1, Column: c.a.cols[c.i], Msg: fmt.Sprintf("read Parquet values: %v", err)}
		}
	}
}
