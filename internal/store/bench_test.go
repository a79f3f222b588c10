package store

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"

	"gitlab.com/mlgate/mlgate/internal/mlbot"
)

func BenchmarkSaveAlertsParallel(b *testing.B) {
	s, err := OpenSQLite(context.Background(), filepath.Join(b.TempDir(), "x.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var n atomic.Int64
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			a := alert(fmt.Sprint(n.Add(1)), mlbot.StatusFiring, t0)
			if _, err := s.SaveAlerts(context.Background(), []mlbot.Alert{a}, onePlan); err != nil {
				b.Fatal(err)
			}
		}
	})
}
