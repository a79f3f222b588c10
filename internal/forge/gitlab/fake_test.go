package gitlab

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// request is one request the fake GitLab received.
type request struct {
	Method, Path, Query string
	Header              http.Header
	Body                map[string]any // JSON body, or multipart fields
	File                []byte         // multipart "file" content
	FileName            string
}

// fakeGitLab stands for GitLab's REST API: merge-request notes (paginated
// like GitLab, X-Next-Page), commit statuses and project uploads. It
// records every request. fail, when set, answers instead for matching
// requests.
type fakeGitLab struct {
	t      *testing.T
	mu     sync.Mutex
	reqs   []request
	notes  []map[string]any
	nextID int64
	fail   func(r *http.Request) int
	srv    *httptest.Server
}

func newFakeGitLab(t *testing.T, otherNotes int) *fakeGitLab {
	t.Helper()
	f := &fakeGitLab{t: t, nextID: 5000}
	for i := range otherNotes {
		f.notes = append(f.notes, map[string]any{"id": int64(100 + i), "body": fmt.Sprintf("looks good %d", i), "system": i%7 == 0})
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeGitLab) url() string { return f.srv.URL + "/api/v4" }

func (f *fakeGitLab) requests() []request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]request(nil), f.reqs...)
}

func (f *fakeGitLab) serve(w http.ResponseWriter, r *http.Request) {
	rec := request{Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: map[string]any{}}
	ct, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		if err := json.NewDecoder(r.Body).Decode(&rec.Body); err != nil {
			f.t.Errorf("%s %s: body is not JSON: %v", r.Method, rec.Path, err)
		}
	case "multipart/form-data":
		mr := multipart.NewReader(r.Body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err != nil {
				break
			}
			b, _ := io.ReadAll(p)
			if p.FormName() == "file" {
				rec.File, rec.FileName = b, p.FileName()
			} else {
				rec.Body[p.FormName()] = string(b)
			}
		}
	}
	f.mu.Lock()
	f.reqs = append(f.reqs, rec)
	f.mu.Unlock()
	if f.fail != nil {
		if code := f.fail(r); code != 0 {
			w.WriteHeader(code)
			fmt.Fprintf(w, `{"message":"%d %s"}`, code, http.StatusText(code))
			return
		}
	}
	const notes = "/api/v4/projects/42/merge_requests/7/notes"
	switch {
	case r.Method == http.MethodGet && rec.Path == notes:
		f.listNotes(w, r)
	case r.Method == http.MethodPost && rec.Path == notes:
		f.mu.Lock()
		f.nextID++
		n := map[string]any{"id": f.nextID, "body": rec.Body["body"], "system": false}
		f.notes = append(f.notes, n)
		f.mu.Unlock()
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(n)
	case r.Method == http.MethodPut && strings.HasPrefix(rec.Path, notes+"/"):
		id, _ := strconv.ParseInt(strings.TrimPrefix(rec.Path, notes+"/"), 10, 64)
		f.mu.Lock()
		defer f.mu.Unlock()
		for _, n := range f.notes {
			if n["id"] == id {
				n["body"] = rec.Body["body"]
				json.NewEncoder(w).Encode(n)
				return
			}
		}
		w.WriteHeader(http.StatusNotFound)
	case r.Method == http.MethodPost && strings.HasPrefix(rec.Path, "/api/v4/projects/42/statuses/"):
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(map[string]any{"id": 1, "status": rec.Body["state"], "name": rec.Body["name"]})
	case r.Method == http.MethodPost && rec.Path == "/api/v4/projects/42/uploads":
		w.WriteHeader(http.StatusCreated)
		url := "/uploads/0123abcd/" + rec.FileName
		json.NewEncoder(w).Encode(map[string]any{"id": 9, "alt": rec.FileName, "url": url,
			"full_path": "/-/project/42/uploads/0123abcd/" + rec.FileName, "markdown": "![" + rec.FileName + "](" + url + ")"})
	default:
		f.t.Errorf("unexpected request %s %s", r.Method, rec.Path)
		w.WriteHeader(http.StatusNotFound)
	}
}

// listNotes pages like GitLab: page and per_page in the query, X-Next-Page
// empty on the last page.
func (f *fakeGitLab) listNotes(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	if page < 1 {
		page = 1
	}
	per, _ := strconv.Atoi(q.Get("per_page"))
	if per < 1 {
		per = 20
	}
	f.mu.Lock()
	all := append([]map[string]any(nil), f.notes...)
	f.mu.Unlock()
	lo, hi := min((page-1)*per, len(all)), min(page*per, len(all))
	pages := (len(all) + per - 1) / per
	w.Header().Set("X-Page", strconv.Itoa(page))
	w.Header().Set("X-Per-Page", strconv.Itoa(per))
	w.Header().Set("X-Total", strconv.Itoa(len(all)))
	w.Header().Set("X-Total-Pages", strconv.Itoa(pages))
	if page < pages {
		w.Header().Set("X-Next-Page", strconv.Itoa(page+1))
	} else {
		w.Header().Set("X-Next-Page", "")
	}
	json.NewEncoder(w).Encode(all[lo:hi])
}
