package evaluation

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// writeBenchSet writes a run of users x top predictions and a qrels file
// with 10 graded labels per user.
func writeBenchSet(b *testing.B, users, top int) (run, qrels string) {
	b.Helper()
	dir := b.TempDir()
	run, qrels = filepath.Join(dir, "b.run"), filepath.Join(dir, "b.qrels")
	rf, err := os.Create(run)
	if err != nil {
		b.Fatal(err)
	}
	qf, err := os.Create(qrels)
	if err != nil {
		b.Fatal(err)
	}
	rw, qw := bufio.NewWriter(rf), bufio.NewWriter(qf)
	rng := rand.New(rand.NewPCG(7, 8))
	for u := 0; u < users; u++ {
		for i := 0; i < top; i++ {
			fmt.Fprintf(rw, "u%d Q0 item%d %d %.6f gen\n", u, (u*7919+i*101)%100000, i+1, rng.Float64())
		}
		for i := 0; i < 10; i++ {
			// Half the labels on predicted items (every 13th rank), half not.
			it := (u*7919 + i*13*101) % 100000
			if i >= 5 {
				it = (u*7919 + 50 + i) % 100000
			}
			fmt.Fprintf(qw, "u%d 0 item%d %d\n", u, it, rng.IntN(4))
		}
	}
	if rw.Flush() != nil || qw.Flush() != nil || rf.Close() != nil || qf.Close() != nil {
		b.Fatal("write bench set")
	}
	return run, qrels
}

// BenchmarkComputeRanking times Compute on 20,000 users x top-100
// (2M prediction rows); bench/bench-metrics.sh runs the full-size
// comparison with trec_eval.
func BenchmarkComputeRanking(b *testing.B) {
	run, qrels := writeBenchSet(b, 20000, 100)
	b.ResetTimer()
	for b.Loop() {
		if _, err := Compute(context.Background(), Input{Predictions: run, Labels: qrels}); err != nil {
			b.Fatal(err)
		}
	}
}
