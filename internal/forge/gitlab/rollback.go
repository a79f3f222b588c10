package gitlab

import (
	"context"
	"errors"
	"fmt"
	"strings"

	gl "gitlab.com/gitlab-org/api/client-go"
	"gitlab.com/mlgate/mlgate/internal/forge"
)

// Rollbacks starts approved rollbacks: it plays the manual rollback job
// of the deployed pipeline (POST /projects/:id/jobs/:job_id/play), or
// creates a pipeline with ROLLBACK_TO and MODEL, as the task says.
type Rollbacks struct {
	client    *gl.Client
	pipelines *Pipelines
}

// NewRollbacks wraps a client made by New (with Options{RetryMax: -1}: the
// outbox retries).
func NewRollbacks(c *gl.Client) *Rollbacks {
	return &Rollbacks{client: c, pipelines: NewPipelines(c, "")}
}

// recentPipelines is how many of the newest pipelines on the ref are
// searched for the manual job.
const recentPipelines = 5

// Rollback starts t. In play mode the job named t.JobName waiting as a
// manual job in one of the newest pipelines on t.Ref is played with the
// variables; no such job is a permanent error naming what was searched.
// The chosen job is recorded (t.Choose) before it is played, and a retry
// that knows the job an earlier attempt chose (t.PlayJob) plays that job
// if it is still manual and adopts it otherwise: a crash after the play
// call never plays a second job. A job another approval's rollback chose
// is not played again (see taken). In pipeline mode a retry adopts the
// pipeline an earlier attempt created (see Pipelines.Retrain).
func (r *Rollbacks) Rollback(ctx context.Context, t forge.RollbackTask) (forge.Run, error) {
	if t.Mode == "pipeline" {
		run, err := r.pipelines.Retrain(ctx, forge.RetrainTask{Backend: "gitlab", Project: t.Project, Ref: t.Ref,
			Variables: t.Variables(), JobID: t.JobID, Since: t.Since, Attempt: t.Attempt})
		if err != nil {
			return run, fmt.Errorf("rollback pipeline: %w", err)
		}
		run.Detail = fmt.Sprintf("rollback of %s to %q", t.Model, t.Version)
		return run, nil
	}
	if t.PlayJob != 0 {
		return r.resume(ctx, t)
	}
	job, pipelineURL, err := r.findManualJob(ctx, t)
	if err != nil {
		return forge.Run{}, err
	}
	if t.Choose != nil {
		chosen, err := t.Choose(ctx, job.ID)
		var taken *forge.JobTaken
		if errors.As(err, &taken) {
			return r.taken(t, job, pipelineURL, taken)
		}
		if err != nil {
			return forge.Run{}, fmt.Errorf("record job %d as the rollback's: %w", job.ID, err)
		}
		if chosen != job.ID {
			t.PlayJob = chosen
			return r.resume(ctx, t)
		}
	}
	return r.play(ctx, t, job.ID, pipelineURL)
}

// taken answers a rollback whose manual job is another approval's
// rollback already (see forge.JobTaken); the job is not played a second
// time. The same model to the same version is that rollback: t adopts
// it. Anything else cannot be done with that job and fails, saying which
// rollback has it.
func (r *Rollbacks) taken(t forge.RollbackTask, job *gl.Job, pipelineURL string, taken *forge.JobTaken) (forge.Run, error) {
	if taken.Model == t.Model && taken.Version == t.Version {
		return forge.Run{Backend: "gitlab", Project: t.Project, ExternalID: job.Pipeline.ID, WebURL: pipelineURL,
			Status: job.Status, Detail: fmt.Sprintf("job %d %s is played by approval %d's rollback of %s to %q, this one's too: not played twice",
				job.ID, job.WebURL, taken.Approval, t.Model, t.Version)}, nil
	}
	return forge.Run{}, forge.Permanent(fmt.Errorf("manual job %q (%d) of %s@%s: %w; not played a second time for %s to %q: approve again once that rollback's pipeline has deployed",
		t.JobName, job.ID, t.Project, t.Ref, taken, t.Model, t.Version))
}

// resume carries on from an earlier attempt that chose job t.PlayJob: it
// plays the job while it is manual, and adopts it once it was played.
func (r *Rollbacks) resume(ctx context.Context, t forge.RollbackTask) (forge.Run, error) {
	job, resp, err := r.client.Jobs.GetJob(t.Project, t.PlayJob, gl.WithContext(ctx))
	if err != nil {
		return forge.Run{}, forge.ClassifyHTTP(status(resp), fmt.Errorf("read job %d (%s) on %s, chosen by an earlier attempt: %w",
			t.PlayJob, t.JobName, t.Project, err))
	}
	// A job names its pipeline's id but not its URL: the pipeline's page
	// is beside the job's (…/-/jobs/ID → …/-/pipelines/PIPELINE).
	pipelineURL := job.WebURL
	if suffix := fmt.Sprintf("/-/jobs/%d", job.ID); strings.HasSuffix(job.WebURL, suffix) {
		pipelineURL = strings.TrimSuffix(job.WebURL, suffix) + fmt.Sprintf("/-/pipelines/%d", job.Pipeline.ID)
	}
	if job.Status == string(gl.Manual) {
		return r.play(ctx, t, job.ID, pipelineURL)
	}
	return forge.Run{Backend: "gitlab", Project: t.Project, ExternalID: job.Pipeline.ID, WebURL: pipelineURL,
		Status: job.Status, Detail: fmt.Sprintf("job %d %s was played by an earlier attempt (now %s): rollback of %s to %q",
			job.ID, job.WebURL, job.Status, t.Model, t.Version)}, nil
}

// play plays manual job id with the rollback's variables.
func (r *Rollbacks) play(ctx context.Context, t forge.RollbackTask, id int64, pipelineURL string) (forge.Run, error) {
	vars := []*gl.JobVariableOptions{}
	for _, k := range []string{"MODEL", "ROLLBACK_TO"} {
		vars = append(vars, &gl.JobVariableOptions{Key: gl.Ptr(k), Value: gl.Ptr(t.Variables()[k]),
			VariableType: gl.Ptr(gl.EnvVariableType)})
	}
	played, resp, err := r.client.Jobs.PlayJob(t.Project, id, &gl.PlayJobOptions{JobVariablesAttributes: &vars},
		gl.WithContext(ctx))
	if err != nil {
		return forge.Run{}, forge.ClassifyHTTP(status(resp), fmt.Errorf("play job %d (%s) on %s: %w", id, t.JobName, t.Project, err))
	}
	run := forge.Run{Backend: "gitlab", Project: t.Project, ExternalID: played.Pipeline.ID, WebURL: pipelineURL,
		Status: played.Status, Detail: fmt.Sprintf("played job %d %s: rollback of %s to %q", played.ID, played.WebURL, t.Model, t.Version)}
	if run.WebURL == "" {
		run.WebURL = played.WebURL
	}
	return run, nil
}

func (r *Rollbacks) findManualJob(ctx context.Context, t forge.RollbackTask) (*gl.Job, string, error) {
	pls, resp, err := r.client.Pipelines.ListProjectPipelines(t.Project, &gl.ListProjectPipelinesOptions{
		ListOptions: gl.ListOptions{PerPage: recentPipelines}, Ref: gl.Ptr(t.Ref),
		OrderBy: gl.Ptr("id"), Sort: gl.Ptr("desc")}, gl.WithContext(ctx))
	if err != nil {
		return nil, "", forge.ClassifyHTTP(status(resp), fmt.Errorf("list pipelines of %s@%s: %w", t.Project, t.Ref, err))
	}
	for _, p := range pls {
		jobs, resp, err := r.client.Jobs.ListPipelineJobs(t.Project, p.ID, &gl.ListJobsOptions{
			Scope: &[]gl.BuildStateValue{gl.Manual}}, gl.WithContext(ctx))
		if err != nil {
			return nil, "", forge.ClassifyHTTP(status(resp), fmt.Errorf("list manual jobs of pipeline %d: %w", p.ID, err))
		}
		for _, j := range jobs {
			if j.Name == t.JobName {
				return j, p.WebURL, nil
			}
		}
	}
	return nil, "", forge.Permanent(fmt.Errorf("no manual job %q in the %d newest pipelines of %s@%s",
		t.JobName, len(pls), t.Project, t.Ref))
}

func status(resp *gl.Response) int {
	if resp == nil {
		return 0
	}
	return resp.StatusCode
}
