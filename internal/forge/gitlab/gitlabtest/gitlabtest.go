// Package gitlabtest is a stand-in for GitLab's pipelines API, for tests
// at the network edge: it creates pipelines (POST /projects/:id/pipeline),
// lists them with GitLab's filters (ref, source, name, created_after,
// created_before; order_by=id, newest first, paginated) and reads their
// variables; it lists a pipeline's jobs, reads a job and plays a manual
// one (jobs.go); on a clock that may run ahead of the caller's, with a latency
// per call, and it records what it was sent. Its mode makes it fail the way
// a GitLab does: an outage, a call that hangs, an answer that is lost.
package gitlabtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/forge"
)

// The modes of a Server: how it answers create-pipeline calls (and, for
// ModeOutage, every call).
const (
	ModeOK     = "ok"     // 201, the pipeline is created
	ModeOutage = "503"    // every call answers 503 (an outage)
	ModeHang   = "hang"   // create calls never answer until Release
	ModeLose   = "lose"   // the pipeline is created, the answer never comes
	ModeDrop   = "drop"   // the pipeline is created, the connection drops
	ModeLoseN  = "lose-n" // like ModeDrop for the create calls LoseEvery picks, ModeOK otherwise
)

// Pipeline is a stored pipeline; CreatedAt is on the server's clock.
type Pipeline struct {
	ID        int64
	Ref       string
	Source    string
	Name      string
	Variables map[string]string
	CreatedAt time.Time
	// Token is the PRIVATE-TOKEN of the call that created it.
	Token string
}

// Counts are the calls the server answered, by kind.
type Counts struct {
	Lists, VariableReads, Creates, Refused int
}

// Server is the stand-in. Set its fields before the first call.
type Server struct {
	*httptest.Server
	// Project is the project's escaped path or id in URLs ("ml%2Frec").
	Project string
	// Latency is added to every call.
	Latency time.Duration
	// AnswerDelay is added to a create call after the pipeline is
	// created, before it is answered (ModeOK): a test can act while the
	// caller waits for the answer.
	AnswerDelay time.Duration
	// Skew is how far the server's clock runs ahead of the caller's.
	Skew time.Duration
	// Named makes pipelines take the name in MLGATE_PIPELINE_NAME, as
	// `workflow: name: $MLGATE_PIPELINE_NAME` does.
	Named bool
	// NoFilters ignores name, created_after and created_before, as a
	// GitLab older than those filters does.
	NoFilters bool
	// LoseEvery, in ModeLoseN, drops the answer of every LoseEvery-th
	// create call (the first, then every LoseEvery-th after it); create
	// and play calls are counted together.
	LoseEvery int
	// Stored, when set, is called with "create" or "play" and the request
	// once a pipeline is created or a job played, before the answer is
	// written: a test can crash the caller while its answer is on the way.
	Stored func(kind string, r *http.Request)
	// Redeploy makes each play of a manual job deploy again: a new
	// pipeline on the job's ref with a manual job of the same name.
	Redeploy bool

	// Arrived receives one value per create call.
	Arrived chan struct{}

	mu        sync.Mutex
	mode      string
	pipelines []Pipeline
	created   []Pipeline
	counts    Counts
	creates   int
	nextID    int64
	hung      chan struct{}
	jobs      []*Job
	plays     []Play
	nextJob   int64
}

// New starts a server for project, closed when the test ends.
func New(t testing.TB, project string) *Server {
	s := Start(project)
	t.Cleanup(s.Stop)
	return s
}

// Start starts a server for project outside a test (bench/mlbot/soak);
// Stop ends it.
func Start(project string) *Server {
	s := &Server{Project: project, mode: ModeOK, hung: make(chan struct{}), Arrived: make(chan struct{}, 100000), nextID: 1,
		nextJob: 1}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Stop lets hanging calls end and closes the server.
func (s *Server) Stop() {
	s.SetMode(ModeOK)
	s.Release()
	s.Server.CloseClientConnections()
	s.Server.Close()
}

// Now is the server's clock.
func (s *Server) Now() time.Time { return time.Now().Add(s.Skew) }

// Add stores pipelines made elsewhere (history); their IDs are assigned
// in order, after the ones stored before.
func (s *Server) Add(ps ...Pipeline) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range ps {
		p.ID = s.nextID
		s.nextID++
		s.pipelines = append(s.pipelines, p)
	}
}

// AddHistory stores n pipelines of other mlbot jobs (MLGATE_JOB_ID
// 100000 and up) on ref from source api, created a second apart, the last
// one at until (the server's clock); named as Named says.
func (s *Server) AddHistory(n int, ref string, until time.Time) {
	ps := make([]Pipeline, n)
	for i := range ps {
		job := int64(100000 + i)
		ps[i] = Pipeline{Ref: ref, Source: "api", CreatedAt: until.Add(time.Duration(i+1-n) * time.Second),
			Variables: map[string]string{forge.JobIDVariable: strconv.FormatInt(job, 10), "MODEL": "rec"}}
		if s.Named {
			ps[i].Name = forge.PipelineName(job)
		}
	}
	s.Add(ps...)
}

// SetMode changes how the server answers.
func (s *Server) SetMode(m string) { s.mu.Lock(); s.mode = m; s.mu.Unlock() }

// Release lets hanging calls end.
func (s *Server) Release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.hung:
	default:
		close(s.hung)
	}
}

// Created returns the pipelines created through the API, in order.
func (s *Server) Created() []Pipeline {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Pipeline(nil), s.created...)
}

// Counts returns the calls answered so far.
func (s *Server) Counts() Counts {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	time.Sleep(s.Latency)
	s.mu.Lock()
	mode := s.mode
	s.mu.Unlock()
	w.Header().Set("Date", s.Now().UTC().Format(http.TimeFormat))
	w.Header().Set("Content-Type", "application/json")
	if mode == ModeOutage {
		s.mu.Lock()
		s.counts.Refused++
		s.mu.Unlock()
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, `{"message":"503 Service Unavailable"}`)
		return
	}
	prefix := "/api/v4/projects/" + s.Project + "/pipeline"
	path := r.URL.EscapedPath()
	switch {
	case r.Method == "POST" && path == prefix:
		s.create(w, r, mode)
	case r.Method == "GET" && path == prefix+"s":
		s.list(w, r)
	case r.Method == "GET" && strings.HasPrefix(path, prefix+"s/") && strings.HasSuffix(path, "/variables"):
		s.variables(w, strings.TrimSuffix(strings.TrimPrefix(path, prefix+"s/"), "/variables"))
	case r.Method == "GET" && strings.HasPrefix(path, prefix+"s/") && strings.HasSuffix(path, "/jobs"):
		s.pipelineJobs(w, r, strings.TrimSuffix(strings.TrimPrefix(path, prefix+"s/"), "/jobs"))
	case strings.HasPrefix(path, "/api/v4/projects/"+s.Project+"/jobs/"):
		s.job(w, r, strings.TrimPrefix(path, "/api/v4/projects/"+s.Project+"/jobs/"))
	default:
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"message":"404 Not Found"}`)
	}
}

func (s *Server) create(w http.ResponseWriter, r *http.Request, mode string) {
	var body struct {
		Ref       string              `json:"ref"`
		Variables []map[string]string `json:"variables"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Ref == "" {
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"message":"ref is missing"}`)
		return
	}
	p := Pipeline{Ref: body.Ref, Source: "api", Variables: map[string]string{}, Token: r.Header.Get("PRIVATE-TOKEN")}
	for _, v := range body.Variables {
		if v["variable_type"] != "env_var" {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"message":"variables: variable_type must be env_var"}`)
			return
		}
		p.Variables[v["key"]] = v["value"]
	}
	s.Arrived <- struct{}{}
	if mode == ModeHang {
		<-s.hung
		return
	}
	s.mu.Lock()
	s.counts.Creates++
	s.creates++
	lose := mode == ModeLose || mode == ModeDrop || (mode == ModeLoseN && s.LoseEvery > 0 && (s.creates-1)%s.LoseEvery == 0)
	p.ID, p.CreatedAt = s.nextID, s.Now()
	s.nextID++
	if s.Named {
		p.Name = p.Variables[forge.PipelineNameVariable]
	}
	s.pipelines = append(s.pipelines, p)
	s.created = append(s.created, p)
	s.mu.Unlock()
	if s.Stored != nil {
		s.Stored("create", r)
	}
	switch {
	case mode == ModeLose:
		<-s.hung
		return
	case lose:
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			conn.Close()
		}
		return
	}
	time.Sleep(s.AnswerDelay)
	w.WriteHeader(http.StatusCreated)
	json.NewEncoder(w).Encode(s.info(p))
}

func (s *Server) info(p Pipeline) map[string]any {
	m := map[string]any{"id": p.ID, "ref": p.Ref, "source": p.Source, "status": "created",
		"created_at": p.CreatedAt.UTC().Format(time.RFC3339Nano), "updated_at": p.CreatedAt.UTC().Format(time.RFC3339Nano),
		"web_url": fmt.Sprintf("%s/%s/-/pipelines/%d", s.URL, strings.ReplaceAll(s.Project, "%2F", "/"), p.ID)}
	if p.Name != "" {
		m["name"] = p.Name
	}
	return m
}

// list answers GET /projects/:id/pipelines as GitLab does: filtered,
// newest first (order_by=id&sort=desc is all it supports), paginated.
func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if (q.Get("order_by") != "" && q.Get("order_by") != "id") || (q.Get("sort") != "" && q.Get("sort") != "desc") {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"message":"this stand-in lists by id, newest first; got %q"}`, r.URL.RawQuery)
		return
	}
	var after, before time.Time
	for key, at := range map[string]*time.Time{"created_after": &after, "created_before": &before} {
		if v := q.Get(key); v != "" && !s.NoFilters {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				w.WriteHeader(http.StatusBadRequest)
				fmt.Fprintf(w, `{"error":"%s is invalid"}`, key)
				return
			}
			*at = t
		}
	}
	page, _ := strconv.Atoi(q.Get("page"))
	per, _ := strconv.Atoi(q.Get("per_page"))
	page, per = max(page, 1), min(max(per, 1), 100)
	if q.Get("per_page") == "" {
		per = 20
	}
	s.mu.Lock()
	s.counts.Lists++
	var match []map[string]any
	for i := len(s.pipelines) - 1; i >= 0; i-- {
		p := s.pipelines[i]
		switch {
		case q.Get("ref") != "" && p.Ref != q.Get("ref"), q.Get("source") != "" && p.Source != q.Get("source"):
		case !s.NoFilters && q.Has("name") && p.Name != q.Get("name"):
		case !after.IsZero() && p.CreatedAt.Before(after), !before.IsZero() && p.CreatedAt.After(before):
		default:
			match = append(match, s.info(p))
		}
	}
	s.mu.Unlock()
	lo, hi := min((page-1)*per, len(match)), min(page*per, len(match))
	json.NewEncoder(w).Encode(append([]map[string]any{}, match[lo:hi]...))
}

func (s *Server) variables(w http.ResponseWriter, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts.VariableReads++
	n, _ := strconv.ParseInt(id, 10, 64)
	for _, p := range s.pipelines {
		if p.ID == n {
			vars := []map[string]string{}
			for k, v := range p.Variables {
				vars = append(vars, map[string]string{"key": k, "value": v, "variable_type": "env_var"})
			}
			json.NewEncoder(w).Encode(vars)
			return
		}
	}
	w.WriteHeader(http.StatusNotFound)
	io.WriteString(w, `{"message":"404 Not Found"}`)
}
