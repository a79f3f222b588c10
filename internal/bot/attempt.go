package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gitlab.com/mlgate/mlgate/internal/forge"
)

// ended is a job whose action ended, with the outcome to record.
type ended struct {
	job   Job
	f     Finish
	start time.Time
}

// work carries out one claimed job and returns its outcome, to record.
func (w *Worker) work(ctx context.Context, j Job) ended {
	start := w.Now()
	var f Finish
	switch j.Kind {
	case KindRetrain:
		f = w.retrain(ctx, j)
	case KindNotify:
		f = w.outcome(j, "notify", w.call(ctx, func(ctx context.Context) error { return w.Notifier.Notify(ctx, j) }), "sent")
	default:
		if h := w.Handlers[j.Kind]; h != nil {
			f = w.handle(ctx, j, h)
			break
		}
		f = w.outcome(j, j.Kind, forge.Permanent(fmt.Errorf("job kind %q is unknown", j.Kind)), "")
	}
	f.ID, f.Lease, f.Now = j.ID, j.Lease, w.Now()
	if w.Observer != nil {
		w.Observer.JobFinished(j.Kind, f.State, w.Now().Sub(start))
	}
	return ended{job: j, f: f, start: start}
}

// record stores the outcomes outs and claims c's jobs in one write, logs
// each outcome and returns the jobs claimed. An outcome that could not be
// stored leaves its job running until its lease ends; then it runs again
// (and a retraining first looks for the pipeline this attempt started).
func (w *Worker) record(ctx context.Context, outs []ended, c Claim) []Job {
	fs := make([]Finish, len(outs))
	for i, o := range outs {
		fs[i] = o.f
	}
	jobs, errs, err := w.Store.FinishJobs(ctx, fs, c)
	if err != nil && len(outs) == 0 {
		if ctx.Err() == nil {
			w.Log.Error("claim jobs", "err", err)
		}
		return nil
	}
	for i, o := range outs {
		e := err
		if e == nil {
			e = errs[i]
		}
		w.logOutcome(o, e)
	}
	return jobs
}

// logOutcome logs how a job's attempt ended, or why its outcome was not
// recorded (err).
func (w *Worker) logOutcome(o ended, err error) {
	j, f := o.job, o.f
	attrs := []any{"job_id", j.ID, "kind", j.Kind, "rule", j.Rule, "model", j.Model, "attempt", j.Attempts, "state", f.State}
	if err != nil {
		if errors.Is(err, ErrLeaseLost) {
			w.Log.Warn("job outcome not recorded: its lease ran out and another worker took it", attrs...)
			return
		}
		w.Log.Error("record job outcome", append(attrs, "err", err)...)
		return
	}
	attrs = append(attrs, "duration_ms", f.Now.Sub(o.start).Milliseconds())
	switch f.State {
	case JobDone:
		w.Log.Info("job done", append(attrs, "result", f.Result)...)
	case JobPending:
		w.Log.Warn("job will be retried", append(attrs, "err", f.Error, "next_attempt_at", f.NextAttemptAt)...)
	case JobSkipped:
		w.Log.Info("job skipped", append(attrs, "reason", f.Error)...)
	default:
		w.Log.Error("job gave up", append(attrs, "err", f.Error)...)
	}
}

func (w *Worker) call(ctx context.Context, fn func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, w.Config.ActionTimeout)
	defer cancel()
	return fn(ctx)
}

func (w *Worker) retrain(ctx context.Context, j Job) Finish {
	t := j.Task.Retrain
	if t == nil {
		return w.outcome(j, "retrain", forge.Permanent(errors.New("retrain job without a task")), "")
	}
	if t.Cooldown > 0 && j.Model != "" && t.Force {
		now := w.Now()
		if err := w.Store.OverrideCooldown(ctx, j.Model, j.ID, now.Add(t.Cooldown)); err != nil {
			return w.outcome(j, "retrain", err, "")
		}
	} else if t.Cooldown > 0 && j.Model != "" {
		now := w.Now()
		c, err := w.Store.TakeCooldown(ctx, j.Model, j.ID, now.Add(t.Cooldown), now)
		if err != nil {
			return w.outcome(j, "retrain", err, "")
		}
		if !c.Taken {
			reason := fmt.Sprintf("cooldown: model %s was retrained by job %d; no second retraining until %s",
				j.Model, c.HolderJob, c.Until.Format(time.RFC3339))
			return Finish{State: JobSkipped, Error: reason, Audit: &AuditEntry{At: now,
				Actor: ActorWorker, Action: "cooldown", Subject: j.Model, Detail: reason, AlertID: j.AlertID, JobID: j.ID}}
		}
	}
	r := w.Retrainers[t.Backend]
	var run forge.Run
	var err error
	if r == nil {
		err = w.errNoRetrainer(t.Backend)
	} else {
		task := *t
		task.JobID, task.Attempt = j.ID, j.Attempts
		if j.Attempts > 1 || j.LastError != "" {
			// An earlier attempt ran: it may have started a run whose
			// answer was lost (a crash, a timeout). It began after the job
			// was queued.
			task.Since = j.CreatedAt
		}
		err = w.call(ctx, func(ctx context.Context) error {
			var e error
			run, e = r.Retrain(ctx, task)
			return e
		})
	}
	f := w.outcome(j, "retrain", err, run.WebURL)
	if f.State != JobDone && f.State != JobPending && t.Cooldown > 0 && j.Model != "" {
		// The retraining never started: the next alert may try again.
		if rerr := w.Store.ReleaseCooldown(ctx, j.Model, j.ID); rerr != nil {
			w.Log.Error("release cooldown", "job_id", j.ID, "model", j.Model, "err", rerr)
		}
	}
	if f.State == JobDone {
		where := t.Project
		if t.Repository != "" {
			where = t.Repository
		}
		f.Audit.Detail = fmt.Sprintf("%s %s@%s started run %d %s %s", t.Backend, where, t.Ref, run.ExternalID, run.WebURL, run.Detail)
		if run.ExternalID != 0 {
			f.Pipeline = &Pipeline{JobID: j.ID, AlertID: j.AlertID, Backend: run.Backend, Project: run.Project,
				ExternalID: run.ExternalID, Ref: t.Ref, WebURL: run.WebURL, Status: run.Status}
		}
	}
	return f
}

// handle runs a job through its kind's handler.
func (w *Worker) handle(ctx context.Context, j Job, h Handler) Finish {
	var run forge.Run
	err := w.call(ctx, func(ctx context.Context) error {
		var e error
		run, e = h.Handle(ctx, j)
		return e
	})
	f := w.outcome(j, j.Kind, err, run.WebURL)
	if f.State == JobDone {
		f.Audit.Detail = run.Detail
		if run.ExternalID != 0 {
			f.Audit.Detail = fmt.Sprintf("%s %s started run %d %s %s", run.Backend, run.Project, run.ExternalID, run.WebURL, run.Detail)
			f.Pipeline = &Pipeline{JobID: j.ID, AlertID: j.AlertID, Backend: run.Backend, Project: run.Project,
				ExternalID: run.ExternalID, WebURL: run.WebURL, Status: run.Status}
		}
	}
	return f
}

// outcome turns an action's error into the job's next state: done,
// pending with backoff (retryable, attempts left), dead (retryable, none
// left) or failed (permanent).
func (w *Worker) outcome(j Job, action string, err error, result string) Finish {
	now := w.Now()
	audit := &AuditEntry{At: now, Actor: ActorWorker, Action: action, Subject: j.Model, AlertID: j.AlertID, JobID: j.ID}
	switch {
	case err == nil:
		return Finish{State: JobDone, Result: result, Audit: audit}
	case errors.Is(err, forge.ErrPermanent):
		audit.Action, audit.Detail = action+"_failed", err.Error()
		return Finish{State: JobFailed, Error: err.Error(), Audit: audit}
	case j.Attempts >= w.Config.MaxAttempts:
		audit.Action, audit.Detail = action+"_dead", fmt.Sprintf("gave up after %d attempts: %v", j.Attempts, err)
		return Finish{State: JobDead, Error: audit.Detail, Audit: audit}
	default:
		next := now.Add(Backoff(w.Config, j.Attempts, w.Jitter()))
		return Finish{State: JobPending, Error: err.Error(), NextAttemptAt: next}
	}
}
