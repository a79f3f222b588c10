package dataset

import (
	"bufio"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"

	"gitlab.com/mlgate/mlgate/internal/dataset/blob"
)

// Block is a batch of rows of a streamed file, parsed into typed columns
// (indexed like the file's columns).
type Block struct {
	Rows int64
	// Values hold the non-missing values of numeric and timestamp
	// columns (nil for the others).
	Values [][]float64
	// Counts count the non-missing values of categorical and boolean
	// columns per category (nil for the others).
	Counts []map[string]int64
	// Missing counts the missing cells of each column.
	Missing []int64

	// seq is the block's place in the file and turn orders the InOrder
	// functions of the file's blocks (nil when one goroutine reads it).
	seq  int
	turn *turnstile
}

// streamRows is how many rows of a JSON Lines or Parquet file make a
// Block.
const streamRows = 16384

// Stream reads path once, in blocks, without keeping its rows: memory is
// bounded by the block size and the workers, not by the file. cols and
// kinds are the file's columns and their kinds, as Kinds returns them.
// fn is called with each block from one of workers goroutines (CSV) or
// one (other formats), with worker in [0, workers); it must not keep the
// Block, and an error it returns stops the read. Blocks come in any
// order; what fn must do in the file's order it does in Block.InOrder.
// A cell that does not fit its kind is a *RowError naming file, row and
// column. Stream returns the number of data rows.
func Stream(ctx context.Context, path string, cols []string, kinds []Kind, workers int, fn func(worker int, b *Block) error) (int64, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if blob.IsMany(path) {
		return streamMany(ctx, path, cols, kinds, workers, fn)
	}
	if f, _ := FormatOf(path); f == CSV {
		return streamCSV(ctx, path, cols, kinds, csvOptions{workers: workers, block: blockSize}, fn)
	}
	return streamRowsOf(ctx, path, kinds, fn)
}

// blockOf views a's contents as a Block.
func blockOf(a *accumulator, b *Block) *Block {
	b.Rows = a.rows
	b.Missing = a.missing
	if b.Values == nil {
		b.Values = make([][]float64, len(a.kinds))
		b.Counts = make([]map[string]int64, len(a.kinds))
	}
	for i := range a.kinds {
		b.Values[i] = a.values[i]
		if a.counts[i] == nil {
			continue
		}
		m := make(map[string]int64, len(a.counts[i]))
		for k, p := range a.counts[i] {
			m[k] = *p
		}
		b.Counts[i] = m
	}
	return b
}

// reset empties a for the next block, keeping its buffers.
func (a *accumulator) reset() {
	for i := range a.kinds {
		a.values[i] = a.values[i][:0]
		if a.counts[i] != nil {
			clear(a.counts[i])
		}
		a.missing[i] = 0
	}
	a.rows = 0
}

// streamCSV is Stream for CSV; of o it heeds workers, block and noMap.
func streamCSV(ctx context.Context, path string, cols []string, kinds []Kind, o csvOptions, fn func(int, *Block) error) (int64, error) {
	workers := o.workers
	src, err := openSource(ctx, path)
	if err != nil {
		return 0, err
	}
	defer src.Close()
	var r io.Reader = bufio.NewReaderSize(src, 1<<16)
	var size int64
	if strings.HasSuffix(strings.ToLower(path), ".gz") {
		gz, err := gzip.NewReader(r)
		if err != nil {
			return 0, &RowError{File: path, Msg: fmt.Sprintf("not gzip data: %v", err)}
		}
		defer gz.Close()
		r = gz
	} else {
		size = src.size
	}
	comma := byte(',')
	if strings.HasSuffix(strings.TrimSuffix(strings.ToLower(path), ".gz"), ".tsv") {
		comma = '\t'
	}
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	blocks := make(chan csvBlock, workers)
	var mu sync.Mutex
	stats := map[int]blockStat{}
	errSeq := -1 // the first block with a bad record; later ones are skipped
	var fnErr error
	turn := newTurnstile()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := newAccumulator(path, cols, kinds)
			a.contiguous = true
			p := &recordParser{comma: comma, ncols: len(kinds), header: strings.Join(cols, ",")}
			var blk Block
			for b := range blocks {
				mu.Lock()
				skip := fnErr != nil || (errSeq >= 0 && b.seq > errSeq)
				mu.Unlock()
				if skip {
					b.done()
					turn.finish(b.seq)
					continue
				}
				a.reset()
				var st blockStat
				err := guardFault(func() { st = p.parseBlock(a, b.data) })
				if err != nil {
					err = &RowError{File: path, Msg: err.Error()}
				}
				b.done()
				if err == nil && st.errMsg == "" {
					blk.seq, blk.turn = b.seq, turn
					err = fn(w, blockOf(a, &blk))
				}
				turn.finish(b.seq)
				mu.Lock()
				stats[b.seq] = st
				if st.errMsg != "" && (errSeq < 0 || b.seq < errSeq) {
					errSeq = b.seq
				}
				if err != nil && fnErr == nil {
					fnErr = err
					cancel()
				}
				mu.Unlock()
			}
		}()
	}
	var headerLines, nblocks int
	var rerr error
	if data, unmap, ok := mapPlain(path, src.fh); ok && !o.noMap {
		defer unmap()
		if err := guardFault(func() { headerLines, nblocks, rerr = cutMapped(cctx, data, o.block, blocks) }); err != nil {
			rerr = err
		}
	} else {
		if ok {
			unmap()
		}
		headerLines, nblocks, rerr = cutBlocks(cctx, r, size, o.block, blocks)
	}
	close(blocks)
	wg.Wait()
	switch {
	case fnErr != nil:
		return 0, fnErr
	case ctx.Err() != nil:
		return 0, ctx.Err()
	case rerr != nil:
		return 0, &RowError{File: path, Msg: rerr.Error()}
	}
	rows, _, _, err := countBlocks(path, cols, headerLines, nblocks, stats, 0)
	return rows, err
}

// streamRowsOf streams any format through Open, streamRows rows a block.
func streamRowsOf(ctx context.Context, path string, kinds []Kind, fn func(int, *Block) error) (int64, error) {
	r, err := Open(path)
	if err != nil {
		return 0, err
	}
	defer r.Close()
	a := newAccumulator(path, r.Columns(), kinds)
	a.contiguous = true
	var blk Block
	var rows int64
	for {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, err
		}
		if a.rows == streamRows {
			if err := fn(0, blockOf(a, &blk)); err != nil {
				return 0, err
			}
			a.reset()
			if ctx.Err() != nil {
				return 0, ctx.Err()
			}
		}
		a.rows++
		rows++
		for i, c := range row {
			if msg := a.add(i, []byte(c)); msg != "" {
				return 0, &RowError{File: path, Row: r.Row(), Column: a.cols[i], Msg: msg}
			}
		}
	}
	if a.rows > 0 {
		if err := fn(0, blockOf(a, &blk)); err != nil {
			return 0, err
		}
	}
	return rows, nil
}
