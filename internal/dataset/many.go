package dataset

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/dataset/blob"
)

// A dataset of many objects (an s3:// URL with a wildcard, or a prefix
// ending in "/") is read as one table: its objects in key order, each
// read as a file of its own (its format by its own extension), with the
// same columns as the first. Errors name the object.

// expandMany lists the objects pattern names.
func expandMany(ctx context.Context, pattern string) ([]string, error) {
	return blob.Expand(ctx, pattern)
}

// sameColumns checks that url's columns are cols, those of first.
func sameColumns(url string, got []string, first string, cols []string) error {
	if slices.Equal(got, cols) {
		return nil
	}
	return &RowError{File: url, Msg: fmt.Sprintf("columns %s differ from those of %s (%s): the objects of one dataset must have the same columns",
		strings.Join(got, ", "), first, strings.Join(cols, ", "))}
}

// columnsOf reads the columns of one object.
func columnsOf(url string) ([]string, error) {
	r, err := Open(url)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return slices.Clone(r.Columns()), nil
}

// manyReader reads the objects one after another.
type manyReader struct {
	urls []string
	i    int
	cur  Reader
	cols []string
}

func openMany(ctx context.Context, pattern string) (Reader, error) {
	urls, err := expandMany(ctx, pattern)
	if err != nil {
		return nil, err
	}
	r, err := Open(urls[0])
	if err != nil {
		return nil, err
	}
	return &manyReader{urls: urls, cur: r, cols: slices.Clone(r.Columns())}, nil
}

func (m *manyReader) Columns() []string { return m.cols }
func (m *manyReader) Row() int          { return m.cur.Row() }

func (m *manyReader) Next() ([]string, error) {
	for {
		row, err := m.cur.Next()
		if err != io.EOF {
			return row, err
		}
		if m.i+1 == len(m.urls) {
			return nil, io.EOF
		}
		if err := m.cur.Close(); err != nil {
			return nil, err
		}
		m.i++
		r, err := Open(m.urls[m.i])
		if err != nil {
			m.cur = eofReader{}
			return nil, err
		}
		m.cur = r
		if err := sameColumns(m.urls[m.i], r.Columns(), m.urls[0], m.cols); err != nil {
			return nil, err
		}
	}
}

func (m *manyReader) Close() error { return m.cur.Close() }

// eofReader stands in for an object that could not be opened.
type eofReader struct{}

func (eofReader) Columns() []string       { return nil }
func (eofReader) Next() ([]string, error) { return nil, io.EOF }
func (eofReader) Row() int                { return 0 }
func (eofReader) Close() error            { return nil }

// loadMany is Load for a dataset of many objects: each object is loaded
// as a file with the dataset's kinds and the columns are joined. Bad rows
// are allowed up to opt.MaxBadRows over the whole dataset.
func loadMany(ctx context.Context, pattern string, t *Table, cols []string, kinds []Kind, opt LoadOptions) ([]*accumulator, error) {
	urls, err := expandMany(ctx, pattern)
	if err != nil {
		return nil, err
	}
	var accs []*accumulator
	for _, u := range urls {
		got, err := columnsOf(u)
		if err != nil {
			return nil, err
		}
		if err := sameColumns(u, got, urls[0], cols); err != nil {
			return nil, err
		}
		o := opt
		if opt.MaxBadRows > 0 {
			o.MaxBadRows = max(opt.MaxBadRows-t.BadRows, 0)
		}
		a, rows, bad, first, err := loadOne(ctx, u, cols, kinds, o)
		if err != nil {
			return nil, err
		}
		accs = append(accs, a...)
		t.Rows += rows
		t.BadRows += bad
		if t.FirstBadRow == nil {
			t.FirstBadRow = first
		}
	}
	return accs, nil
}

// streamMany is Stream for a dataset of many objects, one after another.
func streamMany(ctx context.Context, pattern string, cols []string, kinds []Kind, workers int, fn func(worker int, b *Block) error) (int64, error) {
	urls, err := expandMany(ctx, pattern)
	if err != nil {
		return 0, err
	}
	var rows int64
	for _, u := range urls {
		got, err := columnsOf(u)
		if err != nil {
			return 0, err
		}
		if err := sameColumns(u, got, urls[0], cols); err != nil {
			return 0, err
		}
		n, err := Stream(ctx, u, cols, kinds, workers, fn)
		if err != nil {
			return 0, err
		}
		rows += n
	}
	return rows, nil
}
