package dataset

import (
	"fmt"
	"math"
	"slices"

	"gitlab.com/mlgate/mlgate/internal/dataset/hugemem"
)

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
			if f, _ := parseFloatExact(cell); math.IsInf(f, 0) {
				// strconv's infinities (inf, Infinity, +Inf, as
				// pandas writes and reads them) and decimals beyond
				// the largest float64.
				return fmt.Sprintf("%q is infinite as a float64; expected a finite number (the column is numeric)", cell)
			}
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
