package bot_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot"
	"gitlab.com/mlgate/mlgate/internal/forge"
)

// TestRetrainToldOfEarlierAttempts checks what a backend learns of the job:
// its id on every attempt; no Since on the first attempt; the job's
// queueing time as Since once an earlier attempt failed or was lost with
// its worker (a lease that ran out).
func TestRetrainToldOfEarlierAttempts(t *testing.T) {
	s := mustStore(t)
	queue(t, s, "fp1", "rec", 0)
	c := &clock{t0.Add(time.Second)}
	var got []forge.RetrainTask
	w := newWorker(s, c, func(ctx context.Context, task forge.RetrainTask) (forge.Run, error) {
		got = append(got, task)
		if len(got) == 1 {
			return forge.Run{}, forge.ClassifyHTTP(503, errors.New("503 Service Unavailable"))
		}
		return forge.Run{Backend: "gitlab", ExternalID: 5}, nil
	})
	ctx := context.Background()
	if _, err := w.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	c.now = c.now.Add(time.Hour)
	if _, err := w.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	// A second job whose first worker died: claimed, never finished.
	queue(t, s, "fp2", "rec", 0)
	lost, err := s.ClaimJobs(ctx, bot.Claim{Kinds: []string{bot.KindRetrain}, N: 1, Lease: time.Minute, Token: "dead", Now: c.now})
	if err != nil || len(lost) != 1 {
		t.Fatalf("claim %v, %v", lost, err)
	}
	c.now = c.now.Add(2 * time.Minute)
	if _, err := w.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	j := job(t, s)
	if len(got) != 3 {
		t.Fatalf("%d attempts, want 3", len(got))
	}
	for i, want := range []struct {
		id    int64
		since time.Time
	}{{j.ID - 1, time.Time{}}, {j.ID - 1, t0}, {j.ID, t0}} {
		if got[i].JobID != want.id || !got[i].Since.Equal(want.since) {
			t.Errorf("attempt %d: job %d since %v, want job %d since %v", i+1, got[i].JobID, got[i].Since, want.id, want.since)
		}
	}
}
