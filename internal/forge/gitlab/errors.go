package gitlab

import (
	"errors"
	"fmt"
	"net/http"

	gl "gitlab.com/gitlab-org/api/client-go"
)

// Errors a caller branches on.
var (
	// ErrNotFound means GitLab answered 404: no such project, merge
	// request or file, or one the token may not see.
	ErrNotFound = errors.New("GitLab answered 404 Not Found")
	// ErrUnauthorized means GitLab rejected the token (401).
	ErrUnauthorized = errors.New("GitLab answered 401 Unauthorized")
	// ErrForbidden means the token lacks a scope or role (403).
	ErrForbidden = errors.New("GitLab answered 403 Forbidden")
	// ErrUnavailable means GitLab kept answering 5xx after the retries.
	ErrUnavailable = errors.New("GitLab is unavailable")
)

// apiError turns a client-go error into one a user can act on; need says
// what the token needs ("scope api and the Developer role"). The message
// never contains the token: client-go's errors carry the URL, and the
// token travels in a header. A nil err gives nil.
func apiError(resp *gl.Response, err error, what, need string) error {
	if err == nil {
		return nil
	}
	status := 0
	if resp != nil && resp.Response != nil {
		status = resp.StatusCode
	}
	switch {
	case errors.Is(err, gl.ErrNotFound) || status == http.StatusNotFound:
		return fmt.Errorf("%s: %w: it does not exist or the token may not see it", what, ErrNotFound)
	case status == http.StatusUnauthorized:
		return fmt.Errorf("%s: %w: the token is invalid, expired or revoked; create a new one (%s) and store it in the CI/CD variable MLGATE_GITLAB_TOKEN (masked)", what, ErrUnauthorized, need)
	case status == http.StatusForbidden:
		return fmt.Errorf("%s: %w: the token may not do this; it needs %s", what, ErrForbidden, need)
	case status >= 500:
		return fmt.Errorf("%s: %w: it answered HTTP %d even after retrying; try again later", what, ErrUnavailable, status)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// respOf digs the response out of an error from a paginated call, which
// returns no *gl.Response of its own.
func respOf(err error) *gl.Response {
	var er *gl.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		return &gl.Response{Response: er.Response}
	}
	return nil
}
