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
	fh, err := os.Open(path)
	if err != nil {
		return nil, csvLoad{}, err
	}
	defer fh.Close()
	var r io.Reader = bufio.NewReaderSize(fh, 1<<16)
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
	// allowBad reads on after a bad record (taking its cells back)
	// instead of only counting the records after it.
	allowBad bool
	comma    byte
	ncols    int
	header   string
	fields   [][]byte
	quoted   []byte
}

// parseBlock adds every record of data to a and counts records and lines.
// After the first bad record it only counts, unless bad records are
// allowed (p.allowBad): then a bad record's cells are taken back, the
// record is counted in bad and the rest is read on.
func (p *recordParser) parseBlock(a *accumulator, data []byte) blockStat {
	var st blockStat
	// bad notes a bad record: the first one's place and what is wrong.
	bad := func(line, col int, msg string) {
		if st.errMsg == "" {
			st.errRec, st.errLine, st.errCol, st.errMsg = st.records, line, col, msg
		}
		st.bad++
	}
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
			data = data[n:]
			st.records++
			first := st.lines + 1
			st.lines += lines
			switch {
			case err != "":
				bad(first, 0, err)
			case st.errMsg == "" || p.allowBad:
				if col, msg := p.addFields(a); msg != "" {
					bad(st.lines, col, msg)
				}
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
		if st.errMsg != "" && !p.allowBad {
			continue
		}
		if col, msg := p.addRecord(a, rec); msg != "" {
			bad(st.lines, col, msg)
		}
	}
	return st
}

// addRecord splits an unquoted record and adds its cells as it finds
// them. A plain decimal in a numeric column is converted while it is
// scanned (scanFloat); every other cell goes through add. A wrong field
// count is reported in preference to a bad cell, as the row reader does.
// For a bad record it returns the 1-based column of the bad cell (0 for
// the whole record) and what is wrong, after taking back the cells it
// added.
func (p *recordParser) addRecord(a *accumulator, rec []byte) (int, string) {
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
	if n == p.ncols && badMsg == "" {
		a.rows++
		return 0, ""
	}
	// Take back what the record gave: the cells before the bad one, or
	// every cell up to the field count when only the count is wrong.
	added := min(n, p.ncols)
	if badMsg != "" {
		added = badCol - 1
	}
	p.undoRecord(a, rec, added)
	if n != p.ncols {
		return 0, fmt.Sprintf("has %d fields, expected %d (%s)", n, p.ncols, p.header)
	}
	return badCol, badMsg
}

// undoRecord takes back the first k cells of an unquoted record.
func (p *recordParser) undoRecord(a *accumulator, rec []byte, k int) {
	for i := 0; i < k; i++ {
		j := bytes.IndexByte(rec, p.comma)
		cell := rec
		if j >= 0 {
			cell, rec = rec[:j], rec[j+1:]
		}
		a.undo(i, cell)
	}
}

// addFields adds the fields splitQuoted found; for a bad record it
// returns the bad cell's 1-based column (0 for the whole record) and what
// is wrong, after taking back the cells it added.
func (p *recordParser) addFields(a *accumulator) (int, string) {
	if len(p.fields) != p.ncols {
		return 0, fmt.Sprintf("has %d fields, expected %d (%s)", len(p.fields), p.ncols, p.header)
	}
	for i, f := range p.fields {
		if msg := a.add(i, f); msg != "" {
			for k := 0; k < i; k++ {
				a.undo(k, p.fields[k])
			}
			// The column is 1-based so that 0 means "the whole record".
			return i + 1, msg
		}
	}
	a.rows++
	return 0, ""
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
