package intake

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot/store"
	"gitlab.com/mlgate/mlgate/internal/bot/store/pgtest"
	"gitlab.com/mlgate/mlgate/internal/testenv"
)

// TestSlackTwoReplicasPostgres runs two mlbot replicas (each its own
// store handle, server and two workers) on one PostgreSQL database: the
// approver's clicks land on both at once, and the rollback job is played
// exactly once.
func TestSlackTwoReplicasPostgres(t *testing.T) {
	testenv.Slow(t, "starts PostgreSQL and two intakes")
	pg, err := pgtest.Start()
	if err != nil {
		t.Skip("PostgreSQL unavailable: " + err.Error())
	}
	t.Cleanup(pg.Stop)
	dsn := pg.NewDB(t)
	f := newSlackFixtureOn(t, 1, func() (*store.DB, error) { return store.OpenPostgres(context.Background(), dsn) })
	other := f.replica(t)
	f.workers = append(f.workers, other.workers...)
	id := f.propose(t)

	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			base := f.srv.URL
			if i%2 == 1 {
				base = other.srv.URL
			}
			form := f.click("U_PO", id, true, fmt.Sprint("tr", i%3))
			if code, body := f.signedAt(t, base, "/v1/slack/interactions", form, time.Now()); code != 200 {
				t.Errorf("click %d: %d %s", i, code, body)
			}
		}()
	}
	wg.Wait()
	f.drain(t)
	if n := len(f.gitlab.get("/api/v4/projects/ml/rec/jobs/901/play")); n != 1 {
		t.Fatalf("%d plays across two replicas, want exactly 1", n)
	}
	decided := 0
	for _, e := range f.audit(t) {
		if e.Action == "approve_rollback" {
			decided++
		}
	}
	if decided != 1 {
		t.Errorf("%d decisions audited, want 1", decided)
	}
}
