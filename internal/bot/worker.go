package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"sync"
	"time"

	"gitlab.com/mlgate/mlgate/internal/forge"
)

// Retrainer starts a retraining; errors wrapping forge.ErrPermanent are
// not retried.
type Retrainer interface {
	Retrain(ctx context.Context, t forge.RetrainTask) (forge.Run, error)
}

// RetrainerFunc adapts a function to Retrainer.
type RetrainerFunc func(ctx context.Context, t forge.RetrainTask) (forge.Run, error)

// Retrain calls f.
func (f RetrainerFunc) Retrain(ctx context.Context, t forge.RetrainTask) (forge.Run, error) {
	return f(ctx, t)
}

// Notifier delivers notify jobs; with none configured they wait in the
// outbox (counted as pending) until one is.
type Notifier interface {
	Notify(ctx context.Context, job Job) error
}

// Handler carries out jobs of one kind (Slack messages, rollbacks); the
// Run it returns, when it has an ExternalID, is recorded as the job's
// pipeline. Errors wrapping forge.ErrPermanent are not retried.
type Handler interface {
	Handle(ctx context.Context, job Job) (forge.Run, error)
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, job Job) (forge.Run, error)

// Handle calls f.
func (f HandlerFunc) Handle(ctx context.Context, job Job) (forge.Run, error) {
	return f(ctx, job)
}

// Observer is told how each job attempt ended and how long its action took.
type Observer interface {
	JobFinished(kind string, state JobState, d time.Duration)
}

// JobStore is what the worker needs of the store. FinishJobs records
// outcomes and claims the next jobs in one write; errs[i] is outcome i's
// own failure (ErrLeaseLost), err a failure of the whole write.
type JobStore interface {
	ClaimJobs(ctx context.Context, c Claim) ([]Job, error)
	FinishJobs(ctx context.Context, fs []Finish, next Claim) (jobs []Job, errs []error, err error)
	TakeCooldown(ctx context.Context, model string, jobID int64, until, now time.Time) (Cooldown, error)
	ReleaseCooldown(ctx context.Context, model string, jobID int64) error
	OverrideCooldown(ctx context.Context, model string, jobID int64, until time.Time) error
}

// Worker drains the outbox.
type Worker struct {
	Store      JobStore
	Retrainers map[string]Retrainer // by backend name: gitlab, github, an HTTP backend's name
	Notifier   Notifier
	// Handlers carry out the other job kinds, by kind.
	Handlers map[string]Handler
	Config   WorkerConfig
	Log      *slog.Logger
	Observer Observer
	// Now and Jitter are replaced by tests; Jitter returns [0, 1).
	Now    func() time.Time
	Jitter func() float64

	wake chan struct{}
	once sync.Once
}

func (w *Worker) init() {
	w.once.Do(func() {
		w.wake = make(chan struct{}, 1)
		if w.Now == nil {
			w.Now = time.Now
		}
		if w.Jitter == nil {
			w.Jitter = mrand.Float64
		}
		if w.Log == nil {
			w.Log = slog.New(slog.DiscardHandler)
		}
	})
}

// Wake makes an idle worker look at the outbox now (a job was stored).
func (w *Worker) Wake() {
	w.init()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run claims and runs jobs until ctx ends, then waits for the jobs in
// flight: they finish on a context that outlives ctx by at most the
// action timeout, so a graceful stop does not waste a started call.
//
// The worker shares SQLite's one writer with the alert intake, so it
// writes as seldom as it can: the outcomes of the jobs that ended while
// its last write committed are recorded together, and the slots they
// freed are refilled by a claim in the same write. A claim without
// outcomes to record waits until half the slots are free, or the worker
// is idle, or a poll is due (so a slot next to long jobs still gets
// work). Jobs whose lease ran out (their worker died) are looked for once
// per poll interval, not at every claim.
func (w *Worker) Run(ctx context.Context) error {
	w.init()
	kinds := w.kinds()
	slots := w.Config.Concurrency
	half := max(1, slots/2)
	wctx := context.WithoutCancel(ctx)
	done := make(chan ended, slots) // each running job sends its outcome once
	var outs []ended
	running := 0
	var expiredAt time.Time // when expired leases were last looked for
	poll := time.NewTimer(w.Config.PollInterval)
	defer poll.Stop()
	polled := true
	for {
		for more := true; more && running > 0; {
			select {
			case o := <-done:
				outs, running = append(outs, o), running-1
			default:
				more = false
			}
		}
		stopping := ctx.Err() != nil
		free := slots - running
		var c Claim
		if !stopping && free > 0 && (len(outs) > 0 || free >= half || running == 0 || polled) {
			now := w.Now()
			c = Claim{Kinds: kinds, N: free, Lease: w.Config.Lease, Token: newToken(), Now: now,
				DueOnly: !expiredAt.IsZero() && now.Sub(expiredAt) < w.Config.PollInterval}
			if !c.DueOnly {
				expiredAt = now
			}
		}
		var jobs []Job
		if len(outs) > 0 || c.N > 0 {
			jobs = w.record(wctx, outs, c)
			outs = outs[:0]
		}
		for _, j := range jobs {
			running++
			go func() { done <- w.work(wctx, j) }()
		}
		polled = false
		if stopping {
			if running == 0 {
				return nil
			}
			outs, running = append(outs, <-done), running-1
			continue
		}
		if len(jobs) > 0 && len(jobs) == c.N {
			continue // more may be waiting
		}
		if !poll.Stop() {
			select {
			case <-poll.C:
			default:
			}
		}
		poll.Reset(w.Config.PollInterval)
		select {
		case <-ctx.Done():
		case o := <-done:
			outs, running = append(outs, o), running-1
		case <-w.wake:
		case <-poll.C:
			polled = true
		}
	}
}

// RunOnce claims and runs one batch of jobs and returns how many ran;
// each job's outcome is recorded as soon as it ends.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	w.init()
	kinds := w.kinds()
	jobs, err := w.Store.ClaimJobs(ctx, Claim{Kinds: kinds, N: w.Config.Concurrency, Lease: w.Config.Lease,
		Token: newToken(), Now: w.Now()})
	if err != nil {
		return 0, err
	}
	for _, j := range jobs {
		w.record(ctx, []ended{w.work(ctx, j)}, Claim{})
	}
	return len(jobs), nil
}

// kinds lists the job kinds this worker can carry out.
func (w *Worker) kinds() []string {
	kinds := []string{KindRetrain}
	if w.Notifier != nil {
		kinds = append(kinds, KindNotify)
	}
	for k := range w.Handlers {
		kinds = append(kinds, k)
	}
	return kinds
}

func newToken() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Backoff returns the delay before the attempt after attempt (1-based):
// BackoffMin doubled per earlier attempt, capped at BackoffMax, with
// "equal jitter" (between half and all of it) so that many jobs failing
// together do not retry together.
func Backoff(c WorkerConfig, attempt int, jitter float64) time.Duration {
	d := c.BackoffMin
	for i := 1; i < attempt && d < c.BackoffMax; i++ {
		d *= 2
	}
	if d > c.BackoffMax {
		d = c.BackoffMax
	}
	return d/2 + time.Duration(jitter*float64(d/2))
}

var errNoBackend = errors.New("no such retraining backend")

func (w *Worker) errNoRetrainer(backend string) error {
	return forge.Permanent(fmt.Errorf("backend %q: %w (configure backends.%s)", backend, errNoBackend, backend))
}
