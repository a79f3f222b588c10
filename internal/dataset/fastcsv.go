package dataset

import (
	"bufio"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
)

// The fast CSV path: one goroutine cuts the file into blocks that end at a
// record boundary (quote-aware), workers split and convert the records of
// whole blocks into their own accumulators. Statistics do not depend on
// row order, so blocks are merged in any order; only error positions need
// the block's place, which each block's record and line counts give.

const blockSize = 4 << 20

type csvBlock struct {
	seq  int
	data []byte
	// buf is the pooled buffer data lives in; the worker returns it.
	buf *[]byte
	// mapped is the file's mapping when data is a part of it (buf is
	// then nil): the worker releases the block's pages.
	mapped []byte
	// estRows estimates the file's data rows (0 when unknown), so that
	// workers reserve their columns once instead of growing them.
	estRows int64
}

// done gives a parsed block's memory back: its buffer to the pool, or its
// pages of the mapping to the page cache.
func (b *csvBlock) done() {
	if b.buf != nil {
		blockPool.Put(b.buf)
	} else {
		release(b.mapped, b.data)
	}
}

var blockPool = sync.Pool{New: func() any { b := make([]byte, 0, 2*blockSize); return &b }}

// blockStat is what a worker learnt about one block.
type blockStat struct {
	records, lines int
	// errRec and errLine are the block-relative record (1-based) and line
	// of the first bad cell; err is nil when there was none.
	errRec, errLine int
	errCol          int
	errMsg          string
	// bad counts the bad records (all of them only when bad records
	// are allowed; else the reading of the block stops counting them
	// after the first).
	bad int
}

// csvOptions are loadCSV's knobs; tests shrink the blocks and turn the
// mapping off to reach every path with small files.
type csvOptions struct {
	workers, block int
	noMap          bool
	// afterMap, if set, runs once the file is mapped (tests truncate it).
	afterMap func()
	// maxBad is how many bad rows may be skipped (0: none).
	maxBad int64
}

// csvLoad is what loadCSV counted: the good data rows, the bad ones it
// skipped and the first of those.
type csvLoad struct {
	rows, bad int64
	firstBad  *RowError
}

func loadCSV(ctx context.Context, path string, cols []string, kinds []Kind, o csvOptions) ([]*accumulator, csvLoad, error) {
	workers := o.workers
	src, err := openSource(ctx, path)
	if err != nil {
		return nil, csvLoad{}, err
	}
	defer src.Close()
	var r io.Reader = bufio.NewReaderSize(src, 1<<16)
	if strings.HasSuffix(strings.ToLower(path), ".gz") {
		gz, err := gzip.NewReader(r)
		if err != nil {
			return nil, csvLoad{}, &RowError{File: path, Msg: fmt.Sprintf("not gzip data: %v", err)}
		}
		defer gz.Close()
		r = gz
	}
	comma := byte(',')
	if strings.HasSuffix(strings.TrimSuffix(strings.ToLower(path), ".gz"), ".tsv") {
		comma = '\t'
	}
	blocks := make(chan csvBlock, workers)
	var mu sync.Mutex
	stats := map[int]blockStat{}
	var fault atomic.Pointer[error] // a mapped block that faulted
	accs := make([]*accumulator, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		accs[w] = newAccumulator(path, cols, kinds)
		wg.Add(1)
		go func(a *accumulator) {
			defer wg.Done()
			p := &recordParser{comma: comma, ncols: len(kinds), header: strings.Join(cols, ","), allowBad: o.maxBad > 0}
			reserved := false
			for b := range blocks {
				if !reserved && b.estRows > 0 {
					a.reserve(b.estRows/int64(workers) + b.estRows/10 + 1)
					reserved = true
				}
				var st blockStat
				ferr := fault.Load() != nil
				if !ferr {
					if err := guardFault(func() { st = p.parseBlock(a, b.data) }); err != nil {
						fault.CompareAndSwap(nil, &err)
					}
				}
				b.done()
				mu.Lock()
				stats[b.seq] = st
				mu.Unlock()
			}
		}(accs[w])
	}
	var size int64
	if !strings.HasSuffix(strings.ToLower(path), ".gz") {
		size = src.size
	}
	var headerLines, nblocks int
	var rerr error
	if data, unmap, ok := mapPlain(path, src.fh); ok && !o.noMap {
		// A plain file is mapped: blocks are slices of the page cache,
		// with no copy into buffers of our own.
		defer unmap()
		if o.afterMap != nil {
			o.afterMap()
		}
		if err := guardFault(func() { headerLines, nblocks, rerr = cutMapped(ctx, data, o.block, blocks) }); err != nil {
			rerr = err
		}
	} else {
		if ok {
			unmap()
		}
		headerLines, nblocks, rerr = cutBlocks(ctx, r, size, o.block, blocks)
	}
	close(blocks)
	wg.Wait()
	if f := fault.Load(); f != nil && rerr == nil {
		rerr = *f
	}
	if rerr != nil {
		return nil, csvLoad{}, &RowError{File: path, Msg: rerr.Error()}
	}
	var l csvLoad
	l.rows, l.bad, l.firstBad, err = countBlocks(path, cols, headerLines, nblocks, stats, o.maxBad)
	if err != nil {
		return nil, csvLoad{}, err
	}
	return accs, l, nil
}

// countBlocks adds up the blocks' records in file order and returns the
// good data rows, or the first bad record's error with its row and line
// in the whole file (blocks only know their own). When bad rows are
// allowed (maxBad > 0) and there are at most maxBad, it returns their
// number and the first one's error instead; when there are more, the
// first one's error says how many there were.
func countBlocks(path string, cols []string, headerLines, nblocks int, stats map[int]blockStat, maxBad int64) (rows, bad int64, first *RowError, err error) {
	var records int64
	line := headerLines
	for s := 0; s < nblocks; s++ {
		st := stats[s]
		if st.errMsg != "" && first == nil {
			first = &RowError{File: path, Row: int(records) + st.errRec, Line: line + st.errLine, Msg: st.errMsg}
			if st.errCol > 0 {
				first.Column = cols[st.errCol-1]
			}
			if maxBad <= 0 {
				return 0, 0, nil, first
			}
		}
		records += int64(st.records)
		bad += int64(st.bad)
		line += st.lines
	}
	if bad > maxBad {
		first.Msg += fmt.Sprintf(" (%d bad rows in all, more than the %d allowed)", bad, maxBad)
		return 0, 0, nil, first
	}
	return records - bad, bad, first, nil
}
