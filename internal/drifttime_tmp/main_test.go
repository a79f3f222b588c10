package drifttime

import (
	"context"
	"os"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/drift"
)

func TestTime(t *testing.T) {
	t0 := time.Now()
	r, err := drift.CompareFiles(context.Background(), os.Getenv("REF"), os.Getenv("CUR"), drift.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("total %v read %v stats %v", time.Since(t0), r.Timing.ReadSeconds, r.Timing.StatsSeconds)
}
