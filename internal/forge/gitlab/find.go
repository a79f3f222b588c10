package gitlab

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go"
	"gitlab.com/mlgate/mlgate/internal/forge"
)

// Bounds of the search for an earlier attempt's pipeline. Its cost is one
// request when the project names its pipelines, otherwise one request
// plus one per listed page and one per candidate whose variables are read.
const (
	// clockSkew widens the window when GitLab's clock is unknown (its
	// answer had no Date header).
	clockSkew = 10 * time.Minute
	// windowMargin widens the window around GitLab's measured clock:
	// Date has a resolution of one second, and the request took time.
	windowMargin = 5 * time.Second
	// findPerPage pipelines a page, findPages pages at most an attempt.
	findPerPage = 100
	findPages   = 10
	// findReads is how many candidates' variables one attempt reads at
	// most; a larger window is searched on over the next attempts.
	findReads = 25
)

// errSearchUnfinished means the window held more candidates than one
// attempt reads: the job is retried and the search goes on where it
// stopped.
var errSearchUnfinished = errors.New("search unfinished")

// lookups is what the search remembers between attempts in this process.
type lookups struct {
	mu sync.Mutex
	// named records, per project, whether the last pipeline mlbot created
	// there took the name it was given (the project's CI configuration
	// sets workflow:name from MLGATE_PIPELINE_NAME): a search by name
	// that finds nothing there means that no pipeline was created.
	named map[string]bool
	// read holds, per job, the pipelines whose variables were read
	// without a match, so that a retried search goes on instead of
	// starting over.
	read map[int64]map[int64]bool
	// tried holds, per job, the attempts this process made.
	tried map[int64]*tried
	// page holds, per job, the listing an unfinished search stopped in:
	// its upper bound and the page it reached; the next attempt lists on
	// from there with the same bound, so a search of more pipelines than
	// one attempt lists finishes. (A cursor of creation times could not
	// move below a second holding more pipelines than an attempt lists:
	// GitLab's created_at has a resolution of a second.) A listing with a
	// fixed bound keeps its pages: no create call happens while a search
	// is unfinished, pipelines created since lie above the bound, and one
	// deleted meanwhile shifts them by one.
	page map[int64]listed
}

type listed struct {
	before time.Time
	page   int64
}

// tried is what a job's attempts in this process did: how many there
// were, and the span of those whose create call may have reached GitLab
// without its answer reaching mlbot (this machine's clock).
type tried struct {
	n        int
	maybe    bool
	from, to time.Time
}

// maxTracked bounds the jobs whose attempts are remembered; past it the
// memory is dropped, and searches fall back to the job's whole life.
const maxTracked = 10000

// attempted records an attempt of job; maybe says its create call may
// have created a pipeline between from and to.
func (l *lookups) attempted(job int64, maybe bool, from, to time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.tried == nil || len(l.tried) >= maxTracked {
		l.tried = map[int64]*tried{}
	}
	h := l.tried[job]
	if h == nil {
		h = &tried{}
		l.tried[job] = h
	}
	h.n++
	if maybe {
		if !h.maybe || from.Before(h.from) {
			h.from = from
		}
		if !h.maybe || to.After(h.to) {
			h.to = to
		}
		h.maybe = true
	}
}

// window returns the span (this machine's clock) in which an earlier
// attempt of t's job may have created a pipeline, and whether to search
// at all. When this process made every earlier attempt, it knows: none
// whose create call may have gone through means no search. Otherwise
// (a restart, another replica, `mlbot jobs retry`) the span is the job's
// life so far.
func (l *lookups) window(t forge.RetrainTask) (from, to time.Time, search bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if h := l.tried[t.JobID]; h != nil && h.n >= 1 && h.n == t.Attempt-1 {
		return h.from, h.to, h.maybe
	}
	return t.Since, time.Now(), true
}

func (l *lookups) setNamed(project string, named bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.named == nil {
		l.named = map[string]bool{}
	}
	l.named[project] = named
}

func (l *lookups) isNamed(project string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.named[project]
}

// wasRead reports whether pipeline id was inspected for job; mark records it.
func (l *lookups) wasRead(job, id int64) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.read[job][id]
}

func (l *lookups) mark(job, id int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.read == nil {
		l.read = map[int64]map[int64]bool{}
	}
	if l.read[job] == nil {
		l.read[job] = map[int64]bool{}
	}
	l.read[job][id] = true
}

func (l *lookups) forget(job int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.read, job)
	delete(l.tried, job)
	delete(l.page, job)
}

// stoppedAt records that job's search listing pipelines created before
// before stopped at page.
func (l *lookups) stoppedAt(job int64, before time.Time, page int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.page == nil || len(l.page) >= maxTracked {
		l.page = map[int64]listed{}
	}
	l.page[job] = listed{before, page}
}

// listing returns where job's last unfinished listing stopped.
func (l *lookups) listing(job int64) (listed, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	p, ok := l.page[job]
	return p, ok
}

// mayHaveCreated says whether a create call that failed with err (resp
// its answer, if any) may have created the pipeline all the same. GitLab
// answering 4xx, 429 or 503 refused it; a call that never connected was
// not sent. A timeout, a dropped connection, another 5xx may hide a
// pipeline.
func mayHaveCreated(resp *gl.Response, err error) bool {
	if s := statusOf(resp); (s >= 400 && s < 500) || s == http.StatusServiceUnavailable {
		return false
	}
	var op *net.OpError
	return !(errors.As(err, &op) && op.Op == "dial")
}

// find looks for the pipeline an earlier attempt of job t.JobID created
// (GitLab's create-pipeline API has no idempotency key; this search keeps
// a lost answer from becoming a second pipeline). It never spends more
// than half of ctx's time, and its requests are bounded whatever the
// project's history:
//
//  1. By name: the pipelines on t.Ref from source api (trigger) named
//     PipelineName(t.JobID), one request. A match whose MLGATE_JOB_ID
//     variable is the job's is adopted. Where the project is known to name
//     its pipelines, no match means none was created.
//  2. Otherwise by time: the pipelines on the ref from that source created
//     between from and to (see lookups.window), on GitLab's clock (read
//     from the Date header of the first answer, plus or minus
//     windowMargin), newest first; the variables of at most findReads of
//     them per attempt.
func (p *Pipelines) find(ctx context.Context, t forge.RetrainTask, from, to time.Time) (forge.Run, bool, error) {
	if dl, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, time.Now().Add(time.Until(dl)/2))
		defer cancel()
	}
	source := "api"
	if p.triggerToken != "" {
		source = "trigger"
	}
	name := forge.PipelineName(t.JobID)
	opt := &gl.ListProjectPipelinesOptions{
		ListOptions: gl.ListOptions{PerPage: 5, Page: 1},
		Ref:         gl.Ptr(t.Ref), Source: gl.Ptr(source), Name: gl.Ptr(name),
	}
	sent := time.Now()
	pls, resp, err := p.client.Pipelines.ListProjectPipelines(t.Project, opt, gl.WithContext(ctx))
	if err != nil {
		return forge.Run{}, false, p.searchError(t, resp, err)
	}
	offset, margin := gitlabClock(resp, sent)
	honoured := true
	for _, pl := range pls {
		if pl.Name != name {
			honoured = false // a GitLab without the name filter
			continue
		}
		if run, ok, err := p.check(ctx, t, pl); err != nil || ok {
			return run, ok, err
		}
	}
	if honoured && p.look.isNamed(t.Project) {
		return forge.Run{}, false, nil
	}
	return p.scan(ctx, t, source, from.Add(offset-margin), to.Add(offset+margin))
}

// scan reads the variables of the pipelines on the ref created between
// after and before (GitLab's clock), newest first, skipping those an
// earlier attempt read.
func (p *Pipelines) scan(ctx context.Context, t forge.RetrainTask, source string, after, before time.Time) (forge.Run, bool, error) {
	first := int64(1)
	if l, ok := p.look.listing(t.JobID); ok && !l.before.After(before) {
		// Go on with the last attempt's listing, from the page it
		// stopped in (see lookups.page).
		before, first = l.before, l.page
	}
	opt := &gl.ListProjectPipelinesOptions{
		ListOptions: gl.ListOptions{PerPage: findPerPage},
		Ref:         gl.Ptr(t.Ref), Source: gl.Ptr(source),
		CreatedAfter: gl.Ptr(after.UTC()), CreatedBefore: gl.Ptr(before.UTC()),
		OrderBy: gl.Ptr("id"), Sort: gl.Ptr("desc"),
	}
	reads := 0
	for page := first; page < first+findPages; page++ {
		opt.Page = page
		pls, resp, err := p.client.Pipelines.ListProjectPipelines(t.Project, opt, gl.WithContext(ctx))
		if err != nil {
			return forge.Run{}, false, p.searchError(t, resp, err)
		}
		older := len(pls) > 0 // a GitLab without created_after: a page all older ends it
		for _, pl := range pls {
			if pl.CreatedAt == nil || !pl.CreatedAt.Before(after) {
				older = false
			}
			if pl.CreatedAt != nil && (pl.CreatedAt.Before(after) || pl.CreatedAt.After(before)) || p.look.wasRead(t.JobID, pl.ID) {
				continue
			}
			if reads == findReads || ctx.Err() != nil {
				p.look.stoppedAt(t.JobID, before, page)
				return forge.Run{}, false, fmt.Errorf("look for the pipeline of job %d on %s@%s: %w: %d pipelines read this attempt, more were created since the job was queued (set workflow:name from %s to make it one request)",
					t.JobID, t.Project, t.Ref, errSearchUnfinished, reads, forge.PipelineNameVariable)
			}
			reads++
			if run, ok, err := p.check(ctx, t, pl); err != nil || ok {
				return run, ok, err
			}
			p.look.mark(t.JobID, pl.ID)
		}
		if older || len(pls) < findPerPage {
			p.look.forget(t.JobID)
			return forge.Run{}, false, nil
		}
	}
	p.look.stoppedAt(t.JobID, before, first+findPages)
	return forge.Run{}, false, fmt.Errorf("look for the pipeline of job %d on %s@%s: %w: more than %d pipelines were created on the ref since the job was queued (set workflow:name from %s to make it one request)",
		t.JobID, t.Project, t.Ref, errSearchUnfinished, findPages*findPerPage, forge.PipelineNameVariable)
}

// check reads pl's variables and says whether it is job t.JobID's.
func (p *Pipelines) check(ctx context.Context, t forge.RetrainTask, pl *gl.PipelineInfo) (forge.Run, bool, error) {
	vs, resp, err := p.client.Pipelines.GetPipelineVariables(t.Project, pl.ID, gl.WithContext(ctx))
	if err != nil {
		return forge.Run{}, false, forge.ClassifyHTTP(statusOf(resp),
			fmt.Errorf("read the variables of pipeline %d on %s: %w", pl.ID, t.Project, err))
	}
	want := strconv.FormatInt(t.JobID, 10)
	for _, v := range vs {
		if v.Key == forge.JobIDVariable && v.Value == want {
			p.look.forget(t.JobID)
			return forge.Run{Backend: "gitlab", Project: t.Project, ExternalID: pl.ID, WebURL: pl.WebURL,
				Status: pl.Status, Detail: "(created by an earlier attempt whose answer was lost)"}, true, nil
		}
	}
	return forge.Run{}, false, nil
}

func (p *Pipelines) searchError(t forge.RetrainTask, resp *gl.Response, err error) error {
	return forge.ClassifyHTTP(statusOf(resp),
		fmt.Errorf("look for the pipeline of job %d on %s@%s: %w", t.JobID, t.Project, t.Ref, err))
}

// gitlabClock returns how far GitLab's clock is ahead of this machine's,
// from the Date header of an answer to a request sent at sent, and the
// margin of that reading; clockSkew as the margin when there is none.
func gitlabClock(resp *gl.Response, sent time.Time) (offset, margin time.Duration) {
	if resp == nil || resp.Response == nil {
		return 0, clockSkew
	}
	date, err := http.ParseTime(resp.Header.Get("Date"))
	if err != nil {
		return 0, clockSkew
	}
	now := time.Now()
	return date.Sub(now), windowMargin + now.Sub(sent)
}
