package intake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"gitlab.com/mlgate/mlgate/internal/bot"
)

// Promotions is what the promotion gates need of the store.
type Promotions interface {
	// PromotionGate answers a gate call, creating the revision's request
	// on its first call; it returns the store's error.
	PromotionGate(ctx context.Context, g bot.GateCall) (bot.Gate, error)
	// PromotionRollback reports whether a person asked for the revision's
	// rollback; it returns the store's error.
	PromotionRollback(ctx context.Context, e bot.CanaryEvent) (bool, bot.Approval, error)
	// CanaryEvent records an event once and queues its Slack message; a
	// repeat returns bot.ErrDuplicate.
	CanaryEvent(ctx context.Context, e bot.CanaryEvent) (bool, error)
}

// canaryPayload is Flagger's webhook payload (docs/gitbook/usage/
// webhooks.md); the Argo Rollouts AnalysisTemplate of deploy/argo-rollouts
// sends the same shape with the pod-template hash as checksum.
type canaryPayload struct {
	Name      string            `json:"name"`
	Namespace string            `json:"namespace"`
	Phase     string            `json:"phase"`
	Checksum  string            `json:"checksum"`
	Metadata  map[string]string `json:"metadata"`
}

// Metadata keys mlbot reads from a webhook's metadata.
const (
	metaToken      = "token"
	metaModel      = "model"
	metaProposedBy = "proposed_by"
)

// promotionRoutes registers the gates when auth.promotion_token is set.
func (s *Server) promotionRoutes(r *gin.Engine) {
	r.POST("/v1/flagger/gate", s.promotion(bot.EngineFlagger, s.flaggerGate))
	r.POST("/v1/flagger/rollback", s.promotion(bot.EngineFlagger, s.flaggerRollback))
	r.POST("/v1/flagger/event", s.promotion(bot.EngineFlagger, s.flaggerEvent))
	r.POST("/v1/argo/gate", s.promotion(bot.EngineArgo, s.argoGate))
}

// promotion authenticates a promotion webhook (the shared token as a
// bearer token, or Flagger's metadata "token", which cannot send
// headers), reads and checks its payload and hands it to h.
func (s *Server) promotion(engine string, h func(*gin.Context, canaryPayload, bot.Canary)) gin.HandlerFunc {
	return func(c *gin.Context) {
		secret := s.Config.Auth.PromotionToken
		if secret == "" || s.Promotions == nil {
			c.AbortWithStatusJSON(http.StatusNotFound, gin.H{"error": "promotion gates are not configured (auth.promotion_token)"})
			return
		}
		body, err := s.readBody(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		p, err := parseCanaryPayload(body)
		bearer, hasBearer := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
		switch {
		case hasBearer:
			if !equal(strings.TrimSpace(bearer), secret) {
				s.unauthorized(c, "promotion", fmt.Errorf("%w: bearer token", errUnauthorized))
				return
			}
		case err == nil && p.Metadata[metaToken] != "":
			if !equal(p.Metadata[metaToken], secret) {
				s.unauthorized(c, "promotion", fmt.Errorf("%w: metadata.token", errUnauthorized))
				return
			}
		default:
			s.unauthorized(c, "promotion", fmt.Errorf("%w: no bearer token and no metadata.token", errUnauthorized))
			return
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		cn := bot.Canary{Engine: engine, Namespace: p.Namespace, Name: p.Name, Revision: p.Checksum}
		if err := cn.Validate(); err != nil {
			s.fail(c, fmt.Errorf("%w: %w", errBadEvent, err))
			return
		}
		if u := p.Metadata[metaProposedBy]; u != "" && !strings.HasPrefix(u, "U") && !strings.HasPrefix(u, "W") {
			s.fail(c, fmt.Errorf("%w: metadata.proposed_by: %q, expected a Slack user ID (U… or W…)", errBadEvent, u))
			return
		}
		h(c, p, cn)
	}
}

// parseCanaryPayload decodes a webhook body; the error names what is
// wrong.
func parseCanaryPayload(body []byte) (canaryPayload, error) {
	var p canaryPayload
	if err := json.Unmarshal(body, &p); err != nil {
		return p, fmt.Errorf("%w: body is not a Flagger webhook payload (JSON with name, namespace, phase, checksum, metadata): %w", errBadEvent, err)
	}
	return p, nil
}

func (s *Server) gateCall(p canaryPayload, cn bot.Canary) bot.GateCall {
	pc := s.Config.Slack.Promotion
	return bot.GateCall{Canary: cn, Model: p.Metadata[metaModel], ProposedBy: p.Metadata[metaProposedBy], Phase: p.Phase,
		Expires: pc.Expires, Needed: pc.Approvals, Now: s.Now().UTC()}
}

// gate answers a gate call; the caller renders it.
func (s *Server) gate(c *gin.Context, p canaryPayload, cn bot.Canary) (bot.Gate, bool) {
	g, err := s.Promotions.PromotionGate(c.Request.Context(), s.gateCall(p, cn))
	if err != nil {
		s.fail(c, err)
		return g, false
	}
	if g.Created && s.Wake != nil {
		s.Wake()
	}
	s.Log.Info("promotion gate", "engine", cn.Engine, "canary", cn.Target(), "revision", cn.Revision,
		"open", g.Open, "request", g.Approval.ID, "state", string(g.Approval.State))
	c.Set(loggedKey, true)
	return g, true
}

// flaggerGate is a confirm-promotion webhook: 200 opens the gate, 403
// keeps it closed (Flagger retries at every analysis interval and logs
// the body's reason).
func (s *Server) flaggerGate(c *gin.Context, p canaryPayload, cn bot.Canary) {
	g, ok := s.gate(c, p, cn)
	if !ok {
		return
	}
	code := http.StatusForbidden
	if g.Open {
		code = http.StatusOK
	}
	c.JSON(code, gin.H{"open": g.Open, "state": g.Approval.State, "request": g.Approval.ID, "reason": g.Reason()})
}

// argoGate answers an Argo Rollouts web metric: always 200 (Argo counts
// any other status as a measurement error), with open and state for the
// metric's jsonPath and successCondition.
func (s *Server) argoGate(c *gin.Context, p canaryPayload, cn bot.Canary) {
	g, ok := s.gate(c, p, cn)
	if !ok {
		return
	}
	c.JSON(http.StatusOK, gin.H{"open": g.Open, "state": g.Approval.State, "request": g.Approval.ID, "reason": g.Reason()})
}

// flaggerRollback is a rollback webhook, which Flagger calls at every
// analysis interval while the canary progresses or waits: a 2xx makes
// Flagger roll back. mlbot answers 200 only when a person asked for it
// (Roll back on the revision's promotion request), else 403.
func (s *Server) flaggerRollback(c *gin.Context, p canaryPayload, cn bot.Canary) {
	yes, a, err := s.Promotions.PromotionRollback(c.Request.Context(), bot.CanaryEvent{Canary: cn, Phase: p.Phase, Now: s.Now().UTC()})
	if err != nil {
		s.fail(c, err)
		return
	}
	if yes {
		if s.Wake != nil {
			s.Wake()
		}
		c.JSON(http.StatusOK, gin.H{"rollback": true, "request": a.ID, "reason": fmt.Sprintf("rollback asked by %s on request %d", a.DecidedBy, a.ID)})
		return
	}
	reason := "no rollback asked for this revision"
	if a.ID != 0 {
		reason = fmt.Sprintf("promotion request %d is %s; no rollback asked", a.ID, a.State)
	}
	c.JSON(http.StatusForbidden, gin.H{"rollback": false, "request": a.ID, "reason": reason})
}

// flaggerEvent is an event webhook: each distinct event of a revision
// becomes one Slack message (in its promotion request's thread).
func (s *Server) flaggerEvent(c *gin.Context, p canaryPayload, cn bot.Canary) {
	msg := p.Metadata["eventMessage"]
	if msg == "" {
		s.fail(c, fmt.Errorf("%w: metadata.eventMessage: missing, expected Flagger's event message", errBadEvent))
		return
	}
	if strings.HasSuffix(msg, "not signaling a rollback") {
		// Flagger's echo of mlbot's own 403 on the rollback hook, at
		// every interval: nothing to tell anyone.
		c.JSON(http.StatusOK, gin.H{"ignored": "rollback hook answer"})
		return
	}
	queued, err := s.Promotions.CanaryEvent(c.Request.Context(), bot.CanaryEvent{Canary: cn, Phase: p.Phase,
		Type: p.Metadata["eventType"], Message: msg, Now: s.Now().UTC()})
	if errors.Is(err, bot.ErrDuplicate) {
		c.JSON(http.StatusOK, gin.H{"duplicate": true})
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	if queued && s.Wake != nil {
		s.Wake()
	}
	c.JSON(http.StatusOK, gin.H{"queued": queued})
}
