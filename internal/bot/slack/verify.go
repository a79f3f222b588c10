package slack

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/slack-go/slack"
)

// ErrSignature means a request did not come from Slack: its
// X-Slack-Signature is missing or wrong, or its X-Slack-Request-Timestamp
// is missing or more than five minutes away from now (a replay).
var ErrSignature = errors.New("slack signature")

// Verify checks the v0 signature of a request from Slack: HMAC-SHA256 of
// "v0:timestamp:body" with the signing secret, compared in constant time,
// with a five-minute replay window. body must be the raw bytes read
// before any parsing.
func Verify(h http.Header, body []byte, secret string) error {
	if h.Get("X-Slack-Signature") == "" || h.Get("X-Slack-Request-Timestamp") == "" {
		return fmt.Errorf("%w: X-Slack-Signature or X-Slack-Request-Timestamp missing", ErrSignature)
	}
	sv, err := slack.NewSecretsVerifier(h, secret)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrSignature, err)
	}
	if _, err := sv.Write(body); err != nil {
		return fmt.Errorf("%w: %w", ErrSignature, err)
	}
	if err := sv.Ensure(); err != nil {
		return fmt.Errorf("%w: %w", ErrSignature, err)
	}
	return nil
}
