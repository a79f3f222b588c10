package gitlab

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"gitlab.com/mlgate/mlgate/internal/forge"
)

func TestRetrainCreatesPipeline(t *testing.T) {
	var got struct {
		method, path, token, ctype string
		body                       map[string]any
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.method, got.path, got.token, got.ctype = r.Method, r.URL.EscapedPath(), r.Header.Get("PRIVATE-TOKEN"), r.Header.Get("Content-Type")
		b, _ := io.ReadAll(r.Body)
		json.Unmarshal(b, &got.body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"id": 4711, "status": "created", "web_url": "http://gl/ml/rec/-/pipelines/4711"}`)
	}))
	defer srv.Close()
	c, err := New(srv.URL+"/api/v4", Token{Value: "glpat-x", Source: "test"}, Options{RetryMax: -1})
	if err != nil {
		t.Fatal(err)
	}
	run, err := NewPipelines(c, "").Retrain(context.Background(), forge.RetrainTask{Backend: "gitlab", Project: "ml/rec", Ref: "main",
		Variables: map[string]string{"MODEL": "rec", "MLGATE_TRIGGER": "alert"}})
	if err != nil {
		t.Fatal(err)
	}
	if run.ExternalID != 4711 || run.WebURL != "http://gl/ml/rec/-/pipelines/4711" || run.Status != "created" {
		t.Errorf("run = %+v", run)
	}
	if got.method != "POST" || got.path != "/api/v4/projects/ml%2Frec/pipeline" || got.token != "glpat-x" || got.ctype != "application/json" {
		t.Errorf("request %s %s token %q type %q", got.method, got.path, got.token, got.ctype)
	}
	want := `{"ref":"main","variables":[{"key":"MLGATE_TRIGGER","value":"alert","variable_type":"env_var"},{"key":"MODEL","value":"rec","variable_type":"env_var"}]}`
	if b, _ := json.Marshal(got.body); string(b) != want {
		t.Errorf("body\n got %s\nwant %s", b, want)
	}
}

func TestRetrainErrorKinds(t *testing.T) {
	for _, tc := range []struct {
		status    int
		permanent bool
	}{{400, true}, {404, true}, {403, true}, {429, false}, {500, false}, {503, false}} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(tc.status)
			io.WriteString(w, `{"message":"no"}`)
		}))
		c, _ := New(srv.URL+"/api/v4", Token{Value: "x"}, Options{RetryMax: -1})
		_, err := NewPipelines(c, "").Retrain(context.Background(), forge.RetrainTask{Project: "1", Ref: "main"})
		srv.Close()
		if err == nil || errors.Is(err, forge.ErrPermanent) != tc.permanent {
			t.Errorf("status %d: err %v, permanent %v", tc.status, err, errors.Is(err, forge.ErrPermanent))
		}
	}
}

func TestRetrainWithTriggerToken(t *testing.T) {
	var path, privateToken string
	var body map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path, privateToken = r.URL.EscapedPath(), r.Header.Get("PRIVATE-TOKEN")
		b, _ := io.ReadAll(r.Body)
		json.Unmarshal(b, &body)
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"id": 12, "status": "created"}`)
	}))
	defer srv.Close()
	c, _ := New(srv.URL+"/api/v4", Token{}, Options{RetryMax: -1})
	run, err := NewPipelines(c, "glptt-trigger").Retrain(context.Background(), forge.RetrainTask{Project: "42", Ref: "main",
		Variables: map[string]string{"MODEL": "rec"}})
	if err != nil {
		t.Fatal(err)
	}
	if path != "/api/v4/projects/42/trigger/pipeline" || privateToken != "" || run.ExternalID != 12 {
		t.Errorf("path %s, PRIVATE-TOKEN %q, run %+v", path, privateToken, run)
	}
	if b, _ := json.Marshal(body); string(b) != `{"ref":"main","token":"glptt-trigger","variables":{"MODEL":"rec"}}` {
		t.Errorf("body %s", b)
	}
}
