package stats

import "math"

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
type SketchBuilder struct {
	k      int
	raw    []float64
	levels [][]*Sketch
	n      int64
	min    float64
	max    float64
	sum    float64
}

// SketchScratch is what the builders of one goroutine share: a Sorter and
// room for a chunk's distinct values.
type SketchScratch struct {
	sorter Sorter
	points Sketch
}

// NewSketchBuilder returns a builder of sketches of about k points.
func NewSketchBuilder(k int) *SketchBuilder {
	return &SketchBuilder{k: k, min: math.Inf(1), max: math.Inf(-1)}
}

// Add takes values (no NaN); s may be shared by the builders of one
// goroutine.
func (b *SketchBuilder) Add(values []float64, s *SketchScratch) {
	limit := sketchChunk * b.k
	for _, v := range values {
		b.min = min(b.min, v)
		b.max = max(b.max, v)
		b.sum += v
	}
	b.n += int64(len(values))
	for len(values) > 0 {
		if b.raw == nil {
			b.raw = make([]float64, 0, limit)
		}
		take := min(len(values), limit-len(b.raw))
		b.raw = append(b.raw, values[:take]...)
		values = values[take:]
		if len(b.raw) == limit {
			b.flush(s)
		}
	}
}

// flush turns the buffered raw values into a leaf sketch.
func (b *SketchBuilder) flush(s *SketchScratch) {
	if len(b.raw) == 0 {
		return
	}
	sorted := s.sorter.SortParts([][]float64{b.raw})
	b.raw = b.raw[:0]
	b.push(0, sketchFromSortedBuf(sorted, b.k, &s.points))
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
// releases the builder's buffers.
func (b *SketchBuilder) Sketch(s *SketchScratch) *Sketch {
	b.flush(s)
	b.raw = nil
	var all []*Sketch
	for _, l := range b.levels {
		all = append(all, l...)
	}
	b.levels = nil
	return MergeSketches(b.k, all...)
}

// Summary returns the count, smallest, largest and sum of the values
// added (±Inf for the extremes when none were).
func (b *SketchBuilder) Summary() (n int64, lo, hi, sum float64) {
	return b.n, b.min, b.max, b.sum
}
