package gitlab

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestDownloadArtifact(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.Method != http.MethodGet {
			t.Errorf("method %s", r.Method)
		}
		if got := r.URL.EscapedPath(); got != "/api/v4/projects/ml%2Frec/jobs/artifacts/main/raw/mlgate-out/metrics.json" {
			t.Errorf("path %s", got)
		}
		if r.URL.Query().Get("job") != "evaluate" {
			t.Errorf("job query %q", r.URL.RawQuery)
		}
		switch r.Header.Get("PRIVATE-TOKEN") {
		case "secret-token":
			w.Write([]byte(`{"precision@5": 0.2}`))
		case "":
			if r.Header.Get("JOB-TOKEN") == "job-token" {
				w.Write([]byte(`{"precision@5": 0.3}`))
				return
			}
			w.WriteHeader(401)
		default:
			w.WriteHeader(403)
		}
	}))
	defer srv.Close()
	a := Artifact{Project: "ml/rec", Ref: "main", Job: "evaluate", Path: "mlgate-out/metrics.json"}
	ctx := context.Background()

	c, _ := New(srv.URL+"/api/v4", Token{Value: "secret-token", Source: "MLGATE_GITLAB_TOKEN"}, Options{RetryMax: -1})
	b, err := DownloadArtifact(ctx, c, a)
	if err != nil || string(b) != `{"precision@5": 0.2}` {
		t.Fatalf("got %s, %v", b, err)
	}
	jc, _ := New(srv.URL+"/api/v4", Token{Value: "job-token", Kind: JobToken, Source: "CI_JOB_TOKEN"}, Options{RetryMax: -1})
	if b, err := DownloadArtifact(ctx, jc, a); err != nil || !strings.Contains(string(b), "0.3") {
		t.Fatalf("job token: %s, %v", b, err)
	}
	bad, _ := New(srv.URL+"/api/v4", Token{Value: "other", Source: "X"}, Options{RetryMax: -1})
	_, err = DownloadArtifact(ctx, bad, a)
	if err == nil || !strings.Contains(err.Error(), "403 Forbidden") || strings.Contains(err.Error(), "other") {
		t.Errorf("403: %v", err)
	}
}

func TestDownloadArtifactNotFoundAndRetry(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		if strings.Contains(r.URL.Path, "missing") {
			w.WriteHeader(404)
			w.Write([]byte(`{"message":"404 Not found"}`))
			return
		}
		if n < 3 {
			w.WriteHeader(503)
			return
		}
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	c, _ := New(srv.URL+"/api/v4", Token{Value: "t"}, Options{RetryMax: 3, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})
	b, err := DownloadArtifact(context.Background(), c, Artifact{Project: "1", Ref: "main", Job: "j", Path: "m.json"})
	if err != nil || string(b) != "ok" || calls.Load() != 3 {
		t.Fatalf("retry on 503: %s %v after %d calls", b, err, calls.Load())
	}
	_, err = DownloadArtifact(context.Background(), c, Artifact{Project: "1", Ref: "main", Job: "j", Path: "missing.json"})
	if !errors.Is(err, ErrNoArtifact) {
		t.Errorf("404: %v", err)
	}
}
