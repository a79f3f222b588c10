package store

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot"
	"gitlab.com/mlgate/mlgate/internal/forge"
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
	cpu := cpuTime()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			a := alert(fmt.Sprint(n.Add(1)), bot.StatusFiring, t0)
			if _, err := s.SaveAlerts(context.Background(), []bot.Alert{a}, onePlan); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/float64(b.N), "cpu-us/alert")
}

// cpuTime returns the CPU time (user and system) the process used so far.
// On a shared machine the wall time per alert measures the neighbours as
// much as the store; the CPU time per alert does not, and on a quiet
// machine intake is bound by it.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkSaveAlertsWithWorker is the intake of the jobs bench without
// HTTP: 32 writers save one alert each (queueing a job and an audit
// entry) while mlbot's worker (four slots, the default) runs the jobs
// through a retrainer that answers after a millisecond, as a GitLab on
// the network would, and records each with a pipeline and an audit
// entry, all through the one SQLite writer. cpu-us/alert is the process's
// CPU time per alert, intake and worker together.
func BenchmarkSaveAlertsWithWorker(b *testing.B) {
	ctx := context.Background()
	s, err := OpenSQLite(ctx, filepath.Join(b.TempDir(), "x.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var done, pipeline atomic.Int64
	w := &bot.Worker{Store: s, Config: bot.WorkerConfig{Concurrency: 4, PollInterval: time.Second, Lease: time.Minute,
		MaxAttempts: 3, BackoffMin: time.Second, BackoffMax: time.Second, ActionTimeout: 10 * time.Second},
		Retrainers: map[string]bot.Retrainer{"gitlab": bot.RetrainerFunc(func(context.Context, forge.RetrainTask) (forge.Run, error) {
			time.Sleep(time.Millisecond)
			id := pipeline.Add(1)
			done.Add(1)
			return forge.Run{Backend: "gitlab", Project: "g/p", ExternalID: id, WebURL: fmt.Sprint("http://gl/p/", id), Status: "created"}, nil
		})}}
	wctx, stop := context.WithCancel(ctx)
	stopped := make(chan struct{})
	go func() { w.Run(wctx); close(stopped) }()
	var n atomic.Int64
	b.SetParallelism(32 / runtime.GOMAXPROCS(0))
	b.ResetTimer()
	start, cpu := time.Now(), cpuTime()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			a := alert(fmt.Sprint(n.Add(1)), bot.StatusFiring, t0)
			if _, err := s.SaveAlerts(ctx, []bot.Alert{a}, onePlan); err != nil {
				b.Fatal(err)
			}
			w.Wake()
		}
	})
	elapsed := time.Since(start)
	cpuUsed := cpuTime() - cpu
	jobs := done.Load()
	b.StopTimer()
	stop()
	<-stopped
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "alerts/s")
	b.ReportMetric(float64(cpuUsed.Microseconds())/float64(b.N), "cpu-us/alert")
	b.ReportMetric(float64(jobs)/float64(b.N), "jobs_done/alert")
}
