package forge

import (
	"context"
	"strconv"
	"time"
)

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

// RollbackTask starts an approved rollback: it plays the manual job
// JobName of the newest pipelines on Ref (Mode "play") or creates a
// pipeline with the rollback's variables (Mode "pipeline").
type RollbackTask struct {
	ApprovalID int64  `json:"approval_id"`
	Mode       string `json:"mode"`
	JobName    string `json:"job_name,omitempty"`
	Project    string `json:"project"`
	Ref        string `json:"ref"`
	Version    string `json:"version"`
	Model      string `json:"model"`

	// The fields below are set by the handler when the job runs, not
	// stored.

	// PlayJob is the manual job an earlier attempt chose to play (play
	// mode), 0 if none: it is played if it is still manual and adopted
	// if it was played (the earlier attempt's play reached GitLab).
	PlayJob int64 `json:"-"`
	// Choose records the job this attempt is about to play, before the
	// play call, and returns the job to play: its argument, or the one
	// a concurrent attempt recorded first. A *JobTaken error says the
	// job is another approval's rollback already. Nil records nothing.
	Choose func(ctx context.Context, jobID int64) (int64, error) `json:"-"`
	// JobID, Since and Attempt are the outbox job's, as in RetrainTask:
	// in pipeline mode a retry adopts the pipeline an earlier attempt
	// created instead of creating a second one.
	JobID   int64     `json:"-"`
	Since   time.Time `json:"-"`
	Attempt int       `json:"-"`
}

// Variables are the pipeline or job variables of the rollback.
func (t RollbackTask) Variables() map[string]string {
	return map[string]string{"ROLLBACK_TO": t.Version, "MODEL": t.Model}
}
