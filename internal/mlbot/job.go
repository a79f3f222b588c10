package mlbot

import (
	"encoding/json"
	"strconv"
	"time"
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
	Retrain  *RetrainTask  `json:"retrain,omitempty"`
	Notify   *NotifyTask   `json:"notify,omitempty"`
	Slack    *SlackTask    `json:"slack,omitempty"`
	Rollback *RollbackTask `json:"rollback,omitempty"`
}

// RetrainTask starts one retraining.
type RetrainTask struct {
	Backend    string            `json:"backend"`
	Project    string            `json:"project,omitempty"`
	Repository string            `json:"repository,omitempty"`
	Workflow   string            `json:"workflow,omitempty"`
	Ref        string            `json:"ref,omitempty"`
	Variables  map[string]string `json:"variables,omitempty"`
	// URL and Body are the rendered request of an HTTP backend; its
	// headers (secrets) come from the config when the job runs.
	URL  string `json:"url,omitempty"`
	Body string `json:"body,omitempty"`
	// Cooldown is the rule's cooldown for the model (a /mlops retrain:
	// the model's slack cooldown).
	Cooldown time.Duration `json:"cooldown,omitempty"`
	// Force takes the model's cooldown over from whichever job holds it
	// (/mlops retrain … force) instead of skipping the retraining.
	Force bool `json:"force,omitempty"`

	// JobID and Since are set by the worker when the job runs, not
	// stored. JobID goes to the backend (the GitLab variable
	// MLGATE_JOB_ID, the HTTP header Idempotency-Key) so that a run can
	// be traced to its job. Since, when not zero, says an earlier attempt
	// may have reached the backend (after Since) without its answer being
	// recorded: a backend that can find that run adopts it instead of
	// starting a second one.
	JobID int64     `json:"-"`
	Since time.Time `json:"-"`
	// Attempt is the job's attempt count, this attempt included (set by
	// the worker, 1 for the first): a backend that saw every earlier
	// attempt itself knows which of them may have started a run.
	Attempt int `json:"-"`
}

// JobIDVariable is the pipeline variable that carries the job id.
const JobIDVariable = "MLGATE_JOB_ID"

// PipelineNameVariable is the pipeline variable that carries the name a
// job's pipeline should take (PipelineName): a project whose CI
// configuration sets `workflow: name: $MLGATE_PIPELINE_NAME` makes the
// pipeline findable by that name.
const PipelineNameVariable = "MLGATE_PIPELINE_NAME"

// PipelineName is the pipeline name of job id.
func PipelineName(id int64) string { return "mlbot retrain job " + strconv.FormatInt(id, 10) }

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

// Run is what a retraining backend started.
type Run struct {
	// Backend is gitlab, github or the HTTP backend's name.
	Backend string
	// Project is the GitLab project or GitHub repository.
	Project string
	// ExternalID is the pipeline or workflow run id (0 when the backend
	// does not say).
	ExternalID int64
	WebURL     string
	Status     string
	// Detail is free text for the audit log (a DAG run id).
	Detail string
}
