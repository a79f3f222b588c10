package slack

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot"
	"gitlab.com/mlgate/mlgate/internal/bot/store"
)

// TestRetrainRespectsCooldown checks /mlops retrain against the model's
// cooldown: refused (and audited) while it runs, queued with force (and
// audited as forced), queued plainly for a model without one or once it
// ended.
func TestRetrainRespectsCooldown(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		held       time.Duration // the cooldown of "rec" ends now+held; 0: none
		force      bool
		wantQueued bool
		wantAction string
		wantAnswer string
	}{
		{"no cooldown", 0, false, true, "retrain", "Retraining of rec queued on ml/rec@main."},
		{"inside the cooldown", time.Hour, false, false, "retrain_refused", "cooldown runs until 2026-11-23T13:00:00Z"},
		{"inside the cooldown, forced", time.Hour, true, true, "retrain_forced", "inside its cooldown (until 2026-11-23T13:00:00Z): forced"},
		{"cooldown ended", -time.Minute, false, true, "retrain", "Retraining of rec queued"},
		{"force without a cooldown", 0, true, true, "retrain", "Retraining of rec queued on ml/rec@main."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			st, err := store.OpenSQLite(ctx, filepath.Join(t.TempDir(), "mlbot.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if tt.held != 0 {
				if _, err := st.TakeCooldown(ctx, "rec", 41, now.Add(tt.held), now.Add(-time.Hour)); err != nil {
					t.Fatal(err)
				}
			}
			// Another model's cooldown never blocks rec.
			if _, err := st.TakeCooldown(ctx, "other", 40, now.Add(time.Hour), now.Add(-time.Hour)); err != nil {
				t.Fatal(err)
			}
			cooldown := 6 * time.Hour
			b := &Bot{Config: &bot.SlackConfig{Models: map[string]*bot.SlackModel{"rec": {Project: "ml/rec", Ref: "main", Cooldown: &cooldown}}},
				Store: st, Log: slog.New(slog.DiscardHandler), Now: func() time.Time { return now }}
			answer, err := b.retrain(ctx, Command{Name: "retrain", Model: "rec", UserID: "U1", Force: tt.force, Reason: "new data"})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(answer, tt.wantAnswer) {
				t.Errorf("answer %q, want it to contain %q", answer, tt.wantAnswer)
			}
			jobs, err := st.ListJobs(ctx, bot.JobFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if queued := len(jobs) == 1 && jobs[0].Model == "rec" && jobs[0].Task.Retrain != nil; queued != tt.wantQueued || len(jobs) > 1 {
				t.Errorf("jobs %+v, want queued=%v", jobs, tt.wantQueued)
			}
			// The job holds the model's cooldown once it runs, taking it
			// over only when forced inside a running one.
			if tt.wantQueued {
				r := jobs[0].Task.Retrain
				if wantForce := tt.force && tt.held > 0; r.Cooldown != cooldown || r.Force != wantForce {
					t.Errorf("task cooldown %s force %v, want %s and %v", r.Cooldown, r.Force, cooldown, wantForce)
				}
			}
			audit, err := st.ListAudit(ctx, 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(audit) != 1 || audit[0].Action != tt.wantAction || audit[0].Actor != "U1" || audit[0].Subject != "rec" {
				t.Fatalf("audit %+v, want one %s entry by U1 on rec", audit, tt.wantAction)
			}
			if tt.held > 0 && !strings.Contains(audit[0].Detail, "job 41") {
				t.Errorf("audit detail %q does not name the cooldown's job", audit[0].Detail)
			}
		})
	}
}
