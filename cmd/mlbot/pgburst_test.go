package main

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot"
	"gitlab.com/mlgate/mlgate/internal/bot/store/pgtest"
	"gitlab.com/mlgate/mlgate/internal/testenv"
)

// TestKillDuringBurstPostgres is the hostile test on PostgreSQL,
// whose intake stores concurrent notifications in shared multi-row
// batches: mlbot is killed with SIGKILL in the middle of a burst of
// 2,500 distinct alerts from 16 senders, restarted, and the client
// re-sends every notification that was not answered 200 (as Alertmanager
// does). Every alert gets exactly one pipeline, and none that was
// acknowledged is lost.
func TestKillDuringBurstPostgres(t *testing.T) {
	testenv.Slow(t, "starts PostgreSQL and kills an mlbot process mid-burst")
	pg, err := pgtest.Start()
	if err != nil {
		t.Skip("PostgreSQL unavailable: " + err.Error())
	}
	defer pg.Stop()
	dsn := pg.NewDB(t)
	gl := newFakeGitLab(t)
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "postgres", dsn, gl.URL, "0s", "poll_interval: 50ms, concurrency: 8, lease: 5s, action_timeout: 4s, backoff_min: 100ms, backoff_max: 1s, max_attempts: 1000")
	logs := filepath.Join(dir, "mlbot.log")
	cmd, addr := startProcess(t, cfg, logs)

	const notifications, per = 500, 5 // 2,500 alerts
	body := func(i int) string {
		var fps []string
		for k := range per {
			fps = append(fps, fmt.Sprint(i*per+k))
		}
		return amMessage(fmt.Sprint("g", i%7), "firing", time.Unix(1_700_000_000, 0).UTC(), fps...)
	}
	send := func(addr string, i int) bool {
		req, _ := http.NewRequest("POST", "http://"+addr+"/v1/alertmanager", strings.NewReader(body(i)))
		req.Header.Set("Authorization", "Bearer am-token")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	}
	acked := make([]atomic.Bool, notifications)
	var answered atomic.Int64
	var next atomic.Int64
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < notifications; i = int(next.Add(1) - 1) {
				if send(addr, i) {
					acked[i].Store(true)
					answered.Add(1)
				}
			}
		}()
	}
	waitFor(t, 30*time.Second, "a third of the burst to be acknowledged", func() bool { return answered.Load() >= notifications/3 })
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	wg.Wait()
	before := answered.Load()
	t.Logf("killed after %d of %d notifications were acknowledged", before, notifications)
	if before == notifications {
		t.Fatal("the whole burst was acknowledged before the kill: not a test of a kill mid-burst")
	}

	_, addr = startProcess(t, cfg, logs)
	for i := range notifications {
		if !acked[i].Load() && !send(addr, i) {
			t.Fatalf("re-sending notification %d after the restart failed", i)
		}
	}
	states := map[bot.JobState]int{}
	deadline := time.Now().Add(180 * time.Second)
	for states[bot.JobDone] != notifications*per {
		time.Sleep(200 * time.Millisecond)
		clear(states)
		var left []string
		for _, j := range jobsOf(t, "postgres", dsn) {
			states[j.State]++
			if j.State != bot.JobDone {
				left = append(left, fmt.Sprintf("job %d attempt %d %s next %s: %s", j.ID, j.Attempts, j.State, j.NextAttemptAt.Format(time.TimeOnly), j.LastError))
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 3 minutes (now %s), jobs by state: %v; want %d done; not done:\n%s", time.Now().UTC().Format(time.TimeOnly),
				states, notifications*per, strings.Join(left, "\n"))
		}
	}
	seen := map[string]int{}
	for _, c := range gl.calls() {
		seen[c.Variables["N"]]++
	}
	for n := range notifications * per {
		if k := seen[fmt.Sprint(n)]; k != 1 {
			t.Errorf("alert %d (notification %d, acknowledged before the kill: %v): %d pipelines, want 1", n, n/per, acked[n/per].Load(), k)
		}
	}
	if len(seen) != notifications*per {
		t.Errorf("%d distinct alerts got pipelines, want %d", len(seen), notifications*per)
	}
	if t.Failed() {
		b, _ := os.ReadFile(logs)
		t.Logf("mlbot logs (tail):\n%s", b[max(0, len(b)-4000):])
	}
}
