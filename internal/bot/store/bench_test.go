package store

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot"
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
			a := alert(fmt.Sprint(n.Add(1)), bot.StatusFiring, t0)
			if _, err := s.SaveAlerts(context.Background(), []bot.Alert{a}, onePlan); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkSaveAlertsWithWorker is the intake of the jobs bench without
// HTTP: 32 writers save one alert each (queueing a job and an audit
// entry) while four workers claim jobs two at a time and finish each with
// a pipeline and an audit entry, all through the one SQLite writer.
func BenchmarkSaveAlertsWithWorker(b *testing.B) {
	ctx := context.Background()
	s, err := OpenSQLite(ctx, filepath.Join(b.TempDir(), "x.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	stop := make(chan struct{})
	var done atomic.Int64
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				token := fmt.Sprint("w", w, done.Load())
				jobs, err := s.ClaimJobs(ctx, bot.Claim{Kinds: []string{bot.KindRetrain}, N: 2, Lease: time.Minute, Token: token, Now: t0})
				if err != nil {
					b.Error(err)
					return
				}
				if len(jobs) == 0 {
					time.Sleep(time.Millisecond)
					continue
				}
				for _, j := range jobs {
					id := done.Add(1)
					err := s.FinishJob(ctx, bot.Finish{ID: j.ID, Lease: token, State: bot.JobDone, Result: "http://gl/p/1", Now: t0,
						Pipeline: &bot.Pipeline{JobID: j.ID, AlertID: j.AlertID, Backend: "gitlab", Project: "g/p", ExternalID: id,
							Ref: "main", WebURL: "http://gl/p/1", Status: "created"},
						Audit: &bot.AuditEntry{At: t0, Actor: "worker", Action: "retrain", Subject: "rec", JobID: j.ID}})
					if err != nil {
						b.Error(err)
						return
					}
				}
			}
		}()
	}
	var n atomic.Int64
	b.SetParallelism(32 / runtime.GOMAXPROCS(0))
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			a := alert(fmt.Sprint(n.Add(1)), bot.StatusFiring, t0)
			if _, err := s.SaveAlerts(ctx, []bot.Alert{a}, onePlan); err != nil {
				b.Fatal(err)
			}
		}
	})
	elapsed := time.Since(start)
	close(stop)
	wg.Wait()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "alerts/s")
	b.ReportMetric(float64(done.Load())/float64(b.N), "jobs_done/alert")
}
