package intake

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"gitlab.com/mlgate/mlgate/internal/bot"
	"gitlab.com/mlgate/mlgate/internal/forge/github"
)

// gitlabPipelineEvent is the part of GitLab's pipeline hook mlbot reads.
type gitlabPipelineEvent struct {
	ObjectKind       string `json:"object_kind"`
	ObjectAttributes struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
		Ref    string `json:"ref"`
		// FinishedAt tells a pipeline's runs apart: a manual job played
		// in a finished pipeline (a rollback) finishes it a second time.
		FinishedAt string `json:"finished_at"`
	} `json:"object_attributes"`
}

// gitlabEvents takes GitLab pipeline hooks. X-Gitlab-Token is compared in
// constant time. A delivery is dropped as a duplicate by its
// Idempotency-Key (GitLab 17.4+), else by pipeline id, status and
// finished_at; X-Gitlab-Event-UUID is not used since it is not a delivery
// id.
func (s *Server) gitlabEvents(c *gin.Context) {
	secret := s.Config.Auth.GitLabToken
	if secret == "" {
		c.AbortWithStatusJSON(http.StatusNotFound, gin.H{"error": "GitLab webhooks are not configured (auth.gitlab_token)"})
		return
	}
	if !equal(c.GetHeader("X-Gitlab-Token"), secret) {
		s.unauthorized(c, "gitlab", fmt.Errorf("%w: X-Gitlab-Token", errUnauthorized))
		return
	}
	body, err := s.readBody(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	var ev gitlabPipelineEvent
	if err := json.Unmarshal(body, &ev); err != nil {
		s.fail(c, fmt.Errorf("%w: body is not JSON: %w", errBadEvent, err))
		return
	}
	if ev.ObjectKind != "pipeline" {
		c.JSON(http.StatusOK, gin.H{"ignored": "object_kind " + ev.ObjectKind})
		return
	}
	a := ev.ObjectAttributes
	if a.ID == 0 || a.Status == "" {
		s.fail(c, fmt.Errorf("%w: object_attributes.id and status are required", errBadEvent))
		return
	}
	key := c.GetHeader("Idempotency-Key")
	if key == "" {
		key = fmt.Sprintf("pipeline:%d:%s", a.ID, a.Status)
		if a.FinishedAt != "" {
			key += ":" + a.FinishedAt
		}
	}
	s.pipelineEvent(c, bot.PipelineEvent{Source: "gitlab", DeliveryKey: key, Backend: "gitlab",
		ExternalID: a.ID, Status: a.Status, Now: s.Now().UTC()})
}

// githubEvents takes workflow_run webhooks signed with X-Hub-Signature-256.
func (s *Server) githubEvents(c *gin.Context) {
	secret := s.Config.Auth.GitHubSecret
	if secret == "" {
		c.AbortWithStatusJSON(http.StatusNotFound, gin.H{"error": "GitHub webhooks are not configured (auth.github_secret)"})
		return
	}
	body, err := s.readBody(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := github.VerifySignature(c.GetHeader("X-Hub-Signature-256"), body, []byte(secret)); err != nil {
		s.unauthorized(c, "github", fmt.Errorf("%w: %w", errUnauthorized, err))
		return
	}
	switch ev := c.GetHeader("X-GitHub-Event"); ev {
	case "workflow_run":
	case "ping":
		c.JSON(http.StatusOK, gin.H{"ok": true})
		return
	default:
		c.JSON(http.StatusOK, gin.H{"ignored": "event " + ev})
		return
	}
	run, err := github.ParseWorkflowRun(body)
	if err != nil {
		s.fail(c, fmt.Errorf("%w: %w", errBadEvent, err))
		return
	}
	s.pipelineEvent(c, bot.PipelineEvent{Source: "github", DeliveryKey: fmt.Sprintf("run:%d:%s", run.RunID, run.State()),
		Backend: "github", ExternalID: run.RunID, Status: run.State(), Now: s.Now().UTC()})
}

func (s *Server) pipelineEvent(c *gin.Context, e bot.PipelineEvent) {
	p, err := s.Store.PipelineEvent(c.Request.Context(), e)
	switch {
	case errors.Is(err, bot.ErrDuplicate):
		s.Instrumentation.WebhookDuplicates.WithLabelValues(e.Source).Inc()
		c.JSON(http.StatusOK, gin.H{"duplicate": true})
	case err != nil:
		s.fail(c, err)
	case p == nil:
		c.JSON(http.StatusOK, gin.H{"linked": false})
	default:
		s.Log.Info("pipeline status", "backend", e.Backend, "pipeline_id", e.ExternalID, "status", e.Status,
			"job_id", p.JobID, "alert_id", p.AlertID)
		c.JSON(http.StatusOK, gin.H{"linked": true, "job_id": p.JobID, "alert_id": p.AlertID, "status": e.Status})
	}
}
