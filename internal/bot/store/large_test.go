package store

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot"
	"gitlab.com/mlgate/mlgate/internal/testenv"
)

// largeGroup is one notification of n firing alerts.
func largeGroup(key string, n int) []bot.Alert {
	out := make([]bot.Alert, n)
	for i := range out {
		a := alert(fmt.Sprintf("%s-%05d", key, i), bot.StatusFiring, t0)
		a.GroupKey = key
		a.Labels = map[string]string{"alertname": "Drift", "model": "rec", "feature": fmt.Sprintf("f%05d", i)}
		out[i] = a
	}
	return out
}

// largeWithSmall stores a group of n alerts while small notifications of
// one alert arrive from senders, one after another each, until the large
// one is answered; it returns how long the large one took and the
// latencies the small ones saw, sorted.
func largeWithSmall(tb testing.TB, s *DB, key string, n, senders int) (time.Duration, []time.Duration, bot.Intake) {
	tb.Helper()
	ctx := context.Background()
	stop := make(chan struct{})
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	for w := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				t := time.Now()
				if _, err := s.SaveAlerts(ctx, []bot.Alert{alert(fmt.Sprintf("%s-small-%d-%d", key, w, i), bot.StatusFiring, t0)}, onePlan); err != nil {
					tb.Error(err)
					return
				}
				mu.Lock()
				lat = append(lat, time.Since(t))
				mu.Unlock()
				time.Sleep(2 * time.Millisecond)
			}
		}()
	}
	time.Sleep(50 * time.Millisecond)
	group := largeGroup(key, n)
	t := time.Now()
	in, err := s.SaveAlerts(ctx, group, onePlan)
	took := time.Since(t)
	time.Sleep(50 * time.Millisecond)
	close(stop)
	wg.Wait()
	if err != nil {
		tb.Fatal(err)
	}
	slices.Sort(lat)
	return took, lat, in
}

// TestLargeGroup stores a 5,000-alert notification in one transaction
// while small ones keep arriving: every alert of it is stored with its
// job, and the small ones are all answered.
func TestLargeGroup(t *testing.T) {
	testenv.Slow(t, "stores 5,000-alert groups on SQLite and PostgreSQL")
	eachStore(t, func(t *testing.T, s *DB) {
		took, lat, in := largeWithSmall(t, s, "big", 5000, 4)
		if in.New != 5000 || in.Jobs != 5000 {
			t.Errorf("large group: %+v, want 5000 new alerts and 5000 jobs", in)
		}
		if len(lat) == 0 {
			t.Fatal("no small notification was answered")
		}
		t.Logf("5,000 alerts in %s; %d small notifications: p50 %s, p99 %s, max %s", took.Round(time.Millisecond),
			len(lat), lat[len(lat)/2].Round(time.Millisecond), lat[len(lat)*99/100].Round(time.Millisecond), lat[len(lat)-1].Round(time.Millisecond))
	})
}

// TestNULInLabels stores an alert whose labels, annotations and
// alertname hold NUL bytes: both stores keep it, with U+FFFD in their
// place, and plan its job (PostgreSQL answered 500 before, which
// Alertmanager retries forever).
func TestNULInLabels(t *testing.T) {
	eachStore(t, func(t *testing.T, s *DB) {
		a := alert("nul", bot.StatusFiring, t0)
		a.Labels = map[string]string{"alertname": "Dri\x00ft", "model": "re\x00c", "fea\x00ture": "x"}
		a.Annotations = map[string]string{"psi": "0.4\x00"}
		a.GeneratorURL = "http://prom/\x00"
		in := mustSave(t, s, a)
		if in.New != 1 || in.Jobs != 1 {
			t.Fatalf("intake %+v, want one new alert and its job", in)
		}
		got, err := s.GetAlert(context.Background(), 1)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"alertname": "Dri\uFFFDft", "model": "re\uFFFDc", "fea\uFFFDture": "x"}
		if fmt.Sprint(got.Labels) != fmt.Sprint(want) || got.Annotations["psi"] != "0.4\uFFFD" || got.GeneratorURL != "http://prom/\uFFFD" {
			t.Errorf("stored %v %v %q", got.Labels, got.Annotations, got.GeneratorURL)
		}
		if a.Labels["model"] != "re\x00c" {
			t.Error("the caller's labels were changed")
		}
	})
}
