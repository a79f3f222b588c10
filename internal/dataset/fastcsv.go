package dataset

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
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
}

func loadCSV(ctx context.Context, path string, cols []string, kinds []Kind, workers int) ([]*accumulator, int64, error) {
	return loadCSVWith(ctx, path, cols, kinds, csvOptions{workers: workers, block: blockSize})
}

// csvOptions are loadCSV's knobs; tests shrink the blocks and turn the
// mapping off to reach every path with small files.
type csvOptions struct {
	workers, block int
	noMap          bool
}

func loadCSVWith(ctx context.Context, path string, cols []string, kinds []Kind, o csvOptions) ([]*accumulator, int64, error) {
	workers := o.workers
	fh, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer fh.Close()
	var r io.Reader = bufio.NewReaderSize(fh, 1<<16)
	if strings.HasSuffix(strings.ToLower(path), ".gz") {
		gz, err := gzip.NewReader(r)
		if err != nil {
			return nil, 0, &RowError{File: path, Msg: fmt.Sprintf("not gzip data: %v", err)}
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
	accs := make([]*accumulator, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		accs[w] = newAccumulator(path, cols, kinds)
		wg.Add(1)
		go func(a *accumulator) {
			defer wg.Done()
			p := &recordParser{comma: comma, ncols: len(kinds), header: strings.Join(cols, ",")}
			reserved := false
			for b := range blocks {
				if !reserved && b.estRows > 0 {
					a.reserve(b.estRows/int64(workers) + b.estRows/10 + 1)
					reserved = true
				}
				st := p.parseBlock(a, b.data)
				b.done()
				mu.Lock()
				stats[b.seq] = st
				mu.Unlock()
			}
		}(accs[w])
	}
	var size int64
	if st, err := fh.Stat(); err == nil && !strings.HasSuffix(strings.ToLower(path), ".gz") {
		size = st.Size()
	}
	var headerLines, nblocks int
	var rerr error
	if data, unmap, ok := mapPlain(path, fh); ok && !o.noMap {
		// A plain file is mapped: blocks are slices of the page cache,
		// with no copy into buffers of our own.
		defer unmap()
		headerLines, nblocks, rerr = cutMapped(ctx, data, o.block, blocks)
	} else {
		if ok {
			unmap()
		}
		headerLines, nblocks, rerr = cutBlocks(ctx, r, size, o.block, blocks)
	}
	close(blocks)
	wg.Wait()
	if rerr != nil {
		return nil, 0, &RowError{File: path, Msg: rerr.Error()}
	}
	rows, err := countBlocks(path, cols, headerLines, nblocks, stats)
	if err != nil {
		return nil, 0, err
	}
	return accs, rows, nil
}

// countBlocks adds up the blocks' records in file order and returns the
// data rows, or the first bad record's error with its row and line in
// the whole file (blocks only know their own).
func countBlocks(path string, cols []string, headerLines, nblocks int, stats map[int]blockStat) (int64, error) {
	var rows int64
	line := headerLines
	for s := 0; s < nblocks; s++ {
		st := stats[s]
		if st.errMsg != "" {
			e := &RowError{File: path, Row: int(rows) + st.errRec, Line: line + st.errLine, Msg: st.errMsg}
			if st.errCol > 0 {
				e.Column = cols[st.errCol-1]
			}
			return 0, e
		}
		rows += int64(st.records)
		line += st.lines
	}
	return rows, nil
}

// cutBlocks skips the header record and sends the rest of r as blocks
// that each end after a record's newline (or at EOF). It returns the
// number of lines of the header and of blocks sent.
func cutBlocks(ctx context.Context, r io.Reader, size int64, blockSize int, out chan<- csvBlock) (int, int, error) {
	var carry []byte
	inQuote := false // quote state at the end of carry's scanned part
	scanned := 0
	seq := 0
	header := true
	headerLines := 0
	for {
		if ctx.Err() != nil {
			return 0, seq, ctx.Err()
		}
		pb := blockPool.Get().(*[]byte)
		buf := *pb
		if cap(buf) < len(carry)+blockSize {
			buf = make([]byte, 0, len(carry)+blockSize)
			*pb = buf
		}
		buf = buf[:len(carry)]
		copy(buf, carry)
		n, err := io.ReadFull(r, buf[len(carry):cap(buf)])
		buf = buf[:len(carry)+n]
		eof := err == io.EOF || err == io.ErrUnexpectedEOF
		if err != nil && !eof {
			return 0, seq, err
		}
		// Find the end of the last complete record in buf[scanned:].
		cut := -1
		q := inQuote
		if !q && bytes.IndexByte(buf[scanned:], '"') < 0 {
			if i := bytes.LastIndexByte(buf[scanned:], '\n'); i >= 0 {
				cut = scanned + i + 1
			}
		} else {
			for i := scanned; i < len(buf); i++ {
				switch buf[i] {
				case '"':
					q = !q
				case '\n':
					if !q {
						cut = i + 1
					}
				}
			}
		}
		if header {
			// The header is the first non-empty record: skip it.
			lead := 0
			for lead < len(buf) && (buf[lead] == '\n' || (buf[lead] == '\r' && lead+1 < len(buf) && buf[lead+1] == '\n')) {
				lead++
			}
			end := recordEnd(buf[lead:])
			if end >= 0 {
				end += lead
			}
			if end < 0 && !eof {
				carry, scanned, inQuote = append([]byte(nil), buf...), 0, false
				blockPool.Put(pb)
				continue
			}
			if end < 0 {
				end = len(buf)
			}
			headerLines = bytes.Count(buf[:end], []byte{'\n'})
			if end == len(buf) && (end == 0 || buf[end-1] != '\n') {
				headerLines++
			}
			header = false
			if !eof {
				carry, scanned, inQuote = append([]byte(nil), buf[end:]...), 0, false
				blockPool.Put(pb)
				continue
			}
			buf = buf[end:]
			cut = len(buf)
		}
		if eof {
			if len(buf) > 0 {
				out <- csvBlock{seq: seq, data: buf, buf: pb, estRows: estimate(size, buf)}
				seq++
			}
			return headerLines, seq, nil
		}
		if cut <= 0 {
			carry, scanned, inQuote = append([]byte(nil), buf...), len(buf), q
			blockPool.Put(pb)
			continue
		}
		carry = append(carry[:0:0], buf[cut:]...)
		out <- csvBlock{seq: seq, data: buf[:cut], buf: pb, estRows: estimate(size, buf[:cut])}
		seq++
		scanned, inQuote = 0, false
	}
}

// mapPlain maps path's file unless it is compressed.
func mapPlain(path string, fh *os.File) ([]byte, func(), bool) {
	if strings.HasSuffix(strings.ToLower(path), ".gz") {
		return nil, nil, false
	}
	return mapFile(fh)
}

// cutMapped is cutBlocks over a whole file in memory: it skips the header
// record and sends the rest as blocks of about blockSize bytes, each
// ending after a record's newline (or at the end), without copying.
func cutMapped(ctx context.Context, data []byte, blockSize int, out chan<- csvBlock) (int, int, error) {
	lead := 0
	for lead < len(data) && (data[lead] == '\n' || (data[lead] == '\r' && lead+1 < len(data) && data[lead+1] == '\n')) {
		lead++
	}
	end := recordEnd(data[lead:])
	if end < 0 {
		end = len(data)
	} else {
		end += lead
	}
	headerLines := bytes.Count(data[:end], []byte{'\n'})
	if end == len(data) && (end == 0 || data[end-1] != '\n') {
		headerLines++
	}
	size := int64(len(data))
	seq := 0
	for pos := end; pos < len(data); seq++ {
		if ctx.Err() != nil {
			return 0, seq, ctx.Err()
		}
		cut := recordCut(data, pos, pos+blockSize)
		out <- csvBlock{seq: seq, data: data[pos:cut], mapped: data, estRows: estimate(size, data[pos:cut])}
		pos = cut
	}
	return headerLines, seq, nil
}

// recordCut returns the end of the last record of data that starts at
// or after pos (a record boundary) and ends by limit, or of the first
// record that ends after limit when none does, or len(data).
func recordCut(data []byte, pos, limit int) int {
	if limit >= len(data) {
		return len(data)
	}
	if bytes.IndexByte(data[pos:limit], '"') < 0 {
		if i := bytes.LastIndexByte(data[pos:limit], '\n'); i >= 0 {
			return pos + i + 1
		}
		// One record is longer than a block: end it after limit.
		pos = limit
	}
	// Quotes: walk from pos (outside any quote) to find the boundaries.
	q, cut := false, -1
	for i := pos; i < len(data); i++ {
		switch data[i] {
		case '"':
			q = !q
		case '\n':
			if !q {
				if i >= limit {
					if cut < 0 {
						return i + 1
					}
					return cut
				}
				cut = i + 1
			}
		}
	}
	if cut < 0 || !q {
		return len(data)
	}
	return cut
}

// estimate extrapolates a block's line count to a file of size bytes.
func estimate(size int64, block []byte) int64 {
	if size <= 0 || len(block) == 0 {
		return 0
	}
	lines := int64(bytes.Count(block, []byte{'\n'}))
	return size * lines / int64(len(block))
}

// recordEnd returns the index just after the first record's newline, or
// −1 when buf holds no complete record.
func recordEnd(buf []byte) int {
	q := false
	for i, c := range buf {
		switch c {
		case '"':
			q = !q
		case '\n':
			if !q {
				return i + 1
			}
		}
	}
	return -1
}

// recordParser splits the records of a block into fields.
type recordParser struct {
	comma  byte
	ncols  int
	header string
	fields [][]byte
	quoted []byte
}

// parseBlock adds every record of data to a and counts records and lines.
// After the first bad record it only counts.
func (p *recordParser) parseBlock(a *accumulator, data []byte) blockStat {
	var st blockStat
	for len(data) > 0 {
		var rec []byte
		var nl int
		end := bytes.IndexByte(data, '\n')
		if end < 0 {
			end = len(data)
		}
		line := data[:end]
		if bytes.IndexByte(line, '"') >= 0 {
			n, lines, err := p.splitQuoted(data)
			if err != "" && st.errMsg == "" {
				st.errRec, st.errLine, st.errMsg = st.records+1, st.lines+1, err
			}
			data = data[n:]
			st.records++
			st.lines += lines
			if err == "" && st.errMsg == "" {
				p.addFields(a, &st)
			}
			continue
		}
		rec = line
		if end < len(data) {
			nl = 1
		}
		data = data[end+nl:]
		st.lines++
		if len(rec) > 0 && rec[len(rec)-1] == '\r' {
			rec = rec[:len(rec)-1]
		}
		if len(rec) == 0 {
			continue // encoding/csv skips empty lines
		}
		st.records++
		if st.errMsg != "" {
			continue
		}
		p.addRecord(a, &st, rec)
	}
	return st
}

// addRecord splits an unquoted record and adds its cells as it finds
// them. A plain decimal in a numeric column is converted while it is
// scanned (scanFloat); every other cell goes through add. A wrong field
// count is reported in preference to a bad cell, as the row reader does.
func (p *recordParser) addRecord(a *accumulator, st *blockStat, rec []byte) {
	n, badCol := 0, 0
	var badMsg string
	for i := 0; ; {
		if n < p.ncols && a.codes[n] == codeNumeric && badMsg == "" {
			if v, j, ok := scanFloat(rec, i, p.comma); ok {
				a.push(n, v)
				n++
				if j == len(rec) {
					break
				}
				i = j + 1
				continue
			}
		}
		j := bytes.IndexByte(rec[i:], p.comma)
		cell := rec[i:]
		if j >= 0 {
			cell = rec[i : i+j]
		}
		if n < p.ncols && badMsg == "" {
			if msg := a.add(n, cell); msg != "" {
				badCol, badMsg = n+1, msg
			}
		}
		n++
		if j < 0 {
			break
		}
		i += j + 1
	}
	switch {
	case n != p.ncols:
		st.errRec, st.errLine, st.errCol = st.records, st.lines, 0
		st.errMsg = fmt.Sprintf("has %d fields, expected %d (%s)", n, p.ncols, p.header)
	case badMsg != "":
		st.errRec, st.errLine, st.errCol, st.errMsg = st.records, st.lines, badCol, badMsg
	default:
		a.rows++
	}
}

func (p *recordParser) addFields(a *accumulator, st *blockStat) {
	if len(p.fields) != p.ncols {
		st.errRec, st.errLine = st.records, st.lines
		st.errMsg = fmt.Sprintf("has %d fields, expected %d (%s)", len(p.fields), p.ncols, p.header)
		st.errCol = 0
		return
	}
	a.rows++
	for i, f := range p.fields {
		if msg := a.add(i, f); msg != "" {
			// errCol is 1-based so that 0 means "the whole record".
			st.errRec, st.errLine, st.errCol, st.errMsg = st.records, st.lines, i+1, msg
			return
		}
	}
}

// splitQuoted splits one record that contains quotes (RFC 4180: a quoted
// field may hold commas, newlines and doubled quotes). It returns the
// bytes consumed, the lines they span and what is wrong, if anything.
func (p *recordParser) splitQuoted(data []byte) (int, int, string) {
	p.fields = p.fields[:0]
	p.quoted = p.quoted[:0]
	starts := []int{}
	i, lines := 0, 1
	for {
		// one field
		fieldStart := len(p.quoted)
		if i < len(data) && data[i] == '"' {
			i++
			for {
				if i >= len(data) {
					return i, lines, "a quoted field is not closed"
				}
				c := data[i]
				if c == '"' {
					if i+1 < len(data) && data[i+1] == '"' {
						p.quoted = append(p.quoted, '"')
						i += 2
						continue
					}
					i++
					break
				}
				if c == '\n' {
					lines++
					// encoding/csv reads a quoted \r\n as \n.
					if n := len(p.quoted); n > fieldStart && p.quoted[n-1] == '\r' {
						p.quoted = p.quoted[:n-1]
					}
				}
				p.quoted = append(p.quoted, c)
				i++
			}
			if i < len(data) && data[i] != p.comma && data[i] != '\n' && data[i] != '\r' {
				return p.skipRecord(data, i, lines), lines, `extraneous or missing " in quoted field`
			}
		} else {
			for i < len(data) && data[i] != p.comma && data[i] != '\n' {
				if data[i] == '"' {
					return p.skipRecord(data, i, lines), lines, `bare " in non-quoted field`
				}
				p.quoted = append(p.quoted, data[i])
				i++
			}
			if n := len(p.quoted); n > fieldStart && p.quoted[n-1] == '\r' && (i >= len(data) || data[i] == '\n') {
				p.quoted = p.quoted[:n-1]
			}
		}
		starts = append(starts, fieldStart)
		if i < len(data) && data[i] == '\r' {
			i++
		}
		if i >= len(data) || data[i] == '\n' {
			if i < len(data) {
				i++
			}
			break
		}
		i++ // comma
	}
	for k, s := range starts {
		e := len(p.quoted)
		if k+1 < len(starts) {
			e = starts[k+1]
		}
		p.fields = append(p.fields, p.quoted[s:e])
	}
	return i, lines, ""
}

// skipRecord returns the index after the newline that ends the record
// containing data[i] (ignoring quotes, as the record is already wrong).
func (p *recordParser) skipRecord(data []byte, i, _ int) int {
	j := bytes.IndexByte(data[i:], '\n')
	if j < 0 {
		return len(data)
	}
	return i + j + 1
}
