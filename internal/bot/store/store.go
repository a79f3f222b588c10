package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot"
)

// Store is mlbot's durable state. Every method returns a wrapped driver
// error when the database fails, bot.ErrNotFound when a named row does
// not exist and bot.ErrLeaseLost when a job's claim was taken over.
type Store interface {
	Ping(ctx context.Context) error
	Migrate(ctx context.Context) error
	Close() error

	// SaveAlerts stores alerts in one transaction; the plan of each new
	// firing alert (see PlanFunc) is stored with it.
	SaveAlerts(ctx context.Context, alerts []bot.Alert, plan PlanFunc) (Intake, error)
	GetAlert(ctx context.Context, id int64) (bot.Alert, error)

	ClaimJobs(ctx context.Context, c Claim) ([]bot.Job, error)
	FinishJob(ctx context.Context, f Finish) error
	RetryJob(ctx context.Context, id int64, actor string, now time.Time) error
	ListJobs(ctx context.Context, f JobFilter) ([]bot.Job, error)
	CountJobs(ctx context.Context) (map[bot.JobState]int, error)
	TakeCooldown(ctx context.Context, model string, jobID int64, until, now time.Time) (Cooldown, error)
	ReleaseCooldown(ctx context.Context, model string, jobID int64) error
	OverrideCooldown(ctx context.Context, model string, jobID int64, until time.Time) error

	PipelineEvent(ctx context.Context, e PipelineEvent) (*bot.Pipeline, error)
	ListPipelines(ctx context.Context, limit int) ([]bot.Pipeline, error)
	ListApprovals(ctx context.Context, limit int) ([]bot.Approval, error)
	AddAudit(ctx context.Context, e bot.AuditEntry) error
	ListAudit(ctx context.Context, limit int) ([]bot.AuditEntry, error)

	// Rollback requests decided in Slack.
	GetApproval(ctx context.Context, id int64) (bot.Approval, error)
	ProposeRollback(ctx context.Context, a bot.Approval) (bot.Approval, error)
	Decide(ctx context.Context, d Decision) (Outcome, error)
	ExpireApprovals(ctx context.Context, now time.Time) (int, error)
	SetApprovalMessage(ctx context.Context, id int64, channel, ts string) error
	RollbackStarted(ctx context.Context, approvalID int64, pipelineURL string, now time.Time) error
	EnqueueJob(ctx context.Context, j bot.Job, audit *bot.AuditEntry) (bool, error)
	ListCooldowns(ctx context.Context, now time.Time) ([]ActiveCooldown, error)
	RecentAlerts(ctx context.Context, limit int) ([]bot.Alert, error)
}

var _ Store = (*DB)(nil)

// ErrDuplicate means a webhook delivery was seen before.
var ErrDuplicate = errors.New("duplicate delivery")

// PlanFunc turns a firing alert into actions. SaveAlerts calls it before
// the alert is stored (the alert has no ID yet) and keeps the plan of a new
// alert only: it sets the alert's ID on the jobs, approvals and audit
// entries, and prefixes each job's DedupKey with "ID/". Rendering plans
// outside the one writer keeps templates off the path every write waits on.
type PlanFunc func(a bot.Alert) bot.Plan

// Intake counts what SaveAlerts did.
type Intake struct {
	// New alerts stored for the first time, Duplicate ones seen before,
	// Resolved ones that resolved an earlier firing.
	New, Duplicate, Resolved int
	// Matched is how many new alerts matched a rule; Jobs how many jobs
	// were queued.
	Matched, Jobs int
}

// Add sums two intakes.
func (i Intake) Add(o Intake) Intake {
	return Intake{i.New + o.New, i.Duplicate + o.Duplicate, i.Resolved + o.Resolved, i.Matched + o.Matched, i.Jobs + o.Jobs}
}

// Claim asks for up to N ready jobs of the given kinds, leased for Lease.
type Claim struct {
	Kinds []string
	N     int
	Lease time.Duration
	// Token identifies this claim; FinishJob must present it.
	Token string
	Now   time.Time
}

// Finish records a job's outcome, with the pipeline it started and an
// audit entry, atomically.
type Finish struct {
	ID            int64
	Lease         string
	State         bot.JobState
	Result        string
	Error         string
	NextAttemptAt time.Time
	Pipeline      *bot.Pipeline
	Audit         *bot.AuditEntry
	Now           time.Time
}

// JobFilter selects jobs to list; zero fields select all.
type JobFilter struct {
	State bot.JobState
	Limit int
}

// Cooldown is the answer of TakeCooldown.
type Cooldown struct {
	// Taken is true when this job now holds the model's cooldown.
	Taken bool
	// HolderJob and Until describe the cooldown that blocks it otherwise.
	HolderJob int64
	Until     time.Time
}

// PipelineEvent is a pipeline status webhook.
type PipelineEvent struct {
	Source      string // gitlab, github
	DeliveryKey string
	Backend     string
	ExternalID  int64
	Status      string
	Now         time.Time
}

// DB implements Store over database/sql for one dialect.
type DB struct {
	db      *sql.DB
	dialect dialect
	group   *groupCommit
	hot     map[string]*sql.Stmt
	// stmts holds the other statements prepared on first use, by query.
	stmts sync.Map
}

type dialect struct {
	name string
	// skipLocked is appended to the job-claiming subquery.
	skipLocked string
	// migrationLock serialises concurrent migrations (PostgreSQL).
	migrationLock string
}

// Open opens the store of the config: driver "sqlite" or "postgres".
func Open(ctx context.Context, driver, dsn string) (*DB, error) {
	switch driver {
	case "sqlite":
		return OpenSQLite(ctx, dsn)
	case "postgres":
		return OpenPostgres(ctx, dsn)
	}
	return nil, fmt.Errorf("store driver %q: expected sqlite or postgres", driver)
}

// Ping checks the database answers.
func (d *DB) Ping(ctx context.Context) error {
	if err := d.db.PingContext(ctx); err != nil {
		return fmt.Errorf("ping %s: %w", d.dialect.name, err)
	}
	return nil
}

// Close waits for alerts being saved, then closes the database.
func (d *DB) Close() error {
	d.stopGroupCommit()
	return d.db.Close()
}

// Driver names the dialect ("sqlite" or "postgres").
func (d *DB) Driver() string { return d.dialect.name }

// q rewrites ? placeholders to $1, $2… for PostgreSQL.
func (d *DB) q(query string) string {
	if d.dialect.name != "postgres" {
		return query
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

func (d *DB) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}
