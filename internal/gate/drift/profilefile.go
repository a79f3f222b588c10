package drift

import (
	"bytes"
	"context"
	"io"
	"os"
	"runtime"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/dataset"
	"gitlab.com/mlgate/mlgate/internal/stats"
)

// ProfileFile profiles a file. When its numeric values fit comfortably
// in budget bytes (8 a value, judged from the file's size and first
// lines; budget ≤ 0 means no limit) it reads the file once into memory
// and computes exact edges and counts from the sorted values. Otherwise
// (and always for compressed files, whose size says little, when budget
// > 0) it streams the file twice (see profileStream): memory then grows
// with the number of features, not rows.
func ProfileFile(ctx context.Context, path string, bins, sketch int, budget int64) (*Profile, error) {
	if bins < 1 {
		bins = stats.DefaultBins
	}
	if sketch < 1 {
		sketch = stats.DefaultSketch
	}
	cols, kinds, err := dataset.Kinds(path, dataset.LoadOptions{})
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
	if est := estimateRows(path); budget <= 0 || numeric == 0 || (est > 0 && est*8*int64(numeric) <= budget/2) {
		t, err := dataset.Load(ctx, path, dataset.LoadOptions{Schema: schema})
		if err != nil {
			return nil, err
		}
		return BuildProfile(t, bins, sketch), nil
	}
	return profileStream(ctx, path, cols, kinds, bins, sketch, runtime.GOMAXPROCS(0))
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
