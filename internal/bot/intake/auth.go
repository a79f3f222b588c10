package intake

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"gitlab.com/mlgate/mlgate/internal/bot"
)

// equal compares secrets in constant time, also when their lengths differ
// (both are hashed first).
func equal(got, want string) bool {
	g, w := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(g[:], w[:]) == 1 && want != ""
}

// alertmanagerAuth accepts the bearer token or basic auth of the config.
func (s *Server) alertmanagerAuth(r *http.Request) error {
	a := s.Config.Auth.Alertmanager
	h := r.Header.Get("Authorization")
	if tok, ok := strings.CutPrefix(h, "Bearer "); ok && a.BearerToken != "" {
		if equal(strings.TrimSpace(tok), a.BearerToken) {
			return nil
		}
		return fmt.Errorf("%w: bearer token", errUnauthorized)
	}
	if u, p, ok := r.BasicAuth(); ok && a.Username != "" {
		// Both compared, always, so timing says nothing about which is wrong.
		uok, pok := equal(u, a.Username), equal(p, a.Password)
		if uok && pok {
			return nil
		}
		return fmt.Errorf("%w: basic auth", errUnauthorized)
	}
	return fmt.Errorf("%w: no Authorization header with a configured scheme", errUnauthorized)
}

// readBody reads at most server.max_body bytes.
func (s *Server) readBody(c *gin.Context) ([]byte, error) {
	limit := s.Config.Server.MaxBody
	if limit <= 0 {
		limit = bot.DefaultMaxBody
	}
	b, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, int64(limit)))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, fmt.Errorf("%w: body larger than %s (server.max_body)", errTooLarge, limit)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: read body: %w", errBadEvent, err)
	}
	return b, nil
}

func (s *Server) unauthorized(c *gin.Context, endpoint string, err error) {
	s.Instrumentation.AuthFailures.WithLabelValues(endpoint).Inc()
	s.Log.Warn("webhook authentication failed", "endpoint", endpoint, "reason", err.Error(), "remote", c.ClientIP())
	if endpoint == "alertmanager" {
		c.Header("WWW-Authenticate", `Bearer realm="mlbot", Basic realm="mlbot"`)
	}
	s.fail(c, err)
}
