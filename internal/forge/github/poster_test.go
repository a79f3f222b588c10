package github

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	gates "gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/report"
)

const (
	testToken = "ghs_SECRETtokenNEVERprinted"
	headSHA   = "feedfacefeedfacefeedfacefeedfacefeedface"
	runURL    = "https://github.com/ml/rec/actions/runs/77"
)

type request struct {
	Method, Path, Query string
	Header              http.Header
	Body                map[string]any
}

// fakeGitHub stands for GitHub's REST API: issue comments (paginated with
// Link headers) and commit statuses; it records every request.
type fakeGitHub struct {
	t        *testing.T
	mu       sync.Mutex
	reqs     []request
	comments []map[string]any
	next     int64
	fail     func(*http.Request) int
	srv      *httptest.Server
}

func newFakeGitHub(t *testing.T, others int) *fakeGitHub {
	f := &fakeGitHub{t: t, next: 9000}
	for i := range others {
		f.comments = append(f.comments, map[string]any{"id": int64(i + 1), "body": fmt.Sprintf("nice %d", i)})
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeGitHub) requests() []request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]request(nil), f.reqs...)
}

func (f *fakeGitHub) serve(w http.ResponseWriter, r *http.Request) {
	rec := request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: map[string]any{}}
	if r.Body != nil && r.ContentLength != 0 {
		if err := json.NewDecoder(r.Body).Decode(&rec.Body); err != nil {
			f.t.Errorf("%s %s: body not JSON: %v", r.Method, r.URL.Path, err)
		}
	}
	f.mu.Lock()
	f.reqs = append(f.reqs, rec)
	f.mu.Unlock()
	if f.fail != nil {
		if code := f.fail(r); code != 0 {
			w.WriteHeader(code)
			fmt.Fprintf(w, `{"message":"%s"}`, http.StatusText(code))
			return
		}
	}
	const comments = "/repos/ml/rec/issues/12/comments"
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case r.Method == "GET" && r.URL.Path == comments:
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		page = max(page, 1)
		per, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
		if per == 0 {
			per = 30
		}
		lo, hi := min((page-1)*per, len(f.comments)), min(page*per, len(f.comments))
		if hi < len(f.comments) {
			w.Header().Set("Link", fmt.Sprintf(`<%s%s?page=%d&per_page=%d>; rel="next"`, f.srv.URL, comments, page+1, per))
		}
		json.NewEncoder(w).Encode(f.comments[lo:hi])
	case r.Method == "POST" && r.URL.Path == comments:
		f.next++
		c := map[string]any{"id": f.next, "body": rec.Body["body"], "html_url": fmt.Sprintf("https://github.com/ml/rec/pull/12#issuecomment-%d", f.next)}
		f.comments = append(f.comments, c)
		w.WriteHeader(201)
		json.NewEncoder(w).Encode(c)
	case r.Method == "PATCH" && strings.HasPrefix(r.URL.Path, "/repos/ml/rec/issues/comments/"):
		id, _ := strconv.ParseInt(strings.TrimPrefix(r.URL.Path, "/repos/ml/rec/issues/comments/"), 10, 64)
		for _, c := range f.comments {
			if c["id"] == id {
				c["body"] = rec.Body["body"]
				json.NewEncoder(w).Encode(c)
				return
			}
		}
		w.WriteHeader(404)
	case r.Method == "POST" && r.URL.Path == "/repos/ml/rec/statuses/"+headSHA:
		w.WriteHeader(201)
		json.NewEncoder(w).Encode(rec.Body)
	default:
		f.t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
		w.WriteHeader(404)
	}
}

func testReport(p float64) *gates.Report {
	r := &gates.Report{Schema: gates.SchemaVersion, Name: "offline", ModelVersion: "recommender-v1.5.0"}
	g := gates.Result{Gate: "compare", Title: "Gate 3: offline metrics", Summary: strings.Repeat("precision@5 kept. ", 12),
		Checks: []gates.Check{{Name: "precision@5", Candidate: gates.F(p), Baseline: gates.F(0.2), Status: gates.Pass}}}
	g.Finish()
	r.Add(g)
	r.Add(gates.Result{Gate: "drift", Title: "Feature drift", Status: gates.Fail, Summary: "age drifted"})
	return r
}

func newPoster(t *testing.T, f *fakeGitHub, logs *bytes.Buffer, retries int) *Poster {
	t.Helper()
	p, err := NewPoster(Env{Owner: "ml", Repo: "rec", SHA: headSHA, PR: 12, APIURL: f.srv.URL, Token: testToken},
		Options{RetryMax: retries, RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond,
			Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPostCreatesThenEditsTheSameComment(t *testing.T) {
	f := newFakeGitHub(t, 230) // the new comment is the 231st: page 3 at 100 per page
	var logs, out bytes.Buffer
	p := newPoster(t, f, &logs, 2)
	opts := report.PostOptions{StatusURL: runURL, MaxComment: MaxCommentLength, Charts: true, Log: &out}
	first, err := report.Post(context.Background(), p, testReport(0.21), opts)
	if err != nil || first.Comment == nil || !first.Comment.Created || first.Statuses != 2 || first.Images != 0 {
		t.Fatalf("first: %+v %v", first, err)
	}
	n := len(f.requests())
	second, err := report.Post(context.Background(), p, testReport(0.19), opts)
	if err != nil || second.Comment == nil || second.Comment.Created || second.Comment.ID != first.Comment.ID {
		t.Fatalf("second: %+v %v", second.Comment, err)
	}
	var gets []string
	var statuses, patches []request
	for i, r := range f.requests() {
		if r.Header.Get("Authorization") != "Bearer "+testToken || !strings.HasPrefix(r.Header.Get("User-Agent"), "mlgate") {
			t.Errorf("%s %s: headers %v", r.Method, r.Path, r.Header)
		}
		switch {
		case r.Method == "GET" && i >= n:
			gets = append(gets, r.Query)
		case r.Method == "POST" && strings.HasSuffix(r.Path, "/comments") && i >= n:
			t.Error("second run created a comment")
		case r.Method == "PATCH":
			patches = append(patches, r)
		case strings.Contains(r.Path, "/statuses/") && i < n:
			statuses = append(statuses, r)
		}
	}
	if len(gets) != 3 || !strings.Contains(gets[0], "per_page=100") || !strings.Contains(gets[0], "direction=asc") || !strings.Contains(gets[2], "page=3") {
		t.Errorf("pages read: %q", gets)
	}
	if len(patches) != 1 || patches[0].Path != "/repos/ml/rec/issues/comments/9001" ||
		!strings.HasPrefix(patches[0].Body["body"].(string), report.Marker("offline")) || !strings.Contains(patches[0].Body["body"].(string), "| 0.2 | 0.19 |") {
		t.Errorf("patches: %+v", patches)
	}
	want := []struct{ ctx, state string }{{"mlgate/compare", "pending"}, {"mlgate/drift", "pending"}, {"mlgate/compare", "success"}, {"mlgate/drift", "failure"}}
	if len(statuses) != 4 {
		t.Fatalf("%d statuses", len(statuses))
	}
	for i, w := range want {
		s := statuses[i].Body
		if s["context"] != w.ctx || s["state"] != w.state || s["target_url"] != runURL {
			t.Errorf("status %d: %v, want %v", i, s, w)
		}
	}
	if d := statuses[2].Body["description"].(string); len([]rune(d)) != MaxStatusDescription {
		t.Errorf("description of %d runes: %q", len([]rune(d)), d)
	}
	if strings.Contains(logs.String()+out.String(), testToken) {
		t.Error("token in logs or output")
	}
}

func TestPostErrors(t *testing.T) {
	cases := []struct {
		code, retries, perStatus int
		is                       error
		want                     string
	}{
		{401, 2, 1, ErrUnauthorized, "GITHUB_TOKEN is invalid or expired"},
		{403, 2, 1, ErrForbidden, "pull-requests: write, statuses: write"},
		{502, 2, 3, ErrUnavailable, "answered HTTP 502 even after retrying"},
	}
	for _, c := range cases {
		t.Run(strconv.Itoa(c.code), func(t *testing.T) {
			f := newFakeGitHub(t, 0)
			f.fail = func(*http.Request) int { return c.code }
			var logs bytes.Buffer
			_, err := report.Post(context.Background(), newPoster(t, f, &logs, c.retries), testReport(0.2), report.PostOptions{})
			if !errors.Is(err, c.is) || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error()+logs.String(), testToken) {
				t.Fatalf("%v", err)
			}
			// One status (tried perStatus times), then the comment
			// listing, which fails alike.
			if got := len(f.requests()); got != 2*c.perStatus {
				t.Errorf("%d requests, want %d (one status and one comment list, %d tries each)", got, 2*c.perStatus, c.perStatus)
			}
		})
	}
	f := newFakeGitHub(t, 0)
	calls := 0
	f.fail = func(r *http.Request) int {
		if r.Method == "POST" && strings.HasSuffix(r.URL.Path, "/comments") {
			if calls++; calls == 1 {
				return 503
			}
		}
		return 0
	}
	var logs bytes.Buffer
	res, err := report.Post(context.Background(), newPoster(t, f, &logs, 2), testReport(0.2), report.PostOptions{})
	if err != nil || res.Comment == nil || calls != 2 {
		t.Errorf("retry after 503: %+v %v after %d calls", res, err, calls)
	}
}

func TestEnvFromActions(t *testing.T) {
	dir := t.TempDir()
	ev := filepath.Join(dir, "event.json")
	os.WriteFile(ev, []byte(`{"number": 12, "pull_request": {"number": 12, "head": {"sha": "`+headSHA+`"}}}`), 0o644)
	env := map[string]string{"GITHUB_REPOSITORY": "ml/rec", "GITHUB_SHA": "mergesha", "GITHUB_RUN_ID": "77", "GITHUB_TOKEN": "t",
		"GITHUB_EVENT_PATH": ev, "GITHUB_REF": "refs/pull/12/merge"}
	get := func(k string) string { return env[k] }
	e, err := EnvFromActions(get)
	if err != nil || e.PR != 12 || e.SHA != headSHA || e.RunURL != runURL || e.APIURL != "https://api.github.com" {
		t.Fatalf("%+v %v", e, err)
	}
	env["GITHUB_EVENT_PATH"], env["GITHUB_REF"] = "", "refs/heads/main"
	if e, err := EnvFromActions(get); err != nil || e.PR != 0 || e.SHA != "mergesha" {
		t.Errorf("push: %+v %v", e, err)
	}
	env["GITHUB_REPOSITORY"] = "rec"
	if _, err := EnvFromActions(get); err == nil || !strings.Contains(err.Error(), `GITHUB_REPOSITORY is "rec", expected OWNER/REPO`) {
		t.Errorf("%v", err)
	}
	env["GITHUB_REPOSITORY"], env["GITHUB_TOKEN"] = "ml/rec", ""
	if _, err := EnvFromActions(get); !errors.Is(err, ErrNoToken) {
		t.Errorf("%v", err)
	}
	os.WriteFile(ev, []byte(`{`), 0o644)
	env["GITHUB_EVENT_PATH"] = ev
	if _, err := EnvFromActions(get); err == nil || !strings.Contains(err.Error(), "not a JSON event payload") {
		t.Errorf("%v", err)
	}
}
