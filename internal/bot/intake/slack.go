package intake

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"gitlab.com/mlgate/mlgate/internal/bot/slack"
)

// commandWait is how long a slash command may work before mlbot answers
// "working on it" and sends the result through response_url instead:
// Slack gives up on an answer after 3 s.
const commandWait = 2 * time.Second

func (s *Server) commandWait() time.Duration {
	if s.SlackCommandWait > 0 {
		return s.SlackCommandWait
	}
	return commandWait
}

// slackForm reads and verifies a request from Slack: the raw body is
// read first, its v0 signature checked, and only then parsed as a form.
// It answers the request itself and returns false when it is refused.
func (s *Server) slackForm(c *gin.Context) (url.Values, bool) {
	if s.Slack == nil || s.Config.Slack == nil {
		c.AbortWithStatusJSON(http.StatusNotFound, gin.H{"error": "Slack is not configured (slack)"})
		return nil, false
	}
	body, err := s.readBody(c)
	if err != nil {
		s.fail(c, err)
		return nil, false
	}
	if err := slack.Verify(c.Request.Header, body, s.Config.Slack.SigningSecret); err != nil {
		s.unauthorized(c, "slack", fmt.Errorf("%w: %w", errUnauthorized, err))
		return nil, false
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		s.fail(c, fmt.Errorf("%w: body is not a form: %w", errBadEvent, err))
		return nil, false
	}
	return form, true
}

// slackInteractions takes block_actions: each Approve / Reject click is
// decided at once (a guarded transaction that queues the rollback and the
// message update) and answered; GitLab and Slack are called afterwards
// by the outbox.
func (s *Server) slackInteractions(c *gin.Context) {
	form, ok := s.slackForm(c)
	if !ok {
		return
	}
	clicks, err := slack.ParseInteraction(form)
	if err != nil {
		s.fail(c, fmt.Errorf("%w: %w", errBadEvent, err))
		return
	}
	for _, cl := range clicks {
		if err := s.Slack.Click(c.Request.Context(), cl); err != nil {
			s.Log.Error("slack click", "approval_id", cl.ApprovalID, "user", cl.UserID, "err", err)
			s.fail(c, err)
			return
		}
		s.Log.Info("slack click", "approval_id", cl.ApprovalID, "user", cl.UserID, "approve", cl.Approve)
	}
	c.Set(loggedKey, true)
	c.Status(http.StatusOK)
}

// slackCommands takes /mlops. A command done within commandWait is
// answered directly; a slower one is acknowledged and its answer goes
// through response_url by the outbox.
func (s *Server) slackCommands(c *gin.Context) {
	form, ok := s.slackForm(c)
	if !ok {
		return
	}
	cmd, err := slack.ParseCommand(form)
	if err != nil {
		s.fail(c, fmt.Errorf("%w: %w", errBadEvent, err))
		return
	}
	type answer struct {
		text string
		err  error
	}
	done := make(chan answer, 1)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), s.Config.Worker.ActionTimeout)
	go func() {
		defer cancel()
		text, err := s.Slack.Command(ctx, cmd)
		if err != nil {
			s.Log.Error("slack command", "command", cmd.Name, "user", cmd.UserID, "err", err)
			text = fmt.Sprintf(":warning: `/mlops %s` failed: %v", cmd.Name, err)
		}
		done <- answer{text, err}
	}()
	s.Log.Info("slack command", "command", cmd.Name, "user", cmd.UserID, "model", cmd.Model)
	c.Set(loggedKey, true)
	select {
	case a := <-done:
		c.JSON(http.StatusOK, gin.H{"response_type": "ephemeral", "text": a.text})
	case <-time.After(s.commandWait()):
		c.JSON(http.StatusOK, gin.H{"response_type": "ephemeral", "text": "Working on it…"})
		go func() {
			a := <-done
			if cmd.ResponseURL == "" {
				return
			}
			if err := s.Slack.Respond(context.WithoutCancel(ctx), cmd.ResponseURL, "cmd/"+cmd.TriggerID, a.text); err != nil {
				s.Log.Error("queue slack answer", "command", cmd.Name, "err", err)
			}
		}()
	}
}
