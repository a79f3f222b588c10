// Package mlflowtest is an in-memory MLflow model registry behind an
// httptest server, for tests of code that writes to a registry. Its routes,
// methods and JSON field names are those of MLflow's model_registry.proto
// (testdata/model_registry.proto, with its source in testdata/README.md);
// proto_test.go parses that file and fails when the fake uses a route or
// a field the proto does not define, so the fake cannot drift from MLflow.
// With GitLab set it serves only the routes GitLab's MLflow-compatible API
// has, under /api/v4/projects/:id/ml/mlflow.
package mlflowtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
)

// Request is one request the registry was sent.
type Request struct {
	Method string
	// Path is the route under the tracking URI, e.g.
	// /api/2.0/mlflow/registered-models/alias; URLPath is the whole path
	// the server was sent (with GitLab's /api/v4/projects/:id/ml/mlflow).
	Path, URLPath string
	Query         string
	// Body is the JSON body as sent ("" for GET).
	Body string
	// Auth is the Authorization header.
	Auth string
}

// Options configure a Registry.
type Options struct {
	// Token is the bearer token every request must carry; "" accepts any.
	Token string
	// GitLab serves GitLab's subset of the API under
	// /api/v4/projects/<Project>/ml/mlflow.
	GitLab  bool
	Project string
}

// Registry is the fake. Its methods are safe for concurrent use.
type Registry struct {
	opts   Options
	srv    *httptest.Server
	prefix string

	mu       sync.Mutex
	models   map[string]*model
	requests []Request
}

type model struct {
	description string
	aliases     map[string]string // alias -> version
	versions    map[string]*version
}

type version struct {
	description string
	tags        map[string]string
}

// New starts a registry that stops when tb ends.
func New(tb testing.TB, opts Options) *Registry {
	tb.Helper()
	r := &Registry{opts: opts, models: map[string]*model{}}
	if opts.GitLab {
		if opts.Project == "" {
			opts.Project = "42"
			r.opts.Project = "42"
		}
		r.prefix = "/api/v4/projects/" + opts.Project + "/ml/mlflow"
	}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	tb.Cleanup(r.srv.Close)
	return r
}

// URL is the tracking URI: the server's root, or GitLab's
// .../projects/:id/ml/mlflow.
func (r *Registry) URL() string { return r.srv.URL + r.prefix }

// APIv4 is GitLab's CI_API_V4_URL for this server.
func (r *Registry) APIv4() string { return r.srv.URL + "/api/v4" }

// AddVersion registers version of name (creating the model) with tags.
func (r *Registry) AddVersion(name, ver string, tags map[string]string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := r.model(name)
	v := &version{tags: map[string]string{}}
	for k, val := range tags {
		v.tags[k] = val
	}
	m.versions[ver] = v
}

// PutAlias points alias at ver directly, as an earlier promotion would have.
func (r *Registry) PutAlias(name, alias, ver string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.model(name).aliases[alias] = ver
}

// PutModelDescription sets a model's description directly.
func (r *Registry) PutModelDescription(name, d string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.model(name).description = d
}

func (r *Registry) model(name string) *model {
	m := r.models[name]
	if m == nil {
		m = &model{aliases: map[string]string{}, versions: map[string]*version{}}
		r.models[name] = m
	}
	return m
}

// Alias returns the version alias points at, "" when none.
func (r *Registry) Alias(name, alias string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if m := r.models[name]; m != nil {
		return m.aliases[alias]
	}
	return ""
}

// Tags returns a copy of a version's tags.
func (r *Registry) Tags(name, ver string) map[string]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]string{}
	if m := r.models[name]; m != nil && m.versions[ver] != nil {
		for k, v := range m.versions[ver].tags {
			out[k] = v
		}
	}
	return out
}

// VersionDescription returns a version's description.
func (r *Registry) VersionDescription(name, ver string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if m := r.models[name]; m != nil && m.versions[ver] != nil {
		return m.versions[ver].description
	}
	return ""
}

// ModelDescription returns a registered model's description.
func (r *Registry) ModelDescription(name string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if m := r.models[name]; m != nil {
		return m.description
	}
	return ""
}

// Requests returns what the registry was sent, in order.
func (r *Registry) Requests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Request(nil), r.requests...)
}

// Writes returns the requests other than GET, as "METHOD path body".
func (r *Registry) Writes() []string {
	var out []string
	for _, q := range r.Requests() {
		if q.Method != http.MethodGet {
			out = append(out, q.Method+" "+q.Path+" "+q.Body)
		}
	}
	return out
}

// apiError is MLflow's error body.
type apiError struct {
	status  int
	Code    string `json:"error_code"`
	Message string `json:"message"`
}

func notFound(format string, a ...any) *apiError {
	return &apiError{http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST", fmt.Sprintf(format, a...)}
}

func (r *Registry) serve(w http.ResponseWriter, req *http.Request) {
	var body bytes.Buffer
	if req.Body != nil {
		body.ReadFrom(req.Body)
	}
	path, ok := strings.CutPrefix(req.URL.Path, r.prefix)
	r.mu.Lock()
	r.requests = append(r.requests, Request{Method: req.Method, Path: path, URLPath: req.URL.Path, Query: req.URL.RawQuery, Body: body.String(), Auth: req.Header.Get("Authorization")})
	r.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	reply := func(status int, v any) {
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(v)
	}
	if r.opts.Token != "" && req.Header.Get("Authorization") != "Bearer "+r.opts.Token {
		// MLflow's auth plugin and GitLab both answer 401; the message
		// repeats what was sent, as careless servers do, so that tests
		// see a client that never prints it.
		reply(http.StatusUnauthorized, apiError{Code: "UNAUTHENTICATED", Message: "invalid credentials: " + req.Header.Get("Authorization")})
		return
	}
	rt := findRoute(req.Method, strings.TrimPrefix(path, "/api/2.0"))
	if !ok || rt == nil || (r.opts.GitLab && !rt.gitlab) {
		reply(http.StatusNotFound, apiError{Code: "ENDPOINT_NOT_FOUND", Message: req.Method + " " + req.URL.Path + " is not an endpoint"})
		return
	}
	in := reflect.New(rt.req)
	var err error
	if req.Method == http.MethodGet {
		err = decodeQuery(req, in.Interface())
	} else {
		dec := json.NewDecoder(&body)
		dec.DisallowUnknownFields()
		err = dec.Decode(in.Interface())
	}
	if err == nil {
		err = checkRequired(in.Elem())
	}
	if err != nil {
		reply(http.StatusBadRequest, apiError{Code: "INVALID_PARAMETER_VALUE", Message: err.Error()})
		return
	}
	r.mu.Lock()
	out, aerr := rt.handle(r, in.Interface())
	r.mu.Unlock()
	if aerr != nil {
		reply(aerr.status, aerr)
		return
	}
	reply(http.StatusOK, out)
}

// decodeQuery fills the string fields of v from the query by JSON name.
func decodeQuery(req *http.Request, v any) error {
	q := req.URL.Query()
	m := map[string]string{}
	for k := range q {
		m[k] = q.Get(k)
	}
	rv := reflect.ValueOf(v).Elem()
	known := map[string]bool{}
	for i := 0; i < rv.NumField(); i++ {
		known[jsonName(rv.Type().Field(i))] = true
	}
	var keys []string
	for k := range m {
		if !known[k] {
			keys = append(keys, k)
		}
	}
	if len(keys) > 0 {
		sort.Strings(keys)
		return fmt.Errorf("unknown query parameters %v", keys)
	}
	b, _ := json.Marshal(m)
	return json.Unmarshal(b, v)
}

// checkRequired returns an error naming the first required field
// (`mlflow:"required"`) left empty, as MLflow's validation does.
func checkRequired(v reflect.Value) error {
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		if f.Tag.Get("mlflow") == "required" && v.Field(i).IsZero() {
			return fmt.Errorf("missing value for required parameter '%s'", jsonName(f))
		}
	}
	return nil
}

func jsonName(f reflect.StructField) string {
	n, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if n == "" {
		return f.Name
	}
	return n
}
