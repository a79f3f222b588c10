package bot

import (
	"encoding/json"
	"time"

	"gitlab.com/mlgate/mlgate/internal/forge"
)

// JobState is where a job of the outbox stands.
type JobState string

// The job states. A job goes pending → running → done; a retryable error
// sends it back to pending with a later NextAttemptAt, until MaxAttempts
// makes it dead; a permanent error makes it failed; a retraining inside
// its model's cooldown is skipped.
const (
	JobPending JobState = "pending"
	JobRunning JobState = "running"
	JobDone    JobState = "done"
	JobFailed  JobState = "failed"
	JobDead    JobState = "dead"
	JobSkipped JobState = "skipped"
)

// JobStates lists every state, for metrics.
var JobStates = []JobState{JobPending, JobRunning, JobDone, JobFailed, JobDead, JobSkipped}

// Job kinds.
const (
	KindRetrain = "retrain"
	KindNotify  = "notify"
)

// Job is one action of the outbox.
type Job struct {
	ID      int64
	Kind    string
	AlertID int64
	Rule    string
	Model   string
	// DedupKey makes planning the same alert twice a no-op.
	DedupKey      string
	Task          Task
	State         JobState
	Attempts      int
	NextAttemptAt time.Time
	LockedUntil   time.Time
	// Lease identifies the claim of the worker that runs it.
	Lease     string
	LastError string
	// Result is what the action produced (a pipeline URL).
	Result    string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Task is what a job does, rendered from the rule when the alert came in.
type Task struct {
	Retrain  *forge.RetrainTask  `json:"retrain,omitempty"`
	Notify   *NotifyTask         `json:"notify,omitempty"`
	Slack    *SlackTask          `json:"slack,omitempty"`
	Rollback *forge.RollbackTask `json:"rollback,omitempty"`
}

// NotifyTask sends a message.
type NotifyTask struct {
	Channel string `json:"channel"`
	Text    string `json:"text"`
}

// Pipeline is a run a retraining started, and its latest known status.
type Pipeline struct {
	ID         int64
	JobID      int64
	AlertID    int64
	Backend    string
	Project    string
	ExternalID int64
	Ref        string
	WebURL     string
	Status     string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// Claim asks for up to N ready jobs of the given kinds, leased for Lease.
type Claim struct {
	Kinds []string
	N     int
	Lease time.Duration
	// Token identifies this claim; FinishJob must present it.
	Token string
	Now   time.Time
	// DueOnly skips the running jobs whose lease ran out (their worker
	// died): a worker looks for those once per poll interval, not at
	// every claim.
	DueOnly bool
}

// Finish records a job's outcome, with the pipeline it started and an
// audit entry, atomically.
type Finish struct {
	ID            int64
	Lease         string
	State         JobState
	Result        string
	Error         string
	NextAttemptAt time.Time
	Pipeline      *Pipeline
	Audit         *AuditEntry
	Now           time.Time
}

// JobFilter selects jobs to list; zero fields select all.
type JobFilter struct {
	State JobState
	Limit int
}
