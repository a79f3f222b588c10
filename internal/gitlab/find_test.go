package gitlab

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/mlbot"
)

// pipelineFake is a GitLab with stored pipelines: it lists them (newest
// first, paginated, filtered by ref and source), answers their variables
// and creates new ones; failList makes listing answer that status.
type pipelineFake struct {
	mu        sync.Mutex
	pipelines []fakePipeline
	reqs      []string // method, escaped path and query
	tokens    []string
	failList  int
	srv       *httptest.Server
}

type fakePipeline struct {
	ID     int64
	Ref    string
	Source string
	Vars   map[string]string
}

func newPipelineFake(t *testing.T, ps ...fakePipeline) *pipelineFake {
	f := &pipelineFake{pipelines: ps}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *pipelineFake) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	path := r.URL.EscapedPath()
	f.reqs = append(f.reqs, r.Method+" "+path+"?"+r.URL.RawQuery)
	f.tokens = append(f.tokens, r.Header.Get("PRIVATE-TOKEN"))
	const prefix = "/api/v4/projects/ml%2Frec/pipeline"
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.Method == "GET" && path == prefix+"s":
		if f.failList != 0 {
			w.WriteHeader(f.failList)
			io.WriteString(w, `{"message":"no"}`)
			return
		}
		q := r.URL.Query()
		var page []map[string]any
		for i := len(f.pipelines) - 1; i >= 0; i-- {
			p := f.pipelines[i]
			if p.Ref == q.Get("ref") && p.Source == q.Get("source") {
				page = append(page, map[string]any{"id": p.ID, "ref": p.Ref, "source": p.Source, "status": "running",
					"web_url": fmt.Sprintf("http://gl/ml/rec/-/pipelines/%d", p.ID)})
			}
		}
		var n, per int
		fmt.Sscan(q.Get("page"), &n)
		fmt.Sscan(q.Get("per_page"), &per)
		lo, hi := min((n-1)*per, len(page)), min(n*per, len(page))
		json.NewEncoder(w).Encode(page[lo:hi])
	case r.Method == "GET" && strings.HasPrefix(path, prefix+"s/") && strings.HasSuffix(path, "/variables"):
		var id int64
		fmt.Sscan(strings.TrimSuffix(strings.TrimPrefix(path, prefix+"s/"), "/variables"), &id)
		vars := []map[string]string{}
		for _, p := range f.pipelines {
			if p.ID == id {
				for k, v := range p.Vars {
					vars = append(vars, map[string]string{"key": k, "value": v, "variable_type": "env_var"})
				}
			}
		}
		json.NewEncoder(w).Encode(vars)
	case r.Method == "POST" && path == prefix:
		var body struct {
			Ref       string              `json:"ref"`
			Variables []map[string]string `json:"variables"`
		}
		json.NewDecoder(r.Body).Decode(&body)
		p := fakePipeline{ID: int64(100 + len(f.pipelines)), Ref: body.Ref, Source: "api", Vars: map[string]string{}}
		for _, v := range body.Variables {
			p.Vars[v["key"]] = v["value"]
		}
		f.pipelines = append(f.pipelines, p)
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, `{"id": %d, "status": "created", "web_url": "http://gl/ml/rec/-/pipelines/%d"}`, p.ID, p.ID)
	default:
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"message":"404 Not Found"}`)
	}
}

func (f *pipelineFake) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.reqs...)
}

// TestRetrainAdoptsEarlierPipeline covers a retried job: the pipeline its
// lost attempt created is found by MLGATE_JOB_ID and adopted, among other
// jobs' pipelines, other refs and sources, across pages; without one, a
// new pipeline carries MLGATE_JOB_ID; a first attempt does not search; a
// failing search is retried rather than creating a pipeline blind.
func TestRetrainAdoptsEarlierPipeline(t *testing.T) {
	since := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	others := func(n int) []fakePipeline {
		var ps []fakePipeline
		for i := range n {
			ps = append(ps, fakePipeline{ID: int64(i + 1), Ref: "main", Source: "api", Vars: map[string]string{"MLGATE_JOB_ID": fmt.Sprint(1000 + i)}})
		}
		return ps
	}
	mine := fakePipeline{ID: 77, Ref: "main", Source: "api", Vars: map[string]string{"MODEL": "rec", "MLGATE_JOB_ID": "7"}}
	task := mlbot.RetrainTask{Backend: "gitlab", Project: "ml/rec", Ref: "main", Variables: map[string]string{"MODEL": "rec"}, JobID: 7, Since: since}
	listQuery := "order_by=id&page=1&per_page=100&ref=main&sort=desc&source=api&updated_after=2026-11-23T09%3A50%3A00Z"
	tests := []struct {
		name      string
		stored    []fakePipeline
		task      mlbot.RetrainTask
		failList  int
		wantID    int64
		wantErr   string // "retryable" or ""
		wantPosts int
		wantFirst string // the first request
	}{
		{"adopts the lost attempt's pipeline", append([]fakePipeline{mine}, others(3)...), task, 0, 77, "", 0,
			"GET /api/v4/projects/ml%2Frec/pipelines?" + listQuery},
		{"finds it on the second page", append([]fakePipeline{mine, {ID: 90, Ref: "dev", Source: "api"}}, others(120)...), task, 0, 77, "", 0, ""},
		{"ignores a same-id pipeline on another ref or source", []fakePipeline{{ID: 5, Ref: "dev", Source: "api", Vars: mine.Vars},
			{ID: 6, Ref: "main", Source: "web", Vars: mine.Vars}}, task, 0, 100 + 2, "", 1, ""},
		{"creates one when none is found", others(2), task, 0, 102, "", 1, ""},
		{"first attempt does not search", []fakePipeline{mine}, mlbot.RetrainTask{Backend: "gitlab", Project: "ml/rec", Ref: "main", JobID: 7},
			0, 101, "", 1, "POST /api/v4/projects/ml%2Frec/pipeline?"},
		{"search answered 503: retried later", nil, task, 503, 0, "retryable", 0, ""},
		{"search answered 403: permanent", nil, task, 403, 0, "permanent", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newPipelineFake(t, tt.stored...)
			f.failList = tt.failList
			c, err := New(f.srv.URL+"/api/v4", Token{Value: "glpat-x", Source: "test"}, Options{RetryMax: -1})
			if err != nil {
				t.Fatal(err)
			}
			run, err := NewPipelines(c, "").Retrain(context.Background(), tt.task)
			switch tt.wantErr {
			case "":
				if err != nil {
					t.Fatal(err)
				}
			case "retryable", "permanent":
				if err == nil || errors.Is(err, mlbot.ErrPermanent) != (tt.wantErr == "permanent") {
					t.Fatalf("err %v, want %s", err, tt.wantErr)
				}
			}
			if run.ExternalID != tt.wantID {
				t.Errorf("run %+v, want pipeline %d", run, tt.wantID)
			}
			posts := 0
			for _, r := range f.requests() {
				if strings.HasPrefix(r, "POST ") {
					posts++
				}
			}
			if posts != tt.wantPosts {
				t.Errorf("%d create-pipeline calls, want %d: %v", posts, tt.wantPosts, f.requests())
			}
			if tt.wantFirst != "" && f.requests()[0] != tt.wantFirst {
				t.Errorf("first request %q, want %q", f.requests()[0], tt.wantFirst)
			}
			for _, tok := range f.tokens {
				if tok != "glpat-x" {
					t.Errorf("PRIVATE-TOKEN %q", tok)
				}
			}
			f.mu.Lock()
			defer f.mu.Unlock()
			for _, p := range f.pipelines[len(tt.stored):] {
				if p.Vars["MLGATE_JOB_ID"] != "7" || (tt.task.Variables["MODEL"] != "" && p.Vars["MODEL"] != "rec") {
					t.Errorf("created pipeline variables %v, want MLGATE_JOB_ID 7 and the task's", p.Vars)
				}
			}
		})
	}
}
