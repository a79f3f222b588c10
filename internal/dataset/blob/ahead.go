package blob

import (
	"fmt"
	"io"
	"sync"

	"github.com/minio/minio-go/v7"

	"gitlab.com/mlgate/mlgate/internal/dataset/hugemem"
)

// aheadChunk is the size of the stream's reads into an Ahead.
const aheadChunk = 256 << 10

// freeChunks are the buffers Aheads filled and let go, for the next ones
// to fill: a Parquet file of 20 columns in 8 row groups opens 160 Aheads.
// A sync.Pool would drop them at every garbage collection, which decoding
// runs often; this list keeps up to maxFreeChunks (64 MiB) for the life of
// the process. New chunks are cut from slabs of huge pages (hugemem): a
// fresh 4 KiB page costs a fault as the socket's bytes are copied in, and
// in a VM the faults of the tens of megabytes in flight cost more than the
// copy (a third of the S3 read's extra system time in the drift bench).
var freeChunks struct {
	sync.Mutex
	list [][]byte
}

const (
	maxFreeChunks = 256
	slabChunks    = 32 // 8 MiB
)

func getChunk() []byte {
	freeChunks.Lock()
	defer freeChunks.Unlock()
	if n := len(freeChunks.list); n > 0 {
		b := freeChunks.list[n-1]
		freeChunks.list = freeChunks.list[:n-1]
		return b
	}
	slab := hugemem.Bytes(slabChunks * aheadChunk)
	for i := 1; i < slabChunks && len(freeChunks.list) < maxFreeChunks; i++ {
		freeChunks.list = append(freeChunks.list, slab[i*aheadChunk:(i+1)*aheadChunk:(i+1)*aheadChunk])
	}
	return slab[:aheadChunk:aheadChunk]
}

func putChunk(b []byte) {
	freeChunks.Lock()
	defer freeChunks.Unlock()
	if len(freeChunks.list) < maxFreeChunks {
		freeChunks.list = append(freeChunks.list, b[:cap(b)])
	}
}

// Ahead reads the bytes [lo, hi) of an object front to back: one ranged
// GET starts at once and a goroutine keeps up to a window of bytes
// buffered beyond the last ReadAt, so the bytes a reader will want next
// arrive while it works on the ones it has (a Parquet column chunk
// streams in while its first pages are decoded), instead of one blocking
// GET per block. ReadAt outside [lo, hi), or before the bytes it has let
// go, reads through the object's blocks instead. Memory is bounded by the
// window, not by the range. Close it when done.
type Ahead struct {
	o      *Object
	lo, hi int64
	keep   bool  // Span: nothing is let go, ReadAt anywhere in the range
	window int64 // how far the stream reads beyond the reader at most

	mu     sync.Mutex
	cond   sync.Cond
	chunks [][]byte // the bytes [base, filled), in order
	free   [][]byte // chunks let go, for the stream to fill again
	base   int64
	filled int64
	want   int64 // the end of the bytes a waiting ReadAt needs
	err    error // why the stream ended (io.EOF at hi)
	closed bool
	body   io.ReadCloser
}

// Ahead starts reading bytes [lo, hi) (clamped to the object), window
// bytes ahead of the reader at most.
func (o *Object) Ahead(lo, hi, window int64) *Ahead { return o.ahead(lo, hi, window, false) }

// Span starts reading bytes [lo, hi) (clamped to the object) whole, as
// Ahead does but keeping every byte until Close, for several readers at
// different places in the range at once (the column chunks of one
// Parquet row group, decoded in parallel): memory is the range's size.
func (o *Object) Span(lo, hi int64) *Ahead { return o.ahead(lo, hi, 0, true) }

func (o *Object) ahead(lo, hi, window int64, keep bool) *Ahead {
	lo, hi = max(lo, 0), min(hi, o.size)
	a := &Ahead{o: o, lo: lo, hi: hi, keep: keep, window: max(window, aheadChunk), base: lo, filled: lo}
	a.cond.L = &a.mu
	if lo >= hi {
		a.err = io.EOF
		return a
	}
	go a.fill()
	return a
}

// fill streams the range into chunks, pausing while the window is full
// and no ReadAt waits.
func (a *Ahead) fill() {
	opts := minio.GetObjectOptions{}
	_ = opts.SetRange(a.lo, a.hi-1)
	a.o.match(&opts)
	body, _, _, err := a.o.c.core.GetObject(a.o.ctx, a.o.bucket, a.o.key, opts)
	a.mu.Lock()
	if err != nil {
		a.err = wrap(a.o.url, a.o.c.endpoint, err)
		a.cond.Broadcast()
		a.mu.Unlock()
		return
	}
	if a.closed {
		a.mu.Unlock()
		body.Close()
		return
	}
	a.body = body
	a.mu.Unlock()
	defer body.Close()
	for {
		a.mu.Lock()
		for !a.closed && !a.keep && a.filled-a.base >= a.window && a.filled >= a.want {
			a.cond.Wait()
		}
		if a.closed {
			a.mu.Unlock()
			return
		}
		var chunk []byte
		if n := len(a.free); n > 0 {
			chunk, a.free = a.free[n-1], a.free[:n-1]
		} else {
			chunk = getChunk()
		}
		chunk = chunk[:min(aheadChunk, a.hi-a.filled)]
		a.mu.Unlock()
		n, err := io.ReadFull(body, chunk)
		if err == nil && a.filled+int64(n) >= a.hi {
			// See the body's end, so that its connection is kept for
			// the next GET instead of closed.
			_, _ = io.Copy(io.Discard, io.LimitReader(body, 1<<10))
		}
		a.mu.Lock()
		if a.closed {
			a.mu.Unlock()
			putChunk(chunk)
			return
		}
		if n > 0 {
			a.chunks = append(a.chunks, chunk[:n])
			a.filled += int64(n)
		}
		switch {
		case a.filled >= a.hi:
			err = io.EOF
		case err == io.EOF || err == io.ErrUnexpectedEOF:
			err = &Error{URL: a.o.url, Msg: fmt.Sprintf("the stream of bytes %d-%d ended at byte %d", a.lo, a.hi-1, a.filled)}
		case err != nil:
			err = wrap(a.o.url, a.o.c.endpoint, err)
		}
		if err != nil {
			a.err = err
		}
		a.cond.Broadcast()
		a.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// ReadAt reads len(p) bytes at off, waiting for the stream when they are
// in [lo, hi). Unless a is a Span, the chunks wholly before off are let
// go.
func (a *Ahead) ReadAt(p []byte, off int64) (int, error) {
	end := off + int64(len(p))
	if off < a.lo || end > a.hi {
		return a.o.ReadAt(p, off)
	}
	a.mu.Lock()
	if a.closed || off < a.base {
		a.mu.Unlock()
		return a.o.ReadAt(p, off)
	}
	if end > a.want {
		a.want = end
		a.cond.Broadcast()
	}
	for a.filled < end && a.err == nil && !a.closed {
		a.cond.Wait()
	}
	if a.closed { // by another goroutine while this one waited
		a.mu.Unlock()
		return a.o.ReadAt(p, off)
	}
	if a.filled < end {
		err := a.err
		a.mu.Unlock()
		return 0, err
	}
	// Let go of the chunks before off, then copy from the first.
	for !a.keep && len(a.chunks) > 0 && a.base+int64(len(a.chunks[0])) <= off {
		a.base += int64(len(a.chunks[0]))
		a.free = append(a.free, a.chunks[0][:cap(a.chunks[0])])
		a.chunks = a.chunks[1:]
	}
	// Every chunk but the stream's last is full, so off's is at a
	// known index.
	n, k, at := 0, (off-a.base)/aheadChunk, (off-a.base)%aheadChunk
	for ; n < len(p); k++ {
		n += copy(p[n:], a.chunks[k][at:])
		at = 0
	}
	a.cond.Broadcast()
	a.mu.Unlock()
	return n, nil
}

// Close stops the stream and lets its buffer go.
func (a *Ahead) Close() error {
	a.mu.Lock()
	a.closed = true
	for _, c := range a.chunks {
		putChunk(c)
	}
	for _, c := range a.free {
		putChunk(c)
	}
	a.chunks, a.free = nil, nil
	body := a.body
	a.cond.Broadcast()
	a.mu.Unlock()
	if body != nil {
		body.Close()
	}
	return nil
}
