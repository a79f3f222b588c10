package dataset

import (
	"context"
	"io"
	"math"
	"sort"
	"sync"

	"github.com/parquet-go/parquet-go"

	"gitlab.com/mlgate/mlgate/internal/dataset/blob"
)

// Parquet from object storage. A local file is read where parquet-go
// asks (pread); an object's every read is a GET, which costs a round
// trip and the server's work whatever its size. So an object's bytes are
// fetched in a few large GETs, each started before its bytes are needed.

// maxSpan is the largest row group (in bytes, compressed) readRowGroups
// fetches whole; the column chunks of a larger one are streamed one by
// one (blob.Ahead), each as its worker comes to it.
const maxSpan = 128 << 20

// readRowGroups reads an object's row groups in file order, each with
// one ranged GET of the whole row group (blob.Span) started while the
// row group before it is decoded, its columns decoded in parallel by
// workers. Column by column, as loadParquet reads a local file, meant a
// GET per column chunk (320 for the drift bench's two files of 8 row
// groups x 20 columns), each waited for; an S3 server's cost per request
// made that 2.4 times as slow as a local file. Memory: two row groups'
// bytes besides the values.
func readRowGroups(ctx context.Context, pf *parquet.File, obj *blob.Object, state []*parquetColumn, columns []int, workers int) error {
	groups := pf.RowGroups()
	spans := make([]*blob.Ahead, len(groups))
	defer func() {
		for _, s := range spans {
			if s != nil {
				s.Close()
			}
		}
	}()
	start := func(g int) {
		lo, hi := rowGroupSpan(pf, g, columns)
		if hi-lo <= maxSpan {
			spans[g] = obj.Span(lo, hi)
		}
	}
	if len(groups) > 0 {
		start(0)
	}
	for g, rg := range groups {
		if g+1 < len(groups) {
			start(g + 1)
		}
		err := eachColumn(ctx, columns, workers, func(ctx context.Context, i int) error {
			cc := rg.ColumnChunks()[i]
			fc, ok := cc.(*parquet.FileColumnChunk)
			if !ok {
				return state[i].rowGroup(ctx, cc.Pages())
			}
			var r io.ReaderAt = spans[g]
			if spans[g] == nil {
				lo, hi := chunkSpan(pf, g, i)
				ah := obj.Ahead(lo, hi, 8<<20)
				defer ah.Close()
				r = ah
			}
			return state[i].rowGroup(ctx, fc.PagesFrom(r))
		})
		if spans[g] != nil {
			spans[g].Close()
			spans[g] = nil
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// chunkSpan returns the bytes of row group g's column chunk i, as
// parquet-go's FilePages reads them.
func chunkSpan(pf *parquet.File, g, i int) (lo, hi int64) {
	md := pf.Metadata().RowGroups[g].Columns[i].MetaData
	lo = md.DataPageOffset
	if md.DictionaryPageOffset != 0 {
		lo = md.DictionaryPageOffset
	}
	return lo, lo + md.TotalCompressedSize
}

// rowGroupSpan returns the bytes of row group g's chunks of columns.
func rowGroupSpan(pf *parquet.File, g int, columns []int) (lo, hi int64) {
	lo, hi = math.MaxInt64, 0
	for _, i := range columns {
		l, h := chunkSpan(pf, g, i)
		lo, hi = min(lo, l), max(hi, h)
	}
	return lo, hi
}

// rowWindow is how far each column chunk's stream reads ahead of a row
// reader: the row reader takes all columns a few rows at a time, so
// each column's chunk is open at once.
const rowWindow = 512 << 10

// objectChunks is the io.ReaderAt a row reader (inferKinds' sample, a
// streamed profile) opens an object's Parquet file with. The row reader
// takes every column of a row group a few rows at a time, so at its first
// read in a row group all of the group's bytes are asked for at once: in
// one GET (blob.Span) when the group is at most rowSpan bytes, else in a
// stream per column chunk (blob.Ahead, window rowWindow); they end when
// a later row group's are opened. Each GET costs the server a few
// milliseconds of work whatever its size: a stream per column was 20 GETs
// for the drift bench's first rows, one after another when opened as the
// reader reached each column. Reads outside every chunk (the footer) go
// to the object.
type objectChunks struct {
	obj    *blob.Object
	mu     sync.Mutex
	chunks []chunkBytes // sorted by lo
	open   map[int]*blob.Ahead
	group  int // the last row group whose streams were opened
}

// rowSpan is the largest row group a row reader reads in one GET: it is
// held whole while its rows are read.
const rowSpan = 32 << 20

type chunkBytes struct {
	lo, hi int64
	group  int
}

// setFile learns the file's column chunks from its metadata.
func (c *objectChunks) setFile(pf *parquet.File) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.chunks = c.chunks[:0]
	for g, rg := range pf.Metadata().RowGroups {
		for i := range rg.Columns {
			lo, hi := chunkSpan(pf, g, i)
			c.chunks = append(c.chunks, chunkBytes{lo: lo, hi: hi, group: g})
		}
	}
	sort.Slice(c.chunks, func(a, b int) bool { return c.chunks[a].lo < c.chunks[b].lo })
	c.open = map[int]*blob.Ahead{}
	c.group = -1
}

func (c *objectChunks) ReadAt(p []byte, off int64) (int, error) {
	end := off + int64(len(p))
	c.mu.Lock()
	k := sort.Search(len(c.chunks), func(k int) bool { return c.chunks[k].hi > off })
	if k == len(c.chunks) || off < c.chunks[k].lo || end > c.chunks[k].hi {
		c.mu.Unlock()
		return c.obj.ReadAt(p, off)
	}
	a := c.open[k]
	if a == nil {
		if g := c.chunks[k].group; g != c.group {
			c.closeLocked()
			c.group = g
			c.openGroup(g)
		}
		if a = c.open[k]; a == nil { // a stream of the group ended by Close
			ch := c.chunks[k]
			a = c.obj.Ahead(ch.lo, ch.hi, rowWindow)
			c.open[k] = a
		}
	}
	c.mu.Unlock()
	return a.ReadAt(p, off)
}

// openGroup starts reading row group g's chunks.
func (c *objectChunks) openGroup(g int) {
	lo, hi := int64(-1), int64(0)
	for _, ch := range c.chunks {
		if ch.group == g {
			if lo < 0 {
				lo = ch.lo
			}
			lo, hi = min(lo, ch.lo), max(hi, ch.hi)
		}
	}
	var span *blob.Ahead
	if hi-lo <= rowSpan {
		span = c.obj.Span(lo, hi)
	}
	for j, ch := range c.chunks {
		switch {
		case ch.group != g:
		case span != nil:
			c.open[j] = span
		default:
			c.open[j] = c.obj.Ahead(ch.lo, ch.hi, rowWindow)
		}
	}
}

func (c *objectChunks) closeLocked() {
	done := map[*blob.Ahead]bool{}
	for j, o := range c.open {
		if !done[o] {
			o.Close()
			done[o] = true
		}
		delete(c.open, j)
	}
}

// Close ends the streams still open.
func (c *objectChunks) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closeLocked()
	return nil
}
