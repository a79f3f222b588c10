package stats

import (
	"math"
	"sync"
)

// sketchFan is how many sketches of one level a builder merges at once,
// and sketchChunk how many raw values (times K) it sorts into a leaf.
const (
	sketchFan   = 4
	sketchChunk = 8
)

// SketchBuilder summarises a stream of values in memory that grows with
// log(n), not n: raw values are buffered and sorted in chunks of
// sketchChunk·K into leaf sketches (one compression each), and whenever
// sketchFan sketches of one level exist they are merged into one of the
// next level (one more compression). Each layer of compressions moves at
// most n/(2K) of rank at any point, and there are 1 (leaves) +
// ⌈log₄(n/(8K))⌉ (levels) + 1 (the final merge) layers, plus one for each
// later merge of builders or shards; the Sketch records the exact bound,
// which is usually well below this.
//
// The sketch, the sum and every bound depend only on the sequence of
// values added, not on how it was split into calls: chunks are cut by
// count, and leaves go up the levels in the chunks' order. Several
// goroutines can share the work and keep that: one at a time, in the
// stream's order, each Takes its values (a copy, cheap), and then Builds
// the chunks it was handed in parallel with the others; a built chunk
// waits for the earlier ones before it goes up the levels.
type SketchBuilder struct {
	k int
	// raw is the chunk being filled and taken the chunks handed out;
	// only Take (one caller at a time) and Sketch touch them.
	raw   []float64
	taken int
	n     int64

	mu sync.Mutex // guards the rest
	// next is the chunk whose leaf goes up the levels next; ready holds
	// the later chunks built before it.
	next   int
	ready  map[int]*SketchChunk
	levels [][]*Sketch
	min    float64
	max    float64
	// sum + comp is the sum of every value of the chunks gone up, each
	// chunk summed in its order, the chunks added in theirs (compensated).
	sum, comp float64
	free      [][]float64
}

// SketchChunk is sketchChunk·K consecutive values of a builder's stream
// (fewer for the last), to be built into a leaf by Build.
type SketchChunk struct {
	b        *SketchBuilder
	seq      int
	raw      []float64
	leaf     *Sketch
	min, max float64
	sum      float64
	comp     float64
}

// SketchScratch is what the builders of one goroutine share: a Sorter and
// room for a chunk's distinct values.
type SketchScratch struct {
	sorter Sorter
	points Sketch
}

// NewSketchBuilder returns a builder of sketches of about k points.
func NewSketchBuilder(k int) *SketchBuilder {
	return &SketchBuilder{k: k, min: math.Inf(1), max: math.Inf(-1), ready: map[int]*SketchChunk{}}
}

// Add takes values (no NaN) and builds the chunks they fill; s may be
// shared by the builders of one goroutine. Add is Take and Build on one
// goroutine: it must not be mixed with Takes from others.
func (b *SketchBuilder) Add(values []float64, s *SketchScratch) {
	var buf [4]*SketchChunk
	for _, c := range b.Take(values, buf[:0]) {
		c.Build(s)
	}
}

// Take copies values (no NaN) into the stream and appends to chunks the
// chunks they fill, for the caller to Build. Takes must come one at a
// time, in the stream's order (see dataset.Block.InOrder); Builds may
// run concurrently with them and with each other.
func (b *SketchBuilder) Take(values []float64, chunks []*SketchChunk) []*SketchChunk {
	limit := sketchChunk * b.k
	b.n += int64(len(values))
	for len(values) > 0 {
		if b.raw == nil {
			b.raw = b.buffer(limit)
		}
		take := min(len(values), limit-len(b.raw))
		b.raw = append(b.raw, values[:take]...)
		values = values[take:]
		if len(b.raw) == limit {
			chunks = append(chunks, b.cut())
		}
	}
	return chunks
}

// buffer returns an empty raw buffer of capacity limit, a built chunk's
// when there is one.
func (b *SketchBuilder) buffer(limit int) []float64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	if n := len(b.free); n > 0 {
		r := b.free[n-1]
		b.free = b.free[:n-1]
		return r[:0]
	}
	return make([]float64, 0, limit)
}

// cut hands out the raw values taken so far as the next chunk.
func (b *SketchBuilder) cut() *SketchChunk {
	c := &SketchChunk{b: b, seq: b.taken, raw: b.raw}
	b.taken++
	b.raw = nil
	return c
}

// Build sorts the chunk into its leaf sketch and, once the chunks before
// it have, sends it up its builder's levels; s is the calling
// goroutine's scratch.
func (c *SketchChunk) Build(s *SketchScratch) {
	c.min, c.max = math.Inf(1), math.Inf(-1)
	for _, v := range c.raw {
		c.min = min(c.min, v)
		c.max = max(c.max, v)
		c.sum, c.comp = twoSum(c.sum, c.comp, v)
	}
	sorted := s.sorter.SortParts([][]float64{c.raw})
	c.leaf = sketchFromSortedBuf(sorted, c.b.k, &s.points)
	c.b.put(c)
}

// twoSum adds v to the compensated sum (s, c): Knuth's TwoSum, the exact
// rounding error of s + v without a branch (Neumaier's test of which
// operand is larger mispredicts on values of mixed magnitudes).
func twoSum(s, c, v float64) (float64, float64) {
	t := s + v
	bp := t - s
	return t, c + ((s - (t - bp)) + (v - bp))
}

// put files a built chunk and sends every chunk that is now next up the
// levels.
func (b *SketchBuilder) put(c *SketchChunk) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.ready[c.seq] = c
	for {
		c, ok := b.ready[b.next]
		if !ok {
			return
		}
		delete(b.ready, b.next)
		b.next++
		b.min, b.max = min(b.min, c.min), max(b.max, c.max)
		b.sum, b.comp = neumaier(b.sum, b.comp, c.sum)
		b.sum, b.comp = neumaier(b.sum, b.comp, c.comp)
		if cap(c.raw) == sketchChunk*b.k {
			b.free = append(b.free, c.raw)
		}
		b.push(0, c.leaf)
	}
}

func (b *SketchBuilder) push(h int, s *Sketch) {
	for len(b.levels) <= h {
		b.levels = append(b.levels, nil)
	}
	b.levels[h] = append(b.levels[h], s)
	if len(b.levels[h]) == sketchFan {
		m := MergeSketches(b.k, b.levels[h]...)
		b.levels[h] = b.levels[h][:0]
		b.push(h+1, m)
	}
}

// Sketch returns the summary of every value added (nil when none), and
// releases the builder's buffers. Every chunk handed out by Take must
// have been built.
func (b *SketchBuilder) Sketch(s *SketchScratch) *Sketch {
	if len(b.raw) > 0 {
		b.cut().Build(s)
	}
	b.raw = nil
	b.mu.Lock()
	defer b.mu.Unlock()
	var all []*Sketch
	for _, l := range b.levels {
		all = append(all, l...)
	}
	b.levels, b.free = nil, nil
	return MergeSketches(b.k, all...)
}

// Summary returns the count, smallest, largest and sum of the values
// added (±Inf for the extremes when none were); call it after Sketch.
// The sum is compensated: each chunk's values summed in order, the
// chunks' sums added in order, so it is the same bits however the
// chunks were built.
func (b *SketchBuilder) Summary() (n int64, lo, hi, sum float64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.n, b.min, b.max, b.sum + b.comp
}
