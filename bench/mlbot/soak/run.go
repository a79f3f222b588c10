package main

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// result is what the run measured before the checks.
type result struct {
	traffic  *alertTraffic
	kills    int
	downtime time.Duration
	usage    map[string][2]usage // replica → start, end
	peak     map[string]usage
	// early and late are the samples of the first and the last quarter
	// of the sampled time (after the warm-up): flat means their medians
	// are alike.
	early, late map[string][]usage
	drained     bool
	drainTime   time.Duration
	elapsed     time.Duration
}

// traffic runs the soak: notifications at rate, pipeline hooks, clicks
// and commands for d, replica b killed and restarted every killEvery;
// then it lets the requests in flight finish and the outbox drain.
func (s *soak) traffic(d time.Duration, rate float64, groups int, killEvery, cmdEvery time.Duration) result {
	res := result{usage: map[string][2]usage{}, peak: map[string]usage{}, early: map[string][]usage{}, late: map[string][]usage{}}
	res.traffic = newAlertTraffic(s, groups)
	s.giveUp = time.Now().Add(d + 3*time.Minute)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	spawn := func(f func()) { wg.Add(1); go func() { defer wg.Done(); f() }() }
	spawn(func() { s.pipelineEvents(stop) })
	spawn(func() { s.clicker(stop) })
	spawn(func() { s.commands(stop, cmdEvery) })

	quit := make(chan struct{}) // the traffic stopped: no more kills
	killed := make(chan struct{})
	go func() { defer close(killed); s.kills(&res, d, killEvery, quit) }()

	// RSS and fds: the first sample once warmed up (a tenth of the run,
	// 20 s to 2 min), the last just before the traffic stops; every 10 s
	// in between for the peaks.
	warm := min(max(d/10, 20*time.Second), 2*time.Minute)
	// sampleAll records each replica that is up: as its start sample when
	// it has none yet and start is set, as its end sample when end is set,
	// and in its peaks.
	begin := time.Now()
	sampleAll := func(start, end bool) {
		for _, r := range s.replicas {
			if !r.isUp() {
				continue // b, killed a moment ago
			}
			u, err := r.sample()
			if err != nil {
				continue
			}
			pair := res.usage[r.name]
			if start && pair[0] == (usage{}) {
				pair[0] = u
			}
			if end {
				pair[1] = u
			}
			res.usage[r.name] = pair
			res.peak[r.name] = res.peak[r.name].max(u)
			at, quarter := time.Since(begin), (d-warm)/4
			if at >= warm && at <= warm+quarter {
				res.early[r.name] = append(res.early[r.name], u)
			}
			if at >= d-quarter {
				res.late[r.name] = append(res.late[r.name], u)
			}
		}
	}

	rng := rand.New(rand.NewPCG(1, 2))
	tick := time.NewTicker(time.Duration(float64(time.Second) / rate))
	defer tick.Stop()
	sampler := time.NewTicker(10 * time.Second)
	defer sampler.Stop()
	logged, progress := false, time.Now()
	for time.Since(begin) < d {
		select {
		case <-tick.C:
			res.traffic.tick(rng)
		case <-sampler.C:
			sampleAll(time.Since(begin) >= warm, false)
			if !logged && res.usage["a"][0] != (usage{}) {
				logged = true
				s.logf("warmed up: a %s, b %s", res.usage["a"][0], res.usage["b"][0])
			}
			if time.Since(progress) >= time.Minute {
				progress = time.Now()
				s.logf("%d notifications (%d acknowledged, %d retries), %d alerts, %d pipelines, %d plays, %d clicks, %d commands",
					s.c.notifications.Load(), s.c.notificationsAcked.Load(), s.c.notificationRetries.Load(),
					s.c.alerts.Load()+s.c.canaries.Load(), len(s.gl.Created()), len(s.gl.Plays()), s.c.clicks.Load(), s.c.commands.Load())
			}
		}
	}
	// The end sample of each, b once it is up again.
	sampleAll(true, true)
	for deadline := time.Now().Add(time.Minute); !s.replicas[1].isUp() && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
	}
	if res.usage["b"][1] == (usage{}) {
		sampleAll(true, true)
	}
	s.logf("traffic stopped: a %s, b %s; waiting for retries in flight", res.usage["a"][1], res.usage["b"][1])
	// The last notifications' retries, then the outbox, the hooks of the
	// last pipelines and the clicks of the last requests, until nothing
	// moves.
	s.inflight.Wait()
	close(quit)
	<-killed
	drainStart := time.Now()
	res.drained = false
	for i := 0; i < 60 && !res.drained; i++ {
		ok := s.drain(5 * time.Minute)
		time.Sleep(3 * time.Second)
		s.inflight.Wait()
		res.drained = ok && s.settled()
	}
	close(stop)
	wg.Wait()
	res.drainTime = time.Since(drainStart)
	res.elapsed = time.Since(s.start)
	return res
}

// drain waits until no job is pending or running; false on timeout.
func (s *soak) drain(timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for {
		var n int
		err := s.db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM jobs WHERE state IN ('pending', 'running')`).Scan(&n)
		if err == nil && n == 0 {
			return true
		}
		if time.Now().After(deadline) {
			s.logf("outbox not drained after %s: %d jobs pending or running (%v)", timeout, n, err)
			return false
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// replaceDB returns dsn with its database name replaced.
func replaceDB(dsn, name string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	u.Path = "/" + strings.TrimPrefix(name, "/")
	return u.String()
}

// kills kills replica b with SIGKILL and restarts it until quit: first
// after 40% of a short soak (so SOAK=2m kills it at least once), then
// about every killEvery. Every other kill lands at a chosen moment: right
// after GitLab created a pipeline or played a rollback job for b
// (alternately), before b read the answer, the window where a retry could
// start a second one. The others land at random.
func (s *soak) kills(res *result, d, killEvery time.Duration, quit <-chan struct{}) {
	b := s.replicas[1]
	fired := make(chan struct{}, 1)
	var armed atomic.Bool
	var target atomic.Value // "create" or "play"
	target.Store("")
	s.gl.Stored = func(kind string, r *http.Request) {
		if !armed.Load() || target.Load() != kind || !ownsConn(b.pid(), r.RemoteAddr) || !armed.CompareAndSwap(true, false) {
			return
		}
		if err := b.kill(); err != nil {
			s.logf("%v", err)
		}
		s.logf("replica b killed with SIGKILL (kill %d) right after GitLab took its %s call, before the answer", b.restarts, kind)
		fired <- struct{}{}
	}
	next := min(jitter(killEvery), d*4/10)
	for k := 1; ; k++ {
		select {
		case <-quit:
			return
		case <-time.After(next):
		}
		dead, last := false, false
		if k%2 == 0 {
			target.Store(map[bool]string{true: "play", false: "create"}[k%4 == 0])
			armed.Store(true)
			select {
			case <-fired:
				dead = true
			case <-time.After(time.Minute):
			case <-quit:
				last = true
			}
			if !dead && !armed.CompareAndSwap(true, false) {
				<-fired // it fired while the wait ended
				dead = true
			}
			if last && !dead {
				return
			}
		}
		if !dead {
			if err := b.kill(); err != nil {
				s.logf("%v", err)
			}
			s.logf("replica b killed with SIGKILL (kill %d)", b.restarts)
		}
		down := time.Duration(1000+rand.IntN(4000)) * time.Millisecond
		time.Sleep(down)
		t0 := time.Now()
		if err := b.start(); err != nil {
			s.logf("restart: %v", err)
		}
		res.kills++
		res.downtime += down + time.Since(t0)
		s.logf("replica b back (pid %d) after %s", b.pid(), (down + time.Since(t0)).Round(time.Millisecond))
		next = jitter(killEvery)
	}
}
