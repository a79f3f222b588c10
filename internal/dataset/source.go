package dataset

import (
	"context"
	"io"
	"os"

	"gitlab.com/mlgate/mlgate/internal/dataset/blob"
)

// source is an opened input: a local file, or an object in object
// storage (an s3:// URL, see package blob). Read streams it from the
// start; ReadAt reads anywhere (a local file by pread, an object by
// ranged GETs).
type source struct {
	io.Reader
	io.ReaderAt
	io.Closer
	size int64
	// fh is the local file (nil for an object): only a local file is
	// mapped.
	fh *os.File
}

// openSource opens path, a local file or an s3:// URL of one object.
func openSource(ctx context.Context, path string) (*source, error) {
	if blob.IsURL(path) {
		o, err := blob.Open(ctx, path)
		if err != nil {
			return nil, err
		}
		return &source{Reader: o, ReaderAt: o, Closer: o, size: o.Size()}, nil
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, err
	}
	return &source{Reader: fh, ReaderAt: fh, Closer: fh, size: st.Size(), fh: fh}, nil
}

// IsRemote reports whether path is an object storage URL (s3://) rather
// than a local file.
func IsRemote(path string) bool { return blob.IsURL(path) }

// OpenFile opens a local file or an object for streaming: for inputs
// that are not tables (TREC runs, score files).
func OpenFile(path string) (io.ReadCloser, error) {
	if blob.IsURL(path) {
		return blob.Open(context.Background(), path)
	}
	return os.Open(path)
}

// ReadFile reads a whole local file or object: for small inputs such as
// stored profiles.
func ReadFile(path string) ([]byte, error) {
	if blob.IsURL(path) {
		return blob.ReadFile(context.Background(), path)
	}
	return os.ReadFile(path)
}
