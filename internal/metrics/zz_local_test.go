package metrics

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"testing"
	"time"
)

func TestZZLocal(t *testing.T) {
	r, q := os.Getenv("ZZ_RUN"), os.Getenv("ZZ_QRELS")
	if r == "" {
		t.Skip()
	}
	t0 := time.Now()
	res, err := Compute(context.Background(), Input{Predictions: r, Labels: q})
	if err != nil {
		t.Fatal(err)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Println(time.Since(t0), "sys MB", ms.Sys>>20, res.Values["precision@5"], res.Values["ndcg@10"], res.Values["mrr"], res.Counts)
}
