package dataset

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"runtime/debug"
	"strings"
)

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
		// Read blockSize bytes, not the buffer's capacity (the pool's
		// buffers hold two blocks, for the carry): blocks of 8 MiB from
		// a stream held twice the memory of the mapped file's 4 MiB.
		n, err := io.ReadFull(r, buf[len(carry):len(carry)+blockSize])
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

// mapPlain maps path's file unless it is compressed or not a local file
// (fh nil).
func mapPlain(path string, fh *os.File) ([]byte, func(), bool) {
	if fh == nil || strings.HasSuffix(strings.ToLower(path), ".gz") {
		return nil, nil, false
	}
	return mapFile(fh)
}

// errShrank is the error of reading a mapped file that was truncated
// while it was read: the pages past its new end fault.
var errShrank = errors.New("the file shrank while it was being read (truncated or rewritten in place); read it again once it is complete")

// guardFault runs fn, turning a fault on mapped memory (SIGBUS past the
// end of a file truncated while mapped) into errShrank instead of a
// crash. Every goroutine that reads a mapping calls its reads through it.
func guardFault(fn func()) (err error) {
	old := debug.SetPanicOnFault(true)
	defer func() {
		debug.SetPanicOnFault(old)
		if r := recover(); r != nil {
			if _, ok := r.(interface{ Addr() uintptr }); !ok {
				panic(r)
			}
			err = errShrank
		}
	}()
	fn()
	return nil
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
