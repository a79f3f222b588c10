package dataset

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"

	"gitlab.com/mlgate/mlgate/internal/dataset/blob"
)

// Column holds one column of a file, reduced to what the drift and data
// statistics need.
type Column struct {
	Name string
	Kind Kind
	// Inferred says the kind came from the data, not from a schema.
	Inferred bool
	// Parts hold the non-missing values of a numeric or timestamp column
	// (timestamps as Unix seconds), one slice per parser worker, in no
	// particular order: the statistics sort them anyway, and joining
	// them would touch the memory twice. Flat joins them.
	Parts [][]float64
	// Counts are the non-missing values of a categorical or boolean
	// column, counted per category (booleans as "true" / "false").
	Counts map[string]int64
	// Missing counts the missing cells (see IsMissing).
	Missing int64
}

// Flat returns the values of Parts in one slice (the only part when
// there is one).
func (c *Column) Flat() []float64 {
	if len(c.Parts) == 1 {
		return c.Parts[0]
	}
	n := 0
	for _, p := range c.Parts {
		n += len(p)
	}
	out := make([]float64, 0, n)
	for _, p := range c.Parts {
		out = append(out, p...)
	}
	return out
}

// Count returns the number of values in Parts.
func (c *Column) Count() int {
	n := 0
	for _, p := range c.Parts {
		n += len(p)
	}
	return n
}

// Table is a file read into typed columns.
type Table struct {
	File string
	// Rows counts the rows read, without the bad rows skipped.
	Rows    int64
	Columns []*Column
	// BadRows counts the rows skipped as bad (LoadOptions.MaxBadRows)
	// and FirstBadRow says where the first was and what was wrong.
	BadRows     int64
	FirstBadRow *RowError
}

// Column returns the named column, or nil.
func (t *Table) Column(name string) *Column {
	for _, c := range t.Columns {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// LoadOptions says how Load types and reads a file.
type LoadOptions struct {
	// Schema gives the kind of some columns; the others are inferred. A
	// schema column absent from the file is an error.
	Schema map[string]Kind
	// InferRows is how many leading rows inference looks at; 10000 when
	// zero.
	InferRows int
	// Workers parse in parallel; GOMAXPROCS when zero.
	Workers int
	// MaxBadRows is how many rows that do not parse (a wrong number of
	// fields, a cell that does not fit its column's kind, a bad quote)
	// may be skipped and counted instead of stopping the read: 0, the
	// default, allows none. CSV and JSON Lines; in JSON Lines a line that
	// is not a JSON object stays an error, and Parquet's columns are
	// typed, so a value that does not fit is always an error.
	MaxBadRows int64
	// Only, when not nil, names the columns to read: the others are
	// neither parsed nor kept (nor checked), and the Table lists only
	// these. Reading a wide file a batch of columns at a time bounds
	// memory by the batch.
	Only []string
}

// Kinds returns the file's columns and their kinds as Load would type
// them (schema first, else inferred from the leading rows).
func Kinds(path string, opt LoadOptions) ([]string, []Kind, error) {
	if opt.InferRows <= 0 {
		opt.InferRows = 10000
	}
	cols, kinds, _, err := inferKinds(path, opt)
	return cols, kinds, err
}

// Load reads path into typed columns. Numeric columns keep every value
// (8 bytes a row: the exact KS test and quantiles need them all);
// categorical columns keep only their counts. CSV files (plain or .gz)
// are parsed by a parallel byte-level reader (a plain file is mapped),
// Parquet column by column from its pages (loadParquet); JSON Lines go
// through Open. A cell that does not fit its column's kind is a
// *RowError naming the file, row and column.
func Load(ctx context.Context, path string, opt LoadOptions) (*Table, error) {
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	t, cols, kinds, err := newTable(path, opt)
	if err != nil {
		return nil, err
	}
	if opt.Only != nil {
		for _, name := range opt.Only {
			if _, err := ColumnIndex(path, cols, name); err != nil {
				return nil, err
			}
		}
		kinds = slices.Clone(kinds)
		for i, c := range cols {
			if !slices.Contains(opt.Only, c) {
				kinds[i] = skipKind
			}
		}
	}
	var accs []*accumulator
	if blob.IsMany(path) {
		accs, err = loadMany(ctx, path, t, cols, kinds, opt)
	} else {
		accs, t.Rows, t.BadRows, t.FirstBadRow, err = loadOne(ctx, path, cols, kinds, opt)
	}
	if err != nil {
		return nil, err
	}
	mergeInto(t, accs)
	if opt.Only != nil {
		t.Columns = slices.DeleteFunc(t.Columns, func(c *Column) bool { return !slices.Contains(opt.Only, c.Name) })
	}
	return t, nil
}

// loadOne reads one file or object with the given kinds into
// accumulators, and counts its rows and the bad rows it skipped.
func loadOne(ctx context.Context, path string, cols []string, kinds []Kind, opt LoadOptions) (accs []*accumulator, rows, bad int64, first *RowError, err error) {
	f, err := FormatOf(path)
	if err != nil {
		return nil, 0, 0, nil, err
	}
	switch f {
	case CSV:
		var l csvLoad
		accs, l, err = loadCSV(ctx, path, cols, kinds, csvOptions{workers: opt.Workers, block: blockSize, maxBad: opt.MaxBadRows})
		return accs, l.rows, l.bad, l.firstBad, err
	case Parquet:
		accs, rows, err = loadParquet(ctx, path, cols, kinds, opt.Workers)
		return accs, rows, 0, nil, err
	}
	var a *accumulator
	a, bad, first, err = loadRows(ctx, path, kinds, opt.MaxBadRows)
	if err != nil {
		return nil, 0, 0, nil, err
	}
	return []*accumulator{a}, a.rows, bad, first, nil
}

// newTable types path's columns (schema, else inferred) and returns an
// empty Table of them, with the columns' names and kinds.
func newTable(path string, opt LoadOptions) (*Table, []string, []Kind, error) {
	if opt.InferRows <= 0 {
		opt.InferRows = 10000
	}
	cols, kinds, inferred, err := inferKinds(path, opt)
	if err != nil {
		return nil, nil, nil, err
	}
	t := &Table{File: path, Columns: make([]*Column, len(cols))}
	for i, c := range cols {
		t.Columns[i] = &Column{Name: c, Kind: kinds[i], Inferred: inferred[i]}
	}
	return t, cols, kinds, nil
}

// skipKind marks a column Load does not read.
const skipKind Kind = "skip"

// numberTyped is a reader (Parquet's) whose file types its columns: a
// column of a number type (integers, floats; not instants) is numeric
// as soon as it has a value, and inference reads no further rows for it.
// Read as text, its first 10,000 rows would be read for nothing, and a
// +Inf among them (text no CSV number parser takes) would make it
// categorical.
type numberTyped interface{ numberColumns() []bool }

// inferKinds reads the header and up to opt.InferRows rows.
func inferKinds(path string, opt LoadOptions) ([]string, []Kind, []bool, error) {
	r, err := Open(path)
	if err != nil {
		return nil, nil, nil, err
	}
	defer r.Close()
	cols := append([]string(nil), r.Columns()...)
	for name := range opt.Schema {
		if _, err := ColumnIndex(path, cols, name); err != nil {
			return nil, nil, nil, err
		}
	}
	// Only the columns the schema does not type are looked at, cell by
	// cell; when the schema types them all, or every untyped column can
	// only be categorical, no further row is read.
	var untyped []int
	for i, c := range cols {
		if _, ok := opt.Schema[c]; !ok {
			untyped = append(untyped, i)
		}
	}
	ins := make([]inference, len(cols))
	var number []bool
	if t, ok := r.(numberTyped); ok {
		number = t.numberColumns()
	}
	open := untyped
	lastBad := -1
	for n := 0; n < opt.InferRows && len(open) > 0; n++ {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		var re *RowError
		if err != nil && opt.MaxBadRows > 0 && errors.As(err, &re) && re.Row != lastBad {
			// A bad row the load may skip: the load counts it. A reader
			// that cannot go past it repeats the row, which stops here.
			lastBad = re.Row
			continue
		}
		if err != nil {
			return nil, nil, nil, err
		}
		k := 0
		for _, i := range open {
			if i < len(row) && number != nil && number[i] && !IsMissing(row[i]) {
				ins[i] = inference{any: true} // numeric, settled
				continue
			}
			if i < len(row) && !ins[i].add(row[i]) {
				continue // settled: categorical
			}
			open[k] = i
			k++
		}
		open = open[:k]
	}
	kinds := make([]Kind, len(cols))
	inferred := make([]bool, len(cols))
	for i, c := range cols {
		if k, ok := opt.Schema[c]; ok {
			kinds[i] = k
			continue
		}
		kinds[i], inferred[i] = ins[i].kind(), true
	}
	return cols, kinds, inferred, nil
}

// loadRows reads any format through Open, row by row. A row with a cell
// that does not fit its column is skipped and counted while there are at
// most maxBad; an error of the reader itself always stops it.
func loadRows(ctx context.Context, path string, kinds []Kind, maxBad int64) (a *accumulator, bad int64, first *RowError, err error) {
	r, err := Open(path)
	if err != nil {
		return nil, 0, nil, err
	}
	defer r.Close()
	a = newAccumulator(path, r.Columns(), kinds)
	for {
		row, err := r.Next()
		if err == io.EOF {
			return a, bad, first, nil
		}
		if err != nil {
			return nil, 0, nil, err
		}
		if a.rows%65536 == 0 && ctx.Err() != nil {
			return nil, 0, nil, ctx.Err()
		}
		i, msg := addRow(a, row)
		if msg == "" {
			a.rows++
			continue
		}
		e := &RowError{File: path, Row: r.Row(), Column: a.cols[i], Msg: msg}
		if first == nil {
			first = e
		}
		if bad++; bad > maxBad {
			if maxBad > 0 {
				first.Msg += fmt.Sprintf(" (more than the %d bad rows allowed)", maxBad)
			}
			return nil, 0, nil, first
		}
	}
}

// addRow adds a row's cells; at the first that does not fit it takes the
// ones before back and returns its index and what is wrong.
func addRow(a *accumulator, row []string) (int, string) {
	for i, c := range row {
		if msg := a.add(i, []byte(c)); msg != "" {
			for k := 0; k < i; k++ {
				a.undo(k, []byte(row[k]))
			}
			return i, msg
		}
	}
	return 0, ""
}

// mergeInto adds the workers' accumulators to t's columns.
func mergeInto(t *Table, accs []*accumulator) {
	for i, c := range t.Columns {
		for _, a := range accs {
			c.Missing += a.missing[i]
		}
		switch c.Kind {
		case skipKind:
		case Numeric, Timestamp:
			for _, a := range accs {
				c.Parts = append(c.Parts, a.full[i]...)
				if len(a.values[i]) > 0 {
					c.Parts = append(c.Parts, a.values[i])
				}
				a.values[i], a.full[i] = nil, nil
			}
		default:
			c.Counts = map[string]int64{}
			for _, a := range accs {
				for k, p := range a.counts[i] {
					c.Counts[k] += *p
				}
			}
		}
	}
}
