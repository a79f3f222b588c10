package intake

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
)

// Errors the handlers answer with a 4xx.
var (
	errUnauthorized = errors.New("missing or wrong credentials")
	errTooLarge     = errors.New("request too large")
	errBadEvent     = errors.New("bad event")
)

// status maps an error kind to the HTTP status: 4xx for what will never be
// accepted, 500 for everything else (the store failed: Alertmanager retries).
// The Alertmanager endpoint answers a body over the cap with 503 instead
// (see refuseNotification).
func status(err error) int {
	switch {
	case errors.Is(err, errUnauthorized):
		return http.StatusUnauthorized
	case errors.Is(err, errTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, ErrInvalid), errors.Is(err, errBadEvent):
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}

// fail answers err; a 5xx hides the detail (logged instead), a 4xx says
// what is wrong.
func (s *Server) fail(c *gin.Context, err error) {
	code := status(err)
	msg := err.Error()
	if code >= 500 {
		s.Log.Error("request failed", "path", c.Request.URL.Path, "err", err)
		msg = "could not store the request; retry"
	}
	c.AbortWithStatusJSON(code, gin.H{"error": msg})
}
