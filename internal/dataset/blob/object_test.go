package blob_test

import (
	"bytes"
	"io"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"gitlab.com/mlgate/mlgate/internal/dataset/blob"
	"gitlab.com/mlgate/mlgate/internal/dataset/blob/s3test"
	"gitlab.com/mlgate/mlgate/internal/testenv"
)

// bigObject starts versitygw with the environment pointing at it and
// uploads size random bytes (from seed) as s3://blobs/big.bin.
func bigObject(t *testing.T, seed uint64, size int) (*s3test.Server, []byte) {
	t.Helper()
	s := s3test.Start(t)
	s.Env(t)
	s.Bucket(t, "blobs")
	rng := rand.New(rand.NewPCG(seed, 2))
	data := make([]byte, size)
	for i := range data {
		data[i] = byte(rng.IntN(256))
	}
	s.Put(t, "blobs", "big.bin", data)
	return s, data
}

// TestObject reads objects from a real S3 server: sizes from Open's
// ranged GET of the last bytes (an empty object, one smaller than that
// range too), the last bytes read across the kept tail and the blocks, ReadAt at random offsets and lengths
// across block boundaries from several goroutines, Read streamed to the
// end, and ReadFile; all against the bytes uploaded.
func TestObject(t *testing.T) {
	testenv.Slow(t, "starts versitygw")
	s, data := bigObject(t, 1, 3*blob.BlockSize+12345)
	s.Put(t, "blobs", "empty.csv", nil)
	s.Put(t, "blobs", "one.csv", []byte("x"))
	small := data[:100<<10]
	s.Put(t, "blobs", "small.bin", small)
	ctx := t.Context()

	for key, want := range map[string][]byte{"big.bin": data, "empty.csv": {}, "one.csv": []byte("x"), "small.bin": small} {
		o, err := blob.Open(ctx, "s3://blobs/"+key)
		if err != nil {
			t.Fatal(err)
		}
		if o.Size() != int64(len(want)) {
			t.Errorf("%s: size %d, want %d", key, o.Size(), len(want))
		}
		for _, n := range []int{1, 8, 64 << 10, 64<<10 + 1, 200 << 10} {
			if n = min(n, len(want)); n == 0 {
				continue
			}
			p := make([]byte, n)
			off := int64(len(want) - n)
			if k, err := o.ReadAt(p, off); k != n || err != nil || !bytes.Equal(p, want[off:]) {
				t.Errorf("%s: ReadAt of the last %d bytes: %d bytes, %v; not the object's", key, n, k, err)
			}
		}
		got, err := io.ReadAll(o)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: Read gave %d bytes (%v), want %d", key, len(got), err, len(want))
		}
		o.Close()
		b, err := blob.ReadFile(ctx, "s3://blobs/"+key)
		if err != nil || !bytes.Equal(b, want) {
			t.Errorf("%s: ReadFile gave %d bytes (%v), want %d", key, len(b), err, len(want))
		}
	}

	o, err := blob.Open(ctx, "s3://blobs/big.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(seed uint64) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(seed, 9))
			for i := 0; i < 40; i++ {
				off := r.Int64N(int64(len(data)))
				n := r.IntN(3 * blob.BlockSize)
				p := make([]byte, n)
				k, err := o.ReadAt(p, off)
				end := min(off+int64(n), int64(len(data)))
				if k != int(end-off) || !bytes.Equal(p[:k], data[off:end]) {
					t.Errorf("ReadAt(%d bytes, %d): %d bytes, %v; not the object's", n, off, k, err)
					return
				}
				if (err == io.EOF) != (end-off < int64(n)) {
					t.Errorf("ReadAt(%d bytes, %d): err %v", n, off, err)
				}
			}
		}(uint64(g))
	}
	wg.Wait()
	if _, err := o.ReadAt(make([]byte, 1), int64(len(data))); err != io.EOF {
		t.Errorf("ReadAt at the end: %v, want EOF", err)
	}
}

// TestExpand lists objects by prefix and by pattern: key order, a
// pattern's * not crossing "/", the prefix form leaving out _SUCCESS,
// hidden objects and directory markers, and no match being an error.
func TestExpand(t *testing.T) {
	testenv.Slow(t, "starts versitygw")
	s := s3test.Start(t)
	s.Env(t)
	s.Bucket(t, "lake")
	for _, k := range []string{"t/day=2026-12-01/part-0.parquet", "t/day=2026-12-01/part-1.parquet", "t/day=2026-12-02/part-0.parquet",
		"t/day=2026-12-10/part-0.parquet", "t/day=2026-12-01/_SUCCESS", "t/.hidden", "t/day=2026-12-01/sub/part-9.parquet", "u/x.csv"} {
		s.Put(t, "lake", k, []byte("x"))
	}
	s.Put(t, "lake", "t/marker/", nil)
	cases := []struct {
		pattern string
		want    []string
		err     string
	}{
		{"s3://lake/t/day=2026-12-0*/part-*.parquet", []string{"t/day=2026-12-01/part-0.parquet", "t/day=2026-12-01/part-1.parquet", "t/day=2026-12-02/part-0.parquet"}, ""},
		{"s3://lake/t/", []string{"t/day=2026-12-01/part-0.parquet", "t/day=2026-12-01/part-1.parquet", "t/day=2026-12-01/sub/part-9.parquet",
			"t/day=2026-12-02/part-0.parquet", "t/day=2026-12-10/part-0.parquet"}, ""},
		{"s3://lake/t/day=2026-12-1?/part-[0-3].parquet", []string{"t/day=2026-12-10/part-0.parquet"}, ""},
		{"s3://lake/u/x.csv", []string{"u/x.csv"}, ""},
		{"s3://lake/v/*.csv", nil, "s3://lake/v/*.csv: matches no object"},
		{"s3://lake/t/[", nil, "s3://lake/t/[: bad pattern: syntax error in pattern"},
	}
	for _, c := range cases {
		got, err := blob.Expand(t.Context(), c.pattern)
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("%s: error %v, want %q", c.pattern, err, c.err)
			}
			continue
		}
		var want []string
		for _, k := range c.want {
			want = append(want, "s3://lake/"+k)
		}
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("%s:\n got %v, %v\nwant %v", c.pattern, got, err, want)
		}
	}
}

// TestAheadAndSpan reads ranges of an object through Ahead (front to
// back in reads of every size, a window smaller than the range, reads
// outside the range and behind what it let go answered through the
// object's blocks) and Span (many goroutines at random places at once),
// against the bytes uploaded; and a Close while another goroutine reads.
func TestAheadAndSpan(t *testing.T) {
	testenv.Slow(t, "starts versitygw")
	_, data := bigObject(t, 3, 5*blob.BlockSize+777)
	rng := rand.New(rand.NewPCG(3, 4))
	o, err := blob.Open(t.Context(), "s3://blobs/big.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	check := func(what string, r io.ReaderAt, off int64, n int) {
		t.Helper()
		p := make([]byte, n)
		k, err := r.ReadAt(p, off)
		end := min(off+int64(n), int64(len(data)))
		if k != int(end-off) || !bytes.Equal(p[:k], data[off:end]) || (err != nil && err != io.EOF) {
			t.Errorf("%s: ReadAt(%d bytes, %d) = %d, %v; not the object's bytes", what, n, off, k, err)
		}
	}

	lo, hi := int64(12345), int64(4*blob.BlockSize+99)
	a := o.Ahead(lo, hi, 300<<10)
	for off := lo; off < hi; {
		n := min(1+rng.IntN(700<<10), int(hi-off))
		check("ahead", a, off, n)
		off += int64(n)
	}
	check("ahead, before the range", a, 100, 5000)
	check("ahead, across its end", a, hi-10, 20)
	check("ahead, behind what it let go", a, lo, 1000)
	a.Close()
	check("ahead, closed", a, lo+5, 10)

	sp := o.Span(blob.BlockSize/2, int64(len(data))+100) // clamped to the object
	var wg sync.WaitGroup
	for g := 0; g < 6; g++ {
		wg.Add(1)
		go func(seed uint64) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(seed, 5))
			for i := 0; i < 30; i++ {
				off := blob.BlockSize/2 + r.Int64N(int64(len(data))-blob.BlockSize/2)
				p := make([]byte, r.IntN(blob.BlockSize))
				k, err := sp.ReadAt(p, off)
				end := min(off+int64(len(p)), int64(len(data)))
				if k != int(end-off) || !bytes.Equal(p[:k], data[off:end]) || (err != nil && err != io.EOF) {
					t.Errorf("span: ReadAt(%d bytes, %d) = %d, %v; not the object's bytes", len(p), off, k, err)
					return
				}
			}
		}(uint64(g))
	}
	wg.Wait()
	sp.Close()

	// A Close while a ReadAt waits for the stream: the read still
	// answers, through the object's blocks.
	for i := 0; i < 5; i++ {
		a := o.Ahead(0, int64(len(data)), 256<<10)
		done := make(chan struct{})
		go func() {
			defer close(done)
			check("ahead closed during the read", a, int64(len(data))-4096, 4096)
		}()
		a.Close()
		<-done
	}
}
