package drift

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	"gitlab.com/mlgate/mlgate/internal/dataset"
)

// mustPandasCSV writes n rows as pandas' to_csv writes floats (shortest
// round-trip form, so sums keep every bit): a normal, a lognormal, ties,
// a column half of zeros of either sign, and a categorical, with missing
// cells.
func mustPandasCSV(tb testing.TB, path string, n int, seed uint64) []byte {
	tb.Helper()
	rng := rand.New(rand.NewPCG(seed, 9))
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	b := []byte("a,b,ties,zeros,c\n")
	for i := 0; i < n; i++ {
		z := max(0, rng.NormFloat64())
		if rng.IntN(2) == 0 {
			z = -z
		}
		cells := []string{f(rng.NormFloat64() * 1e3), f(math.Exp(3 * rng.NormFloat64())), f(float64(rng.IntN(30))), f(z), "k" + strconv.Itoa(rng.IntN(9))}
		if rng.IntN(50) == 0 {
			cells[rng.IntN(len(cells))] = ""
		}
		for j, c := range cells {
			if j > 0 {
				b = append(b, ',')
			}
			b = append(b, c...)
		}
		b = append(b, '\n')
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		tb.Fatal(err)
	}
	return b
}

// TestProfileStreamDeterministic: a streamed profile is the same bytes
// whatever the number of workers, from run to run, and whether the file
// is mapped or read as a stream (a gzipped copy, cut into other blocks).
// The file spans several 4 MiB blocks and the sketch is small, so that
// the chunks, their merges and the sums depend on the order they are put
// together in.
func TestProfileStreamDeterministic(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "ref.csv")
	body := mustPandasCSV(t, plain, 180000, 5)
	if len(body) < 9<<20 {
		t.Fatalf("the file has %d bytes, want more than two 4 MiB blocks", len(body))
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestSpeed)
	zw.Write(body)
	zw.Close()
	gzipped := filepath.Join(dir, "ref.csv.gz")
	if err := os.WriteFile(gzipped, gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	cols, kinds, err := dataset.Kinds(plain, dataset.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	encode := func(p *Profile) []byte {
		t.Helper()
		p.Source = ""
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var want []byte
	for _, run := range []struct {
		path    string
		workers int
	}{{plain, 1}, {plain, 3}, {plain, 2}, {plain, 3}, {gzipped, 3}} {
		p, err := profileStream(context.Background(), []string{run.path}, cols, kinds, 10, 64, run.workers)
		if err != nil {
			t.Fatal(err)
		}
		got := encode(p)
		if want == nil {
			want = got
			if p.Rows != 180000 || p.Features[0].Sketch.RankError() == 0 {
				t.Fatalf("%d rows, rank error %d: want 180000 rows and a compressed sketch", p.Rows, p.Features[0].Sketch.RankError())
			}
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s, %d workers: the profile differs from that of %s with 1 worker:\n%s", filepath.Base(run.path), run.workers, filepath.Base(plain), firstDiff(got, want))
		}
	}
	// The command's path: ProfileFile streams when the budget is small,
	// with GOMAXPROCS workers.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	p, err := ProfileFile(context.Background(), plain, 10, 64, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := encode(p); !bytes.Equal(got, want) {
		t.Errorf("ProfileFile(%s): the profile differs:\n%s", filepath.Base(plain), firstDiff(got, want))
	}
}

// firstDiff shows where two encodings part.
func firstDiff(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-80)
	return "got  …" + string(a[from:min(len(a), i+40)]) + "\nwant …" + string(b[from:min(len(b), i+40)])
}
