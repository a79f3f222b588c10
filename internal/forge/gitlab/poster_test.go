package gitlab

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	gates "gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/report"
)

const (
	testToken = "glpat-SECRET-never-print-me"
	testSHA   = "0123456789abcdef0123456789abcdef01234567"
	jobURL    = "https://gitlab.example.com/ml/rec/-/jobs/99"
)

func testReport(precision float64) *gates.Report {
	r := &gates.Report{Schema: gates.SchemaVersion, Name: "offline", ModelVersion: "recommender-v1.5.0"}
	cmp := gates.Result{Gate: "compare", Title: "Gate 3: offline metrics", Summary: "all 2 checks passed",
		Checks: []gates.Check{{Name: "precision@5", Candidate: gates.F(precision), Baseline: gates.F(0.2), Status: gates.Pass}},
		Charts: []gates.Chart{{Title: "metrics", Kind: gates.Bars, Labels: []string{"precision@5"},
			Series: []gates.Series{{Name: "production", Values: []float64{0.2}}, {Name: "candidate", Values: []float64{precision}}}}}}
	cmp.Finish()
	drift := gates.Result{Gate: "drift", Title: "Feature drift", Status: gates.Fail, Summary: strings.Repeat("PSI of age is 0.41, above 0.3. ", 20),
		Checks: []gates.Check{{Name: "age", Candidate: gates.F(0.41), Status: gates.Fail, Message: "PSI 0.41 > 0.3"}},
		Charts: []gates.Chart{{Title: "age", Kind: gates.Histogram, Edges: []float64{0, 20, 40, 60},
			Series: []gates.Series{{Name: "reference", Values: []float64{0.3, 0.4, 0.3}}, {Name: "current", Values: []float64{0.1, 0.3, 0.6}}}}}}
	r.Add(cmp)
	r.Add(drift)
	return r
}

// newTestPoster returns a Poster on f whose HTTP client logs at debug
// level into logs.
func newTestPoster(t *testing.T, f *fakeGitLab, mr int64, logs *bytes.Buffer, retries int) *Poster {
	t.Helper()
	env := Env{APIURL: f.url(), Project: "42", ProjectURL: "https://gitlab.example.com/ml/rec", SHA: testSHA, MR: mr,
		Token: Token{Value: testToken, Source: "MLGATE_GITLAB_TOKEN"}}
	p, err := NewPoster(env, Options{RetryMax: retries, RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPostCreatesThenEditsTheSameNote(t *testing.T) {
	f := newFakeGitLab(t, 250) // the new note is the 251st: page 3 at 100 per page
	var logs, out bytes.Buffer
	p := newTestPoster(t, f, 7, &logs, 2)
	ctx := context.Background()
	opts := report.PostOptions{StatusURL: jobURL, MaxComment: MaxNoteLength, Charts: true, Log: &out,
		Markdown: report.MarkdownOptions{JobURL: jobURL}}

	first, err := report.Post(ctx, p, testReport(0.21), opts)
	if err != nil {
		t.Fatal(err)
	}
	if first.Comment == nil || !first.Comment.Created || first.Statuses != 2 || first.Images != 2 {
		t.Fatalf("first post: %+v", first)
	}
	reqs := f.requests()
	var pages []string
	var created, statuses, uploads []request
	for _, r := range reqs {
		if got := r.Header.Get("PRIVATE-TOKEN"); got != testToken {
			t.Errorf("%s %s: PRIVATE-TOKEN %q", r.Method, r.Path, got)
		}
		switch {
		case r.Method == "GET":
			pages = append(pages, r.Query)
		case r.Method == "POST" && strings.HasSuffix(r.Path, "/notes"):
			created = append(created, r)
		case strings.Contains(r.Path, "/statuses/"):
			statuses = append(statuses, r)
		case strings.HasSuffix(r.Path, "/uploads"):
			uploads = append(uploads, r)
		default:
			t.Errorf("unexpected %s %s", r.Method, r.Path)
		}
	}
	if len(pages) != 3 || !strings.Contains(pages[0], "per_page=100") || !strings.Contains(pages[2], "page=3") ||
		!strings.Contains(pages[0], "order_by=created_at") || !strings.Contains(pages[0], "sort=asc") {
		t.Errorf("notes pages read: %q", pages)
	}
	if len(created) != 1 {
		t.Fatalf("%d notes created", len(created))
	}
	body, _ := created[0].Body["body"].(string)
	if !strings.HasPrefix(body, report.Marker("offline")+"\n") || created[0].Header.Get("Content-Type") != "application/json" {
		t.Errorf("created note: %q (%s)", body[:min(80, len(body))], created[0].Header.Get("Content-Type"))
	}
	for _, link := range []string{"](/uploads/0123abcd/mlgate-compare-1.png)", "](/uploads/0123abcd/mlgate-drift-1.png)"} {
		if !strings.Contains(body, link) {
			t.Errorf("note does not link %s relatively:\n%s", link, body)
		}
	}
	if len(uploads) != 2 || !bytes.HasPrefix(uploads[0].File, []byte("\x89PNG\r\n\x1a\n")) || uploads[0].FileName != "mlgate-compare-1.png" {
		t.Errorf("uploads: %d, first %q %d bytes", len(uploads), uploads[0].FileName, len(uploads[0].File))
	}
	wantStatus := []struct{ name, state string }{
		{"mlgate/compare", "pending"}, {"mlgate/drift", "pending"}, {"mlgate/compare", "success"}, {"mlgate/drift", "failed"}}
	if len(statuses) != len(wantStatus) {
		t.Fatalf("%d statuses, want %d", len(statuses), len(wantStatus))
	}
	for i, w := range wantStatus {
		s := statuses[i]
		if s.Path != "/api/v4/projects/42/statuses/"+testSHA || s.Body["name"] != w.name || s.Body["state"] != w.state || s.Body["target_url"] != jobURL {
			t.Errorf("status %d: %s %v, want %s %s", i, s.Path, s.Body, w.name, w.state)
		}
	}
	if d, _ := statuses[3].Body["description"].(string); len([]rune(d)) != MaxStatusDescription || !strings.HasSuffix(d, "…") {
		t.Errorf("long description not trimmed to %d: %d runes", MaxStatusDescription, len([]rune(d)))
	}

	// The second pipeline finds the note on page 3 and edits it.
	n := len(reqs)
	second, err := report.Post(ctx, p, testReport(0.19), opts)
	if err != nil {
		t.Fatal(err)
	}
	if second.Comment == nil || second.Comment.Created || second.Comment.ID != first.Comment.ID {
		t.Fatalf("second post: %+v, first %+v", second.Comment, first.Comment)
	}
	var put []request
	for _, r := range f.requests()[n:] {
		if r.Method == "POST" && strings.HasSuffix(r.Path, "/notes") {
			t.Errorf("second pipeline created another note")
		}
		if r.Method == "PUT" {
			put = append(put, r)
		}
	}
	if len(put) != 1 || put[0].Path != "/api/v4/projects/42/merge_requests/7/notes/5001" || !strings.Contains(put[0].Body["body"].(string), "| 0.2 | 0.19 |") {
		t.Errorf("edit: %+v", put)
	}
	if want := "https://gitlab.example.com/ml/rec/-/merge_requests/7#note_5001"; second.Comment.URL != want {
		t.Errorf("comment URL %q", second.Comment.URL)
	}
	if strings.Contains(logs.String()+out.String(), testToken) {
		t.Error("the token appears in the logs or output")
	}
}

func TestPostOutsideMergeRequestSetsStatusesOnly(t *testing.T) {
	f := newFakeGitLab(t, 0)
	var logs, out bytes.Buffer
	p := newTestPoster(t, f, 0, &logs, 0)
	res, err := report.Post(context.Background(), p, testReport(0.21), report.PostOptions{NoComment: "CI_MERGE_REQUEST_IID is not set", Log: &out})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range f.requests() {
		if !strings.Contains(r.Path, "/statuses/") {
			t.Errorf("outside an MR: %s %s", r.Method, r.Path)
		}
	}
	if res.Statuses != 2 || res.Comment != nil || !strings.Contains(out.String(), "no comment: CI_MERGE_REQUEST_IID is not set") {
		t.Errorf("%+v, %s", res, out.String())
	}
}

func TestPostLongReportKeepsSummary(t *testing.T) {
	f := newFakeGitLab(t, 0)
	var logs bytes.Buffer
	p := newTestPoster(t, f, 7, &logs, 0)
	r := testReport(0.21)
	for i := range 300 {
		r.Gates[0].Checks = append(r.Gates[0].Checks, gates.Check{Name: "metric_" + strings.Repeat("x", 20) + string(rune('a'+i%26)), Status: gates.Pass})
	}
	const limit = 4000
	html := jobURL + "/artifacts/file/mlgate-out/report.html"
	res, err := report.Post(context.Background(), p, r, report.PostOptions{MaxComment: limit, Markdown: report.MarkdownOptions{HTMLURL: html}})
	if err != nil {
		t.Fatal(err)
	}
	var body string
	for _, q := range f.requests() {
		if q.Method == "POST" && strings.HasSuffix(q.Path, "/notes") {
			body = q.Body["body"].(string)
		}
	}
	if !res.Truncated || len([]rune(body)) > limit || !strings.Contains(body, "[full HTML report]("+html+")") ||
		!strings.Contains(body, "| Feature drift | ❌ fail |") || !strings.Contains(body, "drift / age**: PSI 0.41 > 0.3") {
		t.Errorf("truncated=%v, %d runes:\n%s", res.Truncated, len([]rune(body)), body)
	}
}

func TestPostErrorsAreClearAndSecretFree(t *testing.T) {
	cases := []struct {
		name    string
		code    int
		retries int
		calls   int // requests made
		is      error
		want    string
	}{
		{"401", 401, 3, 1, ErrUnauthorized, "token is invalid, expired or revoked"},
		{"403", 403, 3, 1, ErrForbidden, "needs a project access token with scope api and at least the Developer role"},
		{"503", 503, 2, 3, ErrUnavailable, "answered HTTP 503 even after retrying"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFakeGitLab(t, 0)
			f.fail = func(*http.Request) int { return c.code }
			var logs, out bytes.Buffer
			p := newTestPoster(t, f, 7, &logs, c.retries)
			_, err := report.Post(context.Background(), p, testReport(0.2), report.PostOptions{Log: &out})
			if !errors.Is(err, c.is) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want %v with %q", err, c.is, c.want)
			}
			// The first status fails (each tried c.calls times), the rest
			// are not tried; the note is still attempted (and fails alike).
			var st, notes int
			for _, r := range f.requests() {
				switch {
				case strings.Contains(r.Path, "/statuses/"):
					st++
				case strings.HasSuffix(r.Path, "/notes"):
					notes++
				}
			}
			if st != c.calls || notes != c.calls {
				t.Errorf("%d status and %d notes requests, want %d each", st, notes, c.calls)
			}
			for _, s := range []string{err.Error(), logs.String(), out.String()} {
				if strings.Contains(s, testToken) {
					t.Errorf("token leaked: %s", s)
				}
			}
		})
	}
}

func TestPostRetriesTransient5xx(t *testing.T) {
	f := newFakeGitLab(t, 0)
	n := 0
	f.fail = func(r *http.Request) int {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/notes") {
			if n++; n <= 2 {
				return http.StatusBadGateway
			}
		}
		return 0
	}
	var logs bytes.Buffer
	p := newTestPoster(t, f, 7, &logs, 3)
	res, err := report.Post(context.Background(), p, testReport(0.2), report.PostOptions{})
	if err != nil || res.Comment == nil || n != 3 {
		t.Fatalf("after two 502s: %+v, %v, %d tries", res, err, n)
	}
	if !strings.Contains(logs.String(), "retrying") || strings.Contains(logs.String(), testToken) {
		t.Errorf("retry log: %s", logs.String())
	}
}

func TestEnvFromCI(t *testing.T) {
	base := map[string]string{"CI_API_V4_URL": "https://gl/api/v4", "CI_PROJECT_ID": "42", "CI_COMMIT_SHA": testSHA}
	with := func(kv ...string) func(string) string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	if _, err := EnvFromCI(with("CI_JOB_TOKEN", "jobtok")); !errors.Is(err, ErrJobToken) ||
		!strings.Contains(err.Error(), "project access token") || !strings.Contains(err.Error(), "scope api") || strings.Contains(err.Error(), "jobtok") {
		t.Errorf("job token: %v", err)
	}
	if _, err := EnvFromCI(with()); !errors.Is(err, ErrNoToken) || !strings.Contains(err.Error(), "MLGATE_GITLAB_TOKEN") {
		t.Errorf("no token: %v", err)
	}
	if _, err := EnvFromCI(with("CI_COMMIT_SHA", "", "MLGATE_GITLAB_TOKEN", "x")); err == nil || !strings.Contains(err.Error(), "CI_COMMIT_SHA is not set") {
		t.Errorf("no sha: %v", err)
	}
	if _, err := EnvFromCI(with("CI_MERGE_REQUEST_IID", "seven", "MLGATE_GITLAB_TOKEN", "x")); err == nil || !strings.Contains(err.Error(), `CI_MERGE_REQUEST_IID is "seven"`) {
		t.Errorf("bad iid: %v", err)
	}
	if _, err := EnvFromCI(with("CI_PIPELINE_ID", "-1", "MLGATE_GITLAB_TOKEN", "x")); err == nil || !strings.Contains(err.Error(), `CI_PIPELINE_ID is "-1"`) {
		t.Errorf("bad pipeline id: %v", err)
	}
	e, err := EnvFromCI(with("CI_MERGE_REQUEST_IID", "7", "CI_PIPELINE_ID", "11", "MLGATE_GITLAB_TOKEN", "x", "CI_JOB_TOKEN", "j"))
	if err != nil || e.MR != 7 || e.PipelineID != 11 || e.Token.Kind != PrivateToken || e.Token.Source != "MLGATE_GITLAB_TOKEN" {
		t.Errorf("%+v, %v", e, err)
	}
}

// TestPostReporterTokenStillComments: a token with the Reporter role may
// comment but not set commit statuses; the note is posted and the error
// says which role statuses need.
func TestPostReporterTokenStillComments(t *testing.T) {
	f := newFakeGitLab(t, 0)
	f.fail = func(r *http.Request) int {
		if strings.Contains(r.URL.Path, "/statuses/") {
			return http.StatusForbidden
		}
		return 0
	}
	var logs bytes.Buffer
	res, err := report.Post(context.Background(), newTestPoster(t, f, 7, &logs, 0), testReport(0.2), report.PostOptions{})
	if !errors.Is(err, ErrForbidden) || !strings.Contains(err.Error(), "Developer role") || res.Comment == nil || !res.Comment.Created || res.Statuses != 0 {
		t.Fatalf("%+v, %v", res, err)
	}
	st := 0
	for _, r := range f.requests() {
		if strings.Contains(r.Path, "/statuses/") {
			st++
		}
	}
	if st != 1 {
		t.Errorf("%d status requests after a 403, want 1", st)
	}
}

// TestUpsertNoteRecreatesADeletedNote: a note deleted between listing and
// editing (404 on PUT) is posted anew.
func TestUpsertNoteRecreatesADeletedNote(t *testing.T) {
	f := newFakeGitLab(t, 0)
	f.notes = append(f.notes, map[string]any{"id": int64(77), "body": report.Marker("offline") + "\nold", "system": false})
	f.fail = func(r *http.Request) int {
		if r.Method == http.MethodPut {
			return http.StatusNotFound
		}
		return 0
	}
	var logs bytes.Buffer
	p := newTestPoster(t, f, 7, &logs, 0)
	c, err := p.UpsertComment(context.Background(), report.Marker("offline"), report.Marker("offline")+"\nnew")
	if err != nil || !c.Created || c.ID == 77 {
		t.Fatalf("%+v, %v", c, err)
	}
	var methods []string
	for _, r := range f.requests() {
		methods = append(methods, r.Method)
	}
	if strings.Join(methods, " ") != "GET PUT POST" {
		t.Errorf("requests %v", methods)
	}
}

// TestPostUploadFailureStillComments: a refused upload stops the uploads,
// the note is posted without images, and the error names the upload.
func TestPostUploadFailureStillComments(t *testing.T) {
	f := newFakeGitLab(t, 0)
	f.fail = func(r *http.Request) int {
		if strings.HasSuffix(r.URL.Path, "/uploads") {
			return http.StatusForbidden
		}
		return 0
	}
	var logs bytes.Buffer
	res, err := report.Post(context.Background(), newTestPoster(t, f, 7, &logs, 0), testReport(0.2), report.PostOptions{Charts: true})
	if err == nil || !strings.Contains(err.Error(), "upload mlgate-compare-1.png to project 42") || res.Comment == nil || res.Images != 0 || res.Statuses != 2 {
		t.Fatalf("%+v, %v", res, err)
	}
	uploads := 0
	for _, r := range f.requests() {
		if strings.HasSuffix(r.Path, "/uploads") {
			uploads++
		}
		if r.Method == "POST" && strings.HasSuffix(r.Path, "/notes") && strings.Contains(r.Body["body"].(string), "/uploads/") {
			t.Error("the note links an image that was not uploaded")
		}
	}
	if uploads != 1 {
		t.Errorf("%d uploads tried after a 403, want 1", uploads)
	}
}
