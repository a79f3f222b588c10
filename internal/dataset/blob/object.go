package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/minio/minio-go/v7"
)

// BlockSize is the size of the ranged reads ReadAt makes and caches.
const BlockSize = 1 << 20

// cacheBlocks is how many blocks an Object keeps: enough for the
// column chunks a few Parquet workers read at once, and the footer.
const cacheBlocks = 16

// Object is one object opened for reading. Read streams it from the
// start through one GET; ReadAt reads it in ranged GETs of BlockSize
// blocks, keeping the last few. Read and ReadAt may be used from
// different goroutines, ReadAt from many at once; Read from one.
type Object struct {
	ctx         context.Context
	url         string
	c           *client
	bucket, key string
	size        int64
	etag        string

	body io.ReadCloser // Read's stream, opened at the first Read
	pos  int64

	// tail holds the object's last bytes, from Open's GET: a Parquet
	// footer is read from there without a GET of its own.
	tail []byte

	mu    sync.Mutex
	cache map[int64]*cached // by block index
	tick  uint64
}

// tailSize is how many of an object's last bytes Open reads: a Parquet
// footer of a few hundred columns fits.
const tailSize = 64 << 10

type cached struct {
	data []byte
	used uint64
}

// Open opens the object url names and learns its size with a ranged GET
// of its last tailSize bytes, which it keeps (see Object.tail). A missing
// object, a refused request or an unreachable endpoint is an *Error
// naming url.
func Open(ctx context.Context, url string) (*Object, error) {
	bucket, key, err := Parse(url)
	if err != nil {
		return nil, err
	}
	if key == "" || strings.HasSuffix(key, "/") {
		return nil, &Error{URL: url, Msg: "names a prefix, not an object"}
	}
	c, err := clientFor()
	if err != nil {
		return nil, &Error{URL: url, Msg: err.Error(), Err: err}
	}
	o := &Object{ctx: ctx, url: url, c: c, bucket: bucket, key: key, cache: map[int64]*cached{}}
	opts := minio.GetObjectOptions{}
	_ = opts.SetRange(0, -tailSize)
	body, info, hdr, err := c.core.GetObject(ctx, bucket, key, opts)
	if err != nil {
		if r := minio.ToErrorResponse(err); r.Code == "InvalidRange" || r.StatusCode == http.StatusRequestedRangeNotSatisfiable {
			return o, nil // an empty object has no last byte
		}
		return nil, wrap(url, c.endpoint, err)
	}
	defer body.Close()
	o.size, o.etag = info.Size, info.ETag
	ranged := false
	if cr := hdr.Get("Content-Range"); cr != "" {
		// "bytes 1234-5677/5678"
		if i := strings.LastIndexByte(cr, '/'); i >= 0 {
			if s, err := strconv.ParseInt(cr[i+1:], 10, 64); err == nil {
				o.size, ranged = s, true
			}
		}
	}
	if !ranged && o.size > tailSize {
		// A server that ignored the range sends the whole object: its
		// first bytes are not the tail.
		return o, nil
	}
	n := min(o.size, tailSize)
	tail := make([]byte, n)
	if _, err := io.ReadFull(body, tail); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return nil, &Error{URL: url, Msg: fmt.Sprintf("short read of the last %d bytes", n), Err: err}
		}
		return nil, wrap(url, c.endpoint, err)
	}
	o.tail = tail
	return o, nil
}

// URL returns the object's URL.
func (o *Object) URL() string { return o.url }

// Size returns the object's size in bytes.
func (o *Object) Size() int64 { return o.size }

// Read reads the object from the start, streaming it through one GET.
func (o *Object) Read(p []byte) (int, error) {
	if o.pos >= o.size {
		return 0, io.EOF
	}
	if o.body == nil {
		opts := minio.GetObjectOptions{}
		if o.pos > 0 {
			_ = opts.SetRange(o.pos, 0)
		}
		o.match(&opts)
		body, _, _, err := o.c.core.GetObject(o.ctx, o.bucket, o.key, opts)
		if err != nil {
			return 0, wrap(o.url, o.c.endpoint, err)
		}
		o.body = body
	}
	n, err := o.body.Read(p)
	o.pos += int64(n)
	if err == io.EOF && o.pos < o.size {
		err = &Error{URL: o.url, Msg: fmt.Sprintf("the stream ended at byte %d of %d", o.pos, o.size)}
	} else if err != nil && err != io.EOF {
		err = wrap(o.url, o.c.endpoint, err)
	}
	return n, err
}

// match makes a read fail if the object was replaced since Open.
func (o *Object) match(opts *minio.GetObjectOptions) {
	if o.etag != "" {
		_ = opts.SetMatchETag(o.etag)
	}
}

// ReadAt reads len(p) bytes at off from cached or fetched blocks.
// Consecutive blocks that are not cached are fetched in one ranged GET.
func (o *Object) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, &Error{URL: o.url, Msg: fmt.Sprintf("read at negative offset %d", off)}
	}
	if off >= o.size {
		return 0, io.EOF
	}
	end := min(off+int64(len(p)), o.size)
	if t := o.size - int64(len(o.tail)); off >= t && len(o.tail) > 0 {
		n := copy(p, o.tail[off-t:])
		if n < len(p) {
			return n, io.EOF
		}
		return n, nil
	}
	first, last := off/BlockSize, (end-1)/BlockSize
	blocks := make([][]byte, last-first+1)
	o.mu.Lock()
	for b := first; b <= last; b++ {
		if c := o.cache[b]; c != nil {
			o.tick++
			c.used = o.tick
			blocks[b-first] = c.data
		}
	}
	o.mu.Unlock()
	for b := first; b <= last; {
		if blocks[b-first] != nil {
			b++
			continue
		}
		run := b
		for run+1 <= last && blocks[run+1-first] == nil {
			run++
		}
		data, err := o.fetch(b*BlockSize, min((run+1)*BlockSize, o.size))
		if err != nil {
			return 0, err
		}
		for k := b; k <= run; k++ {
			lo := (k - b) * BlockSize
			blocks[k-first] = data[lo:min(lo+BlockSize, int64(len(data)))]
		}
		o.keep(b, blocks[b-first:run+1-first])
		b = run + 1
	}
	n := 0
	for i, data := range blocks {
		start := int64(0)
		if i == 0 {
			start = off - first*BlockSize
		}
		n += copy(p[n:], data[start:])
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// fetch reads bytes [lo, hi) in one ranged GET.
func (o *Object) fetch(lo, hi int64) ([]byte, error) {
	opts := minio.GetObjectOptions{}
	_ = opts.SetRange(lo, hi-1)
	o.match(&opts)
	body, _, _, err := o.c.core.GetObject(o.ctx, o.bucket, o.key, opts)
	if err != nil {
		return nil, wrap(o.url, o.c.endpoint, err)
	}
	defer body.Close()
	data := make([]byte, hi-lo)
	if _, err := io.ReadFull(body, data); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return nil, &Error{URL: o.url, Msg: fmt.Sprintf("short read of bytes %d-%d", lo, hi-1), Err: err}
		}
		return nil, wrap(o.url, o.c.endpoint, err)
	}
	return data, nil
}

// keep caches blocks from index b on, dropping the least recently used
// beyond cacheBlocks.
func (o *Object) keep(b int64, blocks [][]byte) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.cache == nil { // closed
		return
	}
	for i, data := range blocks {
		o.tick++
		o.cache[b+int64(i)] = &cached{data: data, used: o.tick}
	}
	for len(o.cache) > cacheBlocks {
		var oldest int64 = -1
		for k, c := range o.cache {
			if oldest < 0 || c.used < o.cache[oldest].used {
				oldest = k
			}
		}
		delete(o.cache, oldest)
	}
}

// Close ends Read's stream and drops the cache.
func (o *Object) Close() error {
	o.mu.Lock()
	o.cache = nil
	o.mu.Unlock()
	if o.body != nil {
		err := o.body.Close()
		o.body = nil
		return err
	}
	return nil
}

// ReadFile reads a whole object: for small inputs (configs, profiles).
func ReadFile(ctx context.Context, url string) ([]byte, error) {
	o, err := Open(ctx, url)
	if err != nil {
		return nil, err
	}
	defer o.Close()
	b := make([]byte, 0, o.size)
	for {
		n, err := o.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return nil, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}
