package drift

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/dataset"
)

// ProfileFile profiles a file whose numeric columns may not fit in memory
// together: the first pass reads the categorical columns and one numeric
// column (and so learns the row count), the next passes read numeric
// columns in batches of budget / (8 · rows) columns. Peak memory is then
// about budget plus two sort buffers of 16 bytes a row per worker, at the
// price of one pass over the file per batch. budget ≤ 0 reads all
// columns in one pass.
func ProfileFile(ctx context.Context, path string, bins, sketch int, budget int64) (*Profile, error) {
	cols, kinds, err := dataset.Kinds(path, dataset.LoadOptions{})
	if err != nil {
		return nil, err
	}
	schema := make(map[string]dataset.Kind, len(cols))
	var numeric, other []string
	for i, c := range cols {
		schema[c] = kinds[i]
		if kinds[i] == dataset.Numeric || kinds[i] == dataset.Timestamp {
			numeric = append(numeric, c)
		} else {
			other = append(other, c)
		}
	}
	load := func(only []string) (*Profile, error) {
		t, err := dataset.Load(ctx, path, dataset.LoadOptions{Schema: schema, Only: only})
		if err != nil {
			return nil, err
		}
		return BuildProfile(t, bins, sketch), nil
	}
	if budget <= 0 || len(numeric) <= 1 {
		return load(nil)
	}
	if est := estimateRows(path); est > 0 && est*8*int64(len(numeric)) <= budget/2 {
		return load(nil) // comfortably fits: one pass
	}
	first := append(append([]string(nil), other...), numeric[0])
	p, err := load(first)
	if err != nil {
		return nil, err
	}
	byName := map[string]FeatureProfile{}
	for _, f := range p.Features {
		byName[f.Name] = f
	}
	batch := int(budget / (8 * max(p.Rows, 1)))
	batch = max(batch, 1)
	for rest := numeric[1:]; len(rest) > 0; {
		n := min(batch, len(rest))
		q, err := load(rest[:n])
		if err != nil {
			return nil, err
		}
		for _, f := range q.Features {
			byName[f.Name] = f
		}
		rest = rest[n:]
	}
	p.Features = p.Features[:0]
	for _, c := range cols {
		p.Features = append(p.Features, byName[c])
	}
	return p, nil
}

// estimateRows guesses a plain CSV or JSON Lines file's row count from its size and the
// length of its first lines; 0 when it cannot (compressed, unreadable).
func estimateRows(path string) int64 {
	if f, err := dataset.FormatOf(path); err != nil || f == dataset.Parquet || strings.HasSuffix(strings.ToLower(path), ".gz") {
		return 0
	}
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0
	}
	buf := make([]byte, 1<<20)
	n, _ := io.ReadFull(f, buf)
	lines := bytes.Count(buf[:n], []byte{'\n'})
	if lines == 0 {
		return 0
	}
	return st.Size() * int64(lines) / int64(n)
}
