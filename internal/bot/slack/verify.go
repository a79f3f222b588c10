package slack

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

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
	// The timestamp is checked here so that the answer is mlbot's own
	// words, not strconv's or the library's (which also printed the
	// signature it computed).
	raw := h.Get("X-Slack-Request-Timestamp")
	ts, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || len(raw) > 12 {
		return fmt.Errorf("%w: X-Slack-Request-Timestamp %q is not a Unix time in seconds", ErrSignature, truncate(raw, 40))
	}
	if d := time.Since(time.Unix(ts, 0)); d > replayWindow || d < -replayWindow {
		return fmt.Errorf("%w: X-Slack-Request-Timestamp %d is more than 5 minutes from now (a replay, or a skewed clock)", ErrSignature, ts)
	}
	sv, err := slack.NewSecretsVerifier(h, secret)
	if err == nil {
		_, err = sv.Write(body)
	}
	if err == nil {
		err = sv.Ensure()
	}
	if err != nil {
		return fmt.Errorf("%w: X-Slack-Signature does not match the body and timestamp (another signing secret?)", ErrSignature)
	}
	return nil
}

// replayWindow is how far a request's timestamp may be from now.
const replayWindow = 5 * time.Minute

// truncate cuts s to at most n bytes (on a rune boundary), marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
