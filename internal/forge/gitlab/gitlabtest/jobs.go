package gitlabtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Job is a CI job of a stored pipeline. A manual job waits for a play
// (Status "manual"); played, it is "pending".
type Job struct {
	ID         int64
	PipelineID int64
	Name       string
	Status     string
}

// Play is one play call that started a manual job.
type Play struct {
	JobID, PipelineID int64
	Variables         map[string]string
	At                time.Time
}

// Deploy stores a deployment pipeline on ref (source push, created now
// on the server's clock) whose manual job job waits to be played, as a
// project with a `when: manual` rollback job has after each deploy; it
// returns the job's id.
func (s *Server) Deploy(ref, job string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.deploy(ref, job)
}

func (s *Server) deploy(ref, job string) int64 {
	p := Pipeline{ID: s.nextID, Ref: ref, Source: "push", Variables: map[string]string{}, CreatedAt: s.Now()}
	s.nextID++
	s.pipelines = append(s.pipelines, p)
	j := &Job{ID: s.nextJob, PipelineID: p.ID, Name: job, Status: "manual"}
	s.nextJob++
	s.jobs = append(s.jobs, j)
	return j.ID
}

// Plays returns the play calls that started a job, in order.
func (s *Server) Plays() []Play {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Play(nil), s.plays...)
}

func (s *Server) jobInfo(j *Job) map[string]any {
	project := strings.ReplaceAll(s.Project, "%2F", "/")
	return map[string]any{"id": j.ID, "name": j.Name, "status": j.Status,
		"web_url":  fmt.Sprintf("%s/%s/-/jobs/%d", s.URL, project, j.ID),
		"pipeline": map[string]any{"id": j.PipelineID, "status": "manual"}}
}

// pipelineJobs answers GET /projects/:id/pipelines/:pipeline/jobs, with
// GitLab's scope[] filter.
func (s *Server) pipelineJobs(w http.ResponseWriter, r *http.Request, id string) {
	n, _ := strconv.ParseInt(id, 10, 64)
	scopes := r.URL.Query()["scope[]"]
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts.Lists++
	out := []map[string]any{}
	for _, j := range s.jobs {
		if j.PipelineID != n || (len(scopes) > 0 && !contains(scopes, j.Status)) {
			continue
		}
		out = append(out, s.jobInfo(j))
	}
	json.NewEncoder(w).Encode(out)
}

// job answers GET /projects/:id/jobs/:job and POST …/jobs/:job/play. A
// play of a job that is not manual is refused as GitLab refuses it (400
// Unplayable Job). A pipeline in ModeLoseN loses the answer of the plays
// LoseEvery picks (the job is played, the connection drops).
func (s *Server) job(w http.ResponseWriter, r *http.Request, rest string) {
	id, play := rest, false
	if r.Method == "POST" && strings.HasSuffix(rest, "/play") {
		id, play = strings.TrimSuffix(rest, "/play"), true
	} else if r.Method != "GET" {
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"message":"404 Not Found"}`)
		return
	}
	n, _ := strconv.ParseInt(id, 10, 64)
	s.mu.Lock()
	var j *Job
	for _, x := range s.jobs {
		if x.ID == n {
			j = x
		}
	}
	if j == nil {
		s.mu.Unlock()
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"message":"404 Job Not Found"}`)
		return
	}
	if !play {
		info := s.jobInfo(j)
		s.mu.Unlock()
		json.NewEncoder(w).Encode(info)
		return
	}
	if j.Status != "manual" {
		s.mu.Unlock()
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"message":"400 Bad request - Unplayable Job"}`)
		return
	}
	var body struct {
		Vars []map[string]string `json:"job_variables_attributes"`
	}
	json.NewDecoder(r.Body).Decode(&body)
	vars := map[string]string{}
	for _, v := range body.Vars {
		vars[v["key"]] = v["value"]
	}
	j.Status = "pending"
	s.plays = append(s.plays, Play{JobID: j.ID, PipelineID: j.PipelineID, Variables: vars, At: s.Now()})
	s.creates++
	lose := s.mode == ModeLoseN && s.LoseEvery > 0 && (s.creates-1)%s.LoseEvery == 0
	if s.Redeploy {
		// The rollback deploys: the new deployment has a rollback job of
		// its own, which a second play would find.
		p := s.pipelineOf(j.PipelineID)
		s.deploy(p.Ref, j.Name)
	}
	info := s.jobInfo(j)
	s.mu.Unlock()
	if s.Stored != nil {
		s.Stored("play", r)
	}
	if lose {
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			conn.Close()
		}
		return
	}
	json.NewEncoder(w).Encode(info)
}

func (s *Server) pipelineOf(id int64) Pipeline {
	for _, p := range s.pipelines {
		if p.ID == id {
			return p
		}
	}
	return Pipeline{}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
