package gitlab

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"gitlab.com/mlgate/mlgate/internal/forge"
)

type seenReq struct{ method, path, query, token, body string }

func rollbackServer(t *testing.T, playStatus int) (*Rollbacks, func() []seenReq) {
	t.Helper()
	var mu sync.Mutex
	var seen []seenReq
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, seenReq{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Get("PRIVATE-TOKEN"), string(b)})
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch p := r.URL.EscapedPath(); {
		case r.Method == "GET" && p == "/api/v4/projects/ml%2Frec/pipelines":
			io.WriteString(w, `[{"id": 12, "web_url": "http://gl/p/12"}, {"id": 11, "web_url": "http://gl/p/11"}]`)
		case r.Method == "GET" && p == "/api/v4/projects/ml%2Frec/pipelines/12/jobs":
			io.WriteString(w, `[{"id": 120, "name": "deploy", "status": "manual"}]`)
		case r.Method == "GET" && p == "/api/v4/projects/ml%2Frec/pipelines/11/jobs":
			io.WriteString(w, `[{"id": 111, "name": "rollback", "status": "manual"}]`)
		case r.Method == "POST" && p == "/api/v4/projects/ml%2Frec/jobs/111/play":
			w.WriteHeader(playStatus)
			io.WriteString(w, `{"id": 111, "status": "pending", "web_url": "http://gl/j/111", "pipeline": {"id": 11}}`)
		case r.Method == "POST" && p == "/api/v4/projects/ml%2Frec/pipeline":
			w.WriteHeader(http.StatusCreated)
			io.WriteString(w, `{"id": 13, "status": "created", "web_url": "http://gl/p/13"}`)
		default:
			http.Error(w, `{"message":"404 Not found"}`, http.StatusNotFound)
		}
	}))
	t.Cleanup(srv.Close)
	c, err := New(srv.URL+"/api/v4", Token{Value: "glpat-r", Source: "test"}, Options{RetryMax: -1})
	if err != nil {
		t.Fatal(err)
	}
	return NewRollbacks(c), func() []seenReq { mu.Lock(); defer mu.Unlock(); return append([]seenReq(nil), seen...) }
}

var task = forge.RollbackTask{ApprovalID: 1, Mode: "play", JobName: "rollback", Project: "ml/rec", Ref: "main",
	Version: "v4", Model: "rec"}

func TestRollbackPlaysManualJob(t *testing.T) {
	r, seen := rollbackServer(t, http.StatusOK)
	run, err := r.Rollback(context.Background(), task)
	if err != nil {
		t.Fatal(err)
	}
	if run.ExternalID != 11 || run.WebURL != "http://gl/p/11" || run.Backend != "gitlab" || !strings.Contains(run.Detail, "played job 111") {
		t.Errorf("run %+v", run)
	}
	reqs := seen()
	if len(reqs) != 4 {
		t.Fatalf("requests %+v", reqs)
	}
	if q := reqs[0].query; !strings.Contains(q, "ref=main") || !strings.Contains(q, "sort=desc") || !strings.Contains(q, "per_page=5") {
		t.Errorf("pipelines query %q", q)
	}
	if q := reqs[1].query; q != "scope%5B%5D=manual" {
		t.Errorf("jobs query %q", q)
	}
	play := reqs[3]
	if play.method != "POST" || play.path != "/api/v4/projects/ml%2Frec/jobs/111/play" || play.token != "glpat-r" {
		t.Errorf("play %+v", play)
	}
	var body map[string]any
	json.Unmarshal([]byte(play.body), &body)
	want := `{"job_variables_attributes":[{"key":"MODEL","value":"rec","variable_type":"env_var"},{"key":"ROLLBACK_TO","value":"v4","variable_type":"env_var"}]}`
	if b, _ := json.Marshal(body); string(b) != want {
		t.Errorf("play body\n got %s\nwant %s", b, want)
	}
}

func TestRollbackPipelineMode(t *testing.T) {
	r, seen := rollbackServer(t, http.StatusOK)
	tk := task
	tk.Mode = "pipeline"
	run, err := r.Rollback(context.Background(), tk)
	if err != nil || run.ExternalID != 13 {
		t.Fatalf("run %+v, %v", run, err)
	}
	reqs := seen()
	want := `{"ref":"main","variables":[{"key":"MODEL","value":"rec","variable_type":"env_var"},{"key":"ROLLBACK_TO","value":"v4","variable_type":"env_var"}]}`
	if len(reqs) != 1 || reqs[0].path != "/api/v4/projects/ml%2Frec/pipeline" || reqs[0].body != want {
		t.Errorf("requests %+v", reqs)
	}
}

func TestRollbackErrors(t *testing.T) {
	tk := task
	tk.JobName = "undo"
	r, _ := rollbackServer(t, http.StatusOK)
	_, err := r.Rollback(context.Background(), tk)
	if !errors.Is(err, forge.ErrPermanent) || !strings.Contains(err.Error(), `no manual job "undo" in the 2 newest pipelines of ml/rec@main`) {
		t.Errorf("missing job: %v", err)
	}
	for status, permanent := range map[int]bool{http.StatusForbidden: true, http.StatusBadGateway: false} {
		r, _ := rollbackServer(t, status)
		_, err := r.Rollback(context.Background(), task)
		if err == nil || errors.Is(err, forge.ErrPermanent) != permanent {
			t.Errorf("play answering %d: %v (permanent %v)", status, err, errors.Is(err, forge.ErrPermanent))
		}
		if err != nil && strings.Contains(err.Error(), "glpat") {
			t.Errorf("token in error: %v", err)
		}
	}
}
