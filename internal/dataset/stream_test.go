package dataset

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// streamAll streams path and gathers what Load would keep.
func streamAll(t *testing.T, path string, workers int) (*Table, error) {
	t.Helper()
	cols, kinds, err := Kinds(path, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tab := &Table{File: path}
	for i, c := range cols {
		tab.Columns = append(tab.Columns, &Column{Name: c, Kind: kinds[i], Counts: map[string]int64{}})
	}
	var mu sync.Mutex
	rows, err := Stream(context.Background(), path, cols, kinds, workers, func(w int, b *Block) error {
		if w < 0 || w >= max(workers, 1) {
			return fmt.Errorf("worker %d of %d", w, workers)
		}
		mu.Lock()
		defer mu.Unlock()
		for i, c := range tab.Columns {
			c.Missing += b.Missing[i]
			c.Parts = append(c.Parts, slices.Clone(b.Values[i]))
			for k, n := range b.Counts[i] {
				c.Counts[k] += n
			}
		}
		return nil
	})
	tab.Rows = rows
	return tab, err
}

// TestStreamMatchesLoad: streaming a file gives the rows, values, counts
// and missing cells that Load gives, for CSV (several blocks, quoted
// records) and JSON Lines.
func TestStreamMatchesLoad(t *testing.T) {
	var csv, jsonl strings.Builder
	csv.WriteString("x,c,b\n")
	for i := 0; i < 300000; i++ {
		x := fmt.Sprint(float64(i%977) / 8)
		if i%13 == 0 {
			x = "NA"
		}
		c := fmt.Sprintf("k%d", i%5)
		if i%101 == 0 {
			c = "\"q,\"\"uoted\""
		}
		fmt.Fprintf(&csv, "%s,%s,%v\n", x, c, i%3 == 0)
		if i < 40000 {
			fmt.Fprintf(&jsonl, "{\"x\": %s, \"c\": \"k%d\"}\n", strings.Replace(x, "NA", "null", 1), i%5)
		}
	}
	for _, p := range []string{mustWrite(t, "s.csv", csv.String()), mustWrite(t, "s.jsonl", jsonl.String())} {
		want, err := Load(context.Background(), p, LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, workers := range []int{1, 3} {
			got, err := streamAll(t, p, workers)
			if err != nil {
				t.Fatal(err)
			}
			if got.Rows != want.Rows {
				t.Errorf("%s: %d rows streamed, %d loaded", p, got.Rows, want.Rows)
			}
			for i, w := range want.Columns {
				g := got.Columns[i]
				a, b := g.Flat(), w.Flat()
				slices.Sort(a)
				slices.Sort(b)
				if g.Missing != w.Missing || !slices.Equal(a, b) || (w.Counts != nil && !maps.Equal(g.Counts, w.Counts)) {
					t.Errorf("%s workers=%d column %s: streamed missing %d, %d values, counts %v; loaded %d, %d, %v",
						p, workers, w.Name, g.Missing, len(a), g.Counts, w.Missing, len(b), w.Counts)
				}
			}
		}
	}
}

// TestStreamErrors: a bad cell is the same *RowError Load reports, and an
// error from the callback stops the stream and is returned.
func TestStreamErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString("x,c\n")
	for i := 0; i < 200000; i++ {
		fmt.Fprintf(&b, "%d,k\n", i)
	}
	good := mustWrite(t, "good.csv", b.String())
	b.WriteString("oops,k\n")
	for i := 0; i < 1000; i++ {
		b.WriteString("1,k\n")
	}
	p := mustWrite(t, "bad.csv", b.String())
	_, want := Load(context.Background(), p, LoadOptions{Schema: map[string]Kind{"x": Numeric}})
	cols, kinds := []string{"x", "c"}, []Kind{Numeric, Categorical}
	_, got := Stream(context.Background(), p, cols, kinds, 2, func(int, *Block) error { return nil })
	var re *RowError
	if want == nil || got == nil || !errors.As(got, &re) || got.Error() != want.Error() || re.Row != 200001 || re.Column != "x" {
		t.Errorf("Stream error %v, Load error %v; want row 200001, column x", got, want)
	}
	stop := errors.New("stop")
	if _, err := Stream(context.Background(), good, cols, kinds, 2, func(int, *Block) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("callback error: got %v", err)
	}
}

// TestStreamInOrder: whatever the block size, the workers and the source
// (mapped file, stream, gzip), Block.InOrder sees the blocks' values in
// the file's order; with a bad cell or a failing callback Stream returns
// the error instead of leaving workers waiting for a turn.
func TestStreamInOrder(t *testing.T) {
	var b strings.Builder
	b.WriteString("x,c\n")
	var want []float64
	for i := 0; i < 30000; i++ {
		switch {
		case i%17 == 0:
			b.WriteString("NA,k\n")
		case i%101 == 0:
			fmt.Fprintf(&b, "%d,\"q,\"\"uoted\n\"\n", i)
			want = append(want, float64(i))
		default:
			fmt.Fprintf(&b, "%d,k%d\n", i, i%7)
			want = append(want, float64(i))
		}
	}
	plain := mustWrite(t, "o.csv", b.String())
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(b.String()))
	zw.Close()
	gzipped := mustWrite(t, "o.csv.gz", gz.String())
	cols, kinds := []string{"x", "c"}, []Kind{Numeric, Categorical}
	stream := func(path string, o csvOptions, fn func(int, *Block) error) (int64, error) {
		t.Helper()
		type result struct {
			n   int64
			err error
		}
		done := make(chan result, 1)
		go func() {
			n, err := streamCSV(context.Background(), path, cols, kinds, o, fn)
			done <- result{n, err}
		}()
		select {
		case r := <-done:
			return r.n, r.err
		case <-time.After(time.Minute):
			t.Fatalf("%s %+v: Stream did not return", path, o)
			return 0, nil
		}
	}
	for _, c := range []struct {
		path string
		o    csvOptions
	}{
		{plain, csvOptions{workers: 1, block: blockSize}},
		{plain, csvOptions{workers: 3, block: 4096}},
		{plain, csvOptions{workers: 4, block: 1000, noMap: true}},
		{plain, csvOptions{workers: 2, block: 61, noMap: true}},
		{gzipped, csvOptions{workers: 3, block: 5000}},
	} {
		var got []float64
		var calls, inside atomic.Int64
		rows, err := stream(c.path, c.o, func(w int, b *Block) error {
			if calls.Add(1)%8 == 0 && w == 0 {
				time.Sleep(50 * time.Microsecond) // worker 0 lags: later blocks wait for it
			}
			b.InOrder(func() {
				inside.Add(1)
				got = append(got, b.Values[0]...)
			})
			return nil
		})
		if err != nil || rows != 30000 || !slices.Equal(got, want) || inside.Load() != calls.Load() {
			t.Errorf("%s %+v: %d rows, %v; InOrder saw %d values (in the file's order: %v), want %d; %d InOrder of %d calls", c.path, c.o, rows, err,
				len(got), slices.Equal(got, want), len(want), inside.Load(), calls.Load())
		}
	}
	stop := errors.New("stop")
	var n atomic.Int64
	if _, err := stream(plain, csvOptions{workers: 3, block: 500}, func(w int, b *Block) error {
		if n.Add(1) == 20 {
			return stop
		}
		b.InOrder(func() {})
		return nil
	}); !errors.Is(err, stop) {
		t.Errorf("callback error: got %v", err)
	}
	bad := mustWrite(t, "bad.csv", strings.Replace(b.String(), "\n15001,", "\noops,", 1))
	_, err := stream(bad, csvOptions{workers: 3, block: 500, noMap: true}, func(w int, b *Block) error {
		b.InOrder(func() {})
		return nil
	})
	var re *RowError
	if !errors.As(err, &re) || re.Column != "x" || !strings.Contains(err.Error(), "oops") {
		t.Errorf("bad cell: got %v", err)
	}
}
