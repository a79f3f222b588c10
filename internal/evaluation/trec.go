package evaluation

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"

	"gitlab.com/mlgate/mlgate/internal/dataset"
)

// scanRun reads a TREC run file: "qid Q0 docno rank score tag" per line.
// Blank lines and lines starting with '#' are skipped; fields after the
// sixth are ignored, as trec_eval ignores them (its own
// test/results.trunc has such lines).
func scanRun(ctx context.Context, path string, fn rowFunc) error {
	return scanTREC(ctx, path, 6, true, "qid Q0 docno rank score tag", func(f [][]byte, row, line int) (float64, error) {
		v, ok := parseScore(f[4])
		if !ok {
			return 0, &dataset.RowError{File: path, Row: row, Line: line, Column: "score", Msg: fmt.Sprintf("found %q, expected a number (field 5 of qid Q0 docno rank score tag)", clip(f[4]))}
		}
		return v, nil
	}, 0, 2, fn)
}

// scanQrels reads a TREC qrels file: "qid iter docno rel" per line.
// Unlike a run's, a qrels line with more fields is an error, as in
// trec_eval.
func scanQrels(ctx context.Context, path string, fn rowFunc) error {
	return scanTREC(ctx, path, 4, false, "qid iter docno rel", func(f [][]byte, row, line int) (float64, error) {
		v, ok := parseRelevance(f[3])
		if !ok {
			return 0, &dataset.RowError{File: path, Row: row, Line: line, Column: "rel", Msg: fmt.Sprintf("found %q, expected an integer relevance (field 4 of qid iter docno rel)", clip(f[3]))}
		}
		return v, nil
	}, 0, 2, fn)
}

// chunkSize is the size of the blocks of whole lines the reading goroutine
// hands over; a line may not be longer.
const chunkSize = maxLine

// trecRow is one parsed line: the user and item fields as offsets into the
// batch's data, and the value.
type trecRow struct {
	u0, u1, i0, i1 int32
	v              float64
	row, line      int
}

// trecBatch is a block of whole lines and their parsed rows; err, when
// set, is the error met on the line after the last row.
type trecBatch struct {
	data []byte
	rows []trecRow
	err  error
}

// scanTREC reads a whitespace-separated file of want fields per line (at
// least want, the rest ignored, when more is set). A
// second goroutine reads, splits and parses the lines (parse turns the
// fields into the value) while the caller's goroutine runs fn, so reading
// overlaps evaluation. ui and ii are the user and item field indexes.
func scanTREC(ctx context.Context, path string, want int, more bool, layout string, parse func(f [][]byte, row, line int) (float64, error), ui, ii int, fn rowFunc) error {
	r, closeFn, err := openText(path)
	if err != nil {
		return err
	}
	defer closeFn()
	full := make(chan *trecBatch, 4)
	free := make(chan *trecBatch, 8)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(full)
		produceTREC(r, path, want, more, layout, parse, ui, ii, full, free, done)
	}()
	defer wg.Wait()
	defer close(done)
	rows := 0
	for b := range full {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		for i := range b.rows {
			t := &b.rows[i]
			if err := fn(b.data[t.u0:t.u1], b.data[t.i0:t.i1], t.v, t.row, t.line); err != nil {
				return err
			}
		}
		rows += len(b.rows)
		if b.err != nil {
			return b.err
		}
		select {
		case free <- b:
		default:
		}
	}
	if rows == 0 {
		return &dataset.RowError{File: path, Msg: fmt.Sprintf("empty file: expected lines of %q", layout)}
	}
	return nil
}

// produceTREC is scanTREC's reading goroutine: it sends batches of parsed
// lines on full until the end of the file, an error, or done.
func produceTREC(r io.Reader, path string, want int, more bool, layout string, parse func(f [][]byte, row, line int) (float64, error), ui, ii int, full, free chan *trecBatch, done chan struct{}) {
	var (
		carry     []byte
		fs        [6][]byte
		row, line int
		eof       bool
	)
	send := func(b *trecBatch) bool {
		select {
		case full <- b:
			return true
		case <-done:
			return false
		}
	}
	for !eof {
		var b *trecBatch
		select {
		case b = <-free:
		default:
			b = &trecBatch{data: make([]byte, 0, chunkSize)}
		}
		b.data = append(b.data[:0], carry...)
		b.rows, b.err = b.rows[:0], nil
		// Fill the block; keep whole lines, carry the tail to the next.
		for len(b.data) < cap(b.data) && !eof {
			n, err := r.Read(b.data[len(b.data):cap(b.data)])
			b.data = b.data[:len(b.data)+n]
			if err == io.EOF {
				eof = true
			} else if err != nil {
				b.err = &dataset.RowError{File: path, Line: line + 1, Msg: err.Error()}
				send(b)
				return
			}
		}
		end := len(b.data)
		if !eof {
			end = bytes.LastIndexByte(b.data, '\n') + 1
			if end == 0 {
				b.err = &dataset.RowError{File: path, Line: line + 1, Msg: fmt.Sprintf("line longer than %d bytes", chunkSize)}
				send(b)
				return
			}
		}
		carry = append(carry[:0], b.data[end:]...)
		data := b.data[:end]
		for off := 0; off < len(data); {
			nl := bytes.IndexByte(data[off:], '\n')
			next := len(data)
			if nl >= 0 {
				next = off + nl + 1
			}
			l := data[off:next]
			off = next
			line++
			l = bytes.TrimSuffix(l, []byte{'\n'})
			l = bytes.TrimSuffix(l, []byte{'\r'})
			n := fields(l, fs[:want])
			if n == 0 || fs[0][0] == '#' {
				continue
			}
			row++
			if n < want || (n > want && !more) {
				expect := fmt.Sprintf("expected %d (%s)", want, layout)
				if more {
					expect = fmt.Sprintf("expected at least %d (%s; further fields are ignored)", want, layout)
				}
				b.err = &dataset.RowError{File: path, Row: row, Line: line, Msg: fmt.Sprintf("has %d fields, %s", n, expect)}
				send(b)
				return
			}
			v, err := parse(fs[:want], row, line)
			if err != nil {
				b.err = err
				send(b)
				return
			}
			// The fields are subslices of b.data: their offsets follow
			// from how much of the backing array lies after them.
			u0 := cap(b.data) - cap(fs[ui])
			i0 := cap(b.data) - cap(fs[ii])
			b.rows = append(b.rows, trecRow{u0: int32(u0), u1: int32(u0 + len(fs[ui])), i0: int32(i0), i1: int32(i0 + len(fs[ii])), v: v, row: row, line: line})
		}
		if !send(b) {
			return
		}
	}
}
