package drift

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/dataset"
	"gitlab.com/mlgate/mlgate/internal/stats"
)

// ProfileFile profiles one file (see ProfileFiles).
func ProfileFile(ctx context.Context, path string, bins, sketch int, budget int64) (*Profile, error) {
	return ProfileFiles(ctx, []string{path}, bins, sketch, budget)
}

// ProfileFiles profiles files as one dataset: every file must have the
// first one's columns, in its order, and is read with the kinds inferred
// from the first. The edges are the exact deciles of all their rows
// together, as if the files were one.
//
// When the numeric values fit comfortably in budget bytes (8 a value,
// judged from the files' sizes and first lines; budget ≤ 0 means no
// limit) it reads the files once into memory and computes exact edges and
// counts from the sorted values. Otherwise (and always for compressed or
// Parquet files, whose size says little, when budget > 0) it streams them
// twice (see profileStream): memory then grows with the number of
// features, not rows.
func ProfileFiles(ctx context.Context, paths []string, bins, sketch int, budget int64) (*Profile, error) {
	if len(paths) == 0 {
		return nil, errors.New("no data files to profile")
	}
	if bins < 1 {
		bins = stats.DefaultBins
	}
	if sketch < 1 {
		sketch = stats.DefaultSketch
	}
	cols, kinds, err := dataset.Kinds(paths[0], dataset.LoadOptions{})
	if err != nil {
		return nil, err
	}
	numeric := 0
	schema := make(map[string]dataset.Kind, len(cols))
	for i, c := range cols {
		schema[c] = kinds[i]
		if kinds[i] == dataset.Numeric || kinds[i] == dataset.Timestamp {
			numeric++
		}
	}
	var est int64
	for i, path := range paths {
		if i > 0 {
			if err := sameFileColumns(paths[0], cols, path); err != nil {
				return nil, err
			}
		}
		e := estimateRows(path)
		if e <= 0 || est < 0 {
			est = -1
			continue
		}
		est += e
	}
	if budget <= 0 || numeric == 0 || (est > 0 && est*8*int64(numeric) <= budget/2) {
		var t *dataset.Table
		for _, path := range paths {
			part, err := dataset.Load(ctx, path, dataset.LoadOptions{Schema: schema})
			if err != nil {
				return nil, err
			}
			t = appendTable(t, part)
		}
		t.File = strings.Join(paths, " + ")
		return BuildProfile(t, bins, sketch), nil
	}
	return profileStream(ctx, paths, cols, kinds, bins, sketch, runtime.GOMAXPROCS(0))
}

// sameFileColumns checks that path has the columns of first, in that order.
func sameFileColumns(first string, cols []string, path string) error {
	got, _, err := dataset.Kinds(path, dataset.LoadOptions{})
	if err != nil {
		return err
	}
	if !slices.Equal(got, cols) {
		return &dataset.RowError{File: path, Msg: fmt.Sprintf("columns (%s), but %s has (%s): every file of a dataset needs the same columns in the same order",
			strings.Join(got, ", "), first, strings.Join(cols, ", "))}
	}
	return nil
}

// appendTable adds the rows of b to a (nil: b itself); both have the same
// columns in the same order.
func appendTable(a, b *dataset.Table) *dataset.Table {
	if a == nil {
		return b
	}
	a.Rows += b.Rows
	for i, c := range a.Columns {
		d := b.Columns[i]
		c.Parts = append(c.Parts, d.Parts...)
		c.Missing += d.Missing
		if d.Counts != nil {
			if c.Counts == nil {
				c.Counts = map[string]int64{}
			}
			for k, n := range d.Counts {
				c.Counts[k] += n
			}
		}
	}
	return a
}

// estimateRows guesses a plain CSV or JSON Lines file's (or object's)
// row count from its size and the length of its first lines; 0 when it
// cannot (compressed, unreadable).
func estimateRows(path string) int64 {
	if f, err := dataset.FormatOf(path); err != nil || f == dataset.Parquet || strings.HasSuffix(strings.ToLower(path), ".gz") {
		return 0
	}
	f, err := dataset.OpenFile(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	var size int64
	switch v := f.(type) {
	case *os.File:
		st, err := v.Stat()
		if err != nil {
			return 0
		}
		size = st.Size()
	case interface{ Size() int64 }: // an object
		size = v.Size()
	}
	ra, ok := f.(io.ReaderAt)
	if !ok || size <= 0 {
		return 0
	}
	// The first MiB by one positioned read: an object's first block,
	// not the start of a stream of all of it.
	buf := make([]byte, min(1<<20, size))
	n, _ := ra.ReadAt(buf, 0)
	lines := bytes.Count(buf[:n], []byte{'\n'})
	if lines == 0 {
		return 0
	}
	return size * int64(lines) / int64(n)
}
