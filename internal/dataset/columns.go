package dataset

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"

	"gitlab.com/mlgate/mlgate/internal/hugemem"
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
	if opt.InferRows <= 0 {
		opt.InferRows = 10000
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	cols, kinds, inferred, err := inferKinds(path, opt)
	if err != nil {
		return nil, err
	}
	t := &Table{File: path, Columns: make([]*Column, len(cols))}
	for i, c := range cols {
		t.Columns[i] = &Column{Name: c, Kind: kinds[i], Inferred: inferred[i]}
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
	f, _ := FormatOf(path)
	var accs []*accumulator
	switch f {
	case CSV:
		var l csvLoad
		accs, l, err = loadCSV(ctx, path, cols, kinds, csvOptions{workers: opt.Workers, block: blockSize, maxBad: opt.MaxBadRows})
		t.Rows, t.BadRows, t.FirstBadRow = l.rows, l.bad, l.firstBad
	case Parquet:
		accs, t.Rows, err = loadParquet(ctx, path, cols, kinds, opt.Workers)
	default:
		var a *accumulator
		a, t.BadRows, t.FirstBadRow, err = loadRows(ctx, path, kinds, opt.MaxBadRows)
		accs, t.Rows = []*accumulator{a}, int64(0)
		if a != nil {
			t.Rows = a.rows
		}
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

// skipKind marks a column Load does not read.
const skipKind Kind = "skip"

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

// accumulator collects one worker's share of the columns.
type accumulator struct {
	file  string
	cols  []string
	kinds []Kind
	// codes are kinds as small integers: switching on them per cell is
	// cheaper than comparing kind strings.
	codes []uint8
	// values are the chunks being filled, one per column; full holds the
	// filled ones. Values are never copied to grow a column: a full chunk
	// is kept and a new one started (see push).
	values [][]float64
	full   [][][]float64
	chunk  int
	// contiguous keeps each column in one slice (grown by copying), as
	// a streamed Block hands it out.
	contiguous bool
	counts     []map[string]*int64
	missing    []int64
	rows       int64
}

func newAccumulator(file string, cols []string, kinds []Kind) *accumulator {
	a := &accumulator{file: file, cols: cols, kinds: kinds,
		values: make([][]float64, len(cols)), full: make([][][]float64, len(cols)), chunk: minChunk, counts: make([]map[string]*int64, len(cols)),
		missing: make([]int64, len(cols)), codes: make([]uint8, len(cols))}
	for i, k := range kinds {
		switch k {
		case Numeric:
			a.codes[i] = codeNumeric
		case Timestamp:
			a.codes[i] = codeTimestamp
		case Boolean:
			a.codes[i] = codeBoolean
			a.counts[i] = map[string]*int64{}
		case skipKind:
			a.codes[i] = codeSkip
		default:
			a.codes[i] = codeCategorical
			a.counts[i] = map[string]*int64{}
		}
	}
	return a
}

// Chunk sizes, in values: a column starts with a chunk of the expected
// rows (from reserve) or minChunk, and each next one doubles up to
// maxChunk (4 MiB, the size at which hugemem asks for huge pages).
const (
	minChunk = 1 << 12
	maxChunk = 1 << 19
)

// reserve sizes the first chunks for rows values a numeric column.
func (a *accumulator) reserve(rows int64) {
	a.chunk = int(min(max(rows, minChunk), maxChunk))
}

// push appends v to column i.
func (a *accumulator) push(i int, v float64) {
	vs := a.values[i]
	if len(vs) == cap(vs) {
		vs = a.grow(i)
	}
	a.values[i] = append(vs, v)
}

// grow keeps column i's full chunk and returns a new, empty one; or, for
// a contiguous accumulator, the chunk grown in place.
func (a *accumulator) grow(i int) []float64 {
	if a.contiguous {
		vs := a.values[i]
		return slices.Grow(vs, max(cap(vs), minChunk))
	}
	size := a.chunk
	if vs := a.values[i]; cap(vs) > 0 {
		a.full[i] = append(a.full[i], vs)
		size = min(max(2*cap(vs), a.chunk), maxChunk)
	}
	return hugemem.Floats(size)
}

const (
	codeCategorical uint8 = iota
	codeNumeric
	codeTimestamp
	codeBoolean
	codeSkip
)

// add takes one cell of column i; it returns what is wrong with the cell,
// or "".
func (a *accumulator) add(i int, cell []byte) string {
	if a.codes[i] == codeSkip {
		return ""
	}
	if isMissingBytes(cell) {
		a.missing[i]++
		return ""
	}
	switch a.codes[i] {
	case codeNumeric:
		v, ok := parseFloat(cell)
		if !ok {
			return fmt.Sprintf("%q is not a number; expected a number (the column is numeric)", cell)
		}
		a.push(i, v)
	case codeTimestamp:
		v, ok := parseTimestamp(string(cell))
		if !ok {
			return fmt.Sprintf("%q is not a date-time; expected RFC 3339 or YYYY-MM-DD[ HH:MM:SS] (the column is a timestamp)", cell)
		}
		a.push(i, v)
	case codeBoolean:
		b, ok := parseBool(string(cell))
		if !ok {
			return fmt.Sprintf("%q is not a boolean; expected true or false (the column is boolean)", cell)
		}
		key := "false"
		if b {
			key = "true"
		}
		a.count(i, []byte(key))
	default:
		a.count(i, cell)
	}
	return ""
}

// undo takes back a cell that add (or the fast numeric path) took for
// column i, when a later cell of its record turns out bad.
func (a *accumulator) undo(i int, cell []byte) {
	if a.codes[i] == codeSkip {
		return
	}
	if isMissingBytes(cell) {
		a.missing[i]--
		return
	}
	switch a.codes[i] {
	case codeNumeric, codeTimestamp:
		// The value is the last one pushed: a new chunk, if push
		// started one, holds at least it.
		a.values[i] = a.values[i][:len(a.values[i])-1]
	case codeBoolean:
		b, _ := parseBool(string(cell))
		key := "false"
		if b {
			key = "true"
		}
		a.uncount(i, key)
	default:
		a.uncount(i, string(cell))
	}
}

func (a *accumulator) uncount(i int, key string) {
	if p := a.counts[i][key]; p != nil {
		if *p--; *p == 0 {
			delete(a.counts[i], key)
		}
	}
}

func (a *accumulator) count(i int, cell []byte) {
	if p := a.counts[i][string(cell)]; p != nil {
		*p++
		return
	}
	n := int64(1)
	a.counts[i][string(cell)] = &n
}

func isMissingBytes(b []byte) bool {
	if len(b) == 0 {
		return true
	}
	// Every missing-value token starts with N or n: numbers and most
	// categories are ruled out by their first byte.
	if len(b) > 4 || (b[0] != 'N' && b[0] != 'n') {
		return false
	}
	return IsMissing(string(b))
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
