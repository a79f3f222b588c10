package store

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot"
)

// intakeCase is a batch of notifications that exercises every rule of
// saveAlert at once: new alerts, a copy later in the batch (duplicate),
// a resolution later in the batch, a copy of an alert stored before the
// batch, a resolution of one stored before, a resolved alert never seen
// firing, and a plan with an approval (and its Slack job).
func intakeCase() (before []bot.Alert, batch [][]bot.Alert, plan bot.PlanFunc) {
	at := func(fp, status string) bot.Alert { return alert(fp, status, t0) }
	before = []bot.Alert{at("old-firing", bot.StatusFiring), at("old-resolving", bot.StatusFiring)}
	batch = [][]bot.Alert{
		{at("a", bot.StatusFiring), at("b", bot.StatusFiring), at("approve", bot.StatusFiring)},
		{at("a", bot.StatusFiring), at("c", bot.StatusResolved)},
		{at("b", bot.StatusResolved), at("old-firing", bot.StatusFiring)},
		{at("old-resolving", bot.StatusResolved), at("c", bot.StatusFiring), at("d", bot.StatusFiring)},
	}
	plan = func(a bot.Alert) bot.Plan {
		p := onePlan(a)
		if a.Fingerprint == "approve" {
			p.Approvals = []bot.Approval{{Rule: "r", Model: "rec", Project: "g/p", Ref: "main", Version: "v1",
				State: bot.ApprovalProposed, ProposedBy: "rule:r", ExpiresAt: t0.Add(time.Hour), CreatedAt: t0}}
		}
		return p
	}
	return before, batch, plan
}

// storeState lists what the store holds, without ids (which differ
// between a batch and one write after another).
func storeState(t *testing.T, s *DB) string {
	t.Helper()
	var out []string
	for _, q := range []string{
		`SELECT 'alert ' || fingerprint || ' ' || status || ' ' || CAST(resolved_at > 0 AS INTEGER) FROM alerts`,
		`SELECT 'job ' || kind || ' ' || j.state || ' ' || a.fingerprint || ' ' || substr(dedup_key, instr(dedup_key, '/') + 1)
			FROM jobs j JOIN alerts a ON a.id = j.alert_id WHERE kind <> 'slack_post'`,
		`SELECT 'slack job ' || a.fingerprint FROM jobs j JOIN alerts a ON a.id = j.alert_id WHERE kind = 'slack_post'`,
		`SELECT 'approval ' || a.fingerprint || ' ' || p.state FROM approvals p JOIN alerts a ON a.id = p.alert_id`,
		`SELECT 'audit ' || action || ' ' || subject || ' ' || CASE WHEN u.alert_id = 0 THEN '-' ELSE a.fingerprint END
			FROM audit u LEFT JOIN alerts a ON a.id = u.alert_id`,
	} {
		if s.Driver() == "postgres" {
			q = strings.ReplaceAll(q, "CAST(resolved_at > 0 AS INTEGER)", "CAST(resolved_at > 0 AS INTEGER)::text")
			q = strings.ReplaceAll(q, "instr(dedup_key, '/')", "strpos(dedup_key, '/')")
		}
		rows, err := s.db.Query(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatal(err)
			}
			out = append(out, line)
		}
		rows.Close()
	}
	slices.Sort(out)
	return strings.Join(out, "\n")
}

// TestPGIntakeBatchAsOneByOne stores one batch of notifications with
// PostgreSQL's multi-row intake and the same notifications one after
// another on SQLite: each notification gets the same counts and both
// stores hold the same alerts, jobs, approvals and audit entries.
func TestPGIntakeBatchAsOneByOne(t *testing.T) {
	if pg == nil {
		t.Skip("PostgreSQL unavailable: " + pgSkipped)
	}
	ctx := context.Background()
	before, batch, plan := intakeCase()

	lite, err := OpenSQLite(ctx, filepath.Join(t.TempDir(), "mlbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	if _, err := lite.SaveAlerts(ctx, before, plan); err != nil {
		t.Fatal(err)
	}
	var want []bot.Intake
	for _, alerts := range batch {
		in, err := lite.SaveAlerts(ctx, alerts, plan)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, in)
	}

	s, err := OpenPostgres(ctx, pg.NewDB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.SaveAlerts(ctx, before, plan); err != nil {
		t.Fatal(err)
	}
	ops := pgOps(t, batch, plan)
	s.runPGIntake(ctx, ops)
	for i, op := range ops {
		if err := <-op.res; err != nil {
			t.Fatalf("notification %d: %v", i, err)
		}
		if op.in != want[i] {
			t.Errorf("notification %d: intake %+v, one by one on SQLite %+v", i, op.in, want[i])
		}
	}
	got, exp := storeState(t, s), storeState(t, lite)
	if got != exp {
		t.Errorf("PostgreSQL after one batch:\n%s\n\nSQLite one by one:\n%s", got, exp)
	}
	if !strings.Contains(got, "alert b resolved 1") || !strings.Contains(got, "slack job approve") {
		t.Errorf("the case lost its point: %s", got)
	}
}

// TestPGIntakeBatchFailsAlone: one notification PostgreSQL refuses (a
// fingerprint that is not UTF-8) fails the batch's transaction; the batch
// then runs one notification at a time, and only that one fails.
func TestPGIntakeBatchFailsAlone(t *testing.T) {
	if pg == nil {
		t.Skip("PostgreSQL unavailable: " + pgSkipped)
	}
	ctx := context.Background()
	s, err := OpenPostgres(ctx, pg.NewDB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	batch := [][]bot.Alert{
		{alert("one", bot.StatusFiring, t0)},
		{alert("two", bot.StatusFiring, t0), alert("bad\xff", bot.StatusFiring, t0)},
		{alert("three", bot.StatusFiring, t0)},
	}
	ops := pgOps(t, batch, onePlan)
	s.runPGIntake(ctx, ops)
	for i, op := range ops {
		err := <-op.res
		if (i == 1) != (err != nil) {
			t.Errorf("notification %d: %v", i, err)
		}
		if i != 1 && op.in != (bot.Intake{New: 1, Matched: 1, Jobs: 1}) {
			t.Errorf("notification %d: intake %+v", i, op.in)
		}
	}
	got := storeState(t, s)
	if strings.Contains(got, "alert two") || strings.Count(got, "job retrain pending") != 2 ||
		!strings.Contains(got, "alert one") || !strings.Contains(got, "alert three") {
		t.Errorf("store holds:\n%s\nwant alerts one and three with a job each, nothing of the failed notification", got)
	}
}

func pgOps(t *testing.T, batch [][]bot.Alert, plan bot.PlanFunc) []*pgIntakeOp {
	var ops []*pgIntakeOp
	for _, alerts := range batch {
		op := &pgIntakeOp{res: make(chan error, 1)}
		for _, a := range alerts {
			p, err := prepareAlert(a, plan)
			if err != nil {
				t.Fatal(err)
			}
			op.alerts = append(op.alerts, p)
		}
		ops = append(ops, op)
	}
	return ops
}
