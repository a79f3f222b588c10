package github

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	gh "github.com/google/go-github/v92/github"
	"github.com/hashicorp/go-retryablehttp"
)

// Options tune a client.
type Options struct {
	// HTTPClient replaces the default transport (tests, proxies).
	HTTPClient *http.Client
	// RetryMax is how often a 5xx or network error is retried (default 3;
	// negative: never).
	RetryMax int
	// RetryWaitMin and RetryWaitMax bound the backoff (default 500ms, 5s).
	RetryWaitMin, RetryWaitMax time.Duration
	// Logger receives the retry messages (method and URL, never a header).
	Logger *slog.Logger
}

// New returns a go-github client for the API at apiURL authenticated with
// token, retrying 5xx answers with retryablehttp.
func New(apiURL, token string, o Options) (*gh.Client, error) {
	if token == "" {
		return nil, ErrNoToken
	}
	rc := retryablehttp.NewClient()
	rc.Logger = nil
	if o.Logger != nil {
		rc.Logger = o.Logger
	}
	if o.HTTPClient != nil {
		rc.HTTPClient = o.HTTPClient
	}
	switch {
	case o.RetryMax < 0:
		rc.RetryMax = 0
	case o.RetryMax > 0:
		rc.RetryMax = o.RetryMax
	default:
		rc.RetryMax = 3
	}
	rc.RetryWaitMin, rc.RetryWaitMax = 500*time.Millisecond, 5*time.Second
	if o.RetryWaitMin > 0 {
		rc.RetryWaitMin = o.RetryWaitMin
	}
	if o.RetryWaitMax > 0 {
		rc.RetryWaitMax = o.RetryWaitMax
	}
	// Hand the last answer to go-github, which turns it into an
	// *ErrorResponse, instead of retryablehttp's "giving up" error.
	rc.ErrorHandler = retryablehttp.PassthroughErrorHandler
	base := strings.TrimRight(apiURL, "/") + "/"
	c, err := gh.NewClient(gh.WithHTTPClient(rc.StandardClient()), gh.WithAuthToken(token), gh.WithURLs(&base, nil), gh.WithUserAgent("mlgate"))
	if err != nil {
		return nil, fmt.Errorf("github client for %s: %w", apiURL, err)
	}
	return c, nil
}

// Errors a caller branches on.
var (
	ErrUnauthorized = errors.New("GitHub answered 401 Unauthorized")
	ErrForbidden    = errors.New("GitHub answered 403 Forbidden")
	ErrNotFound     = errors.New("GitHub answered 404 Not Found")
	ErrUnavailable  = errors.New("GitHub is unavailable")
)

// permissions is the workflow block GITHUB_TOKEN needs to post.
const permissions = "give the job `permissions: {pull-requests: write, statuses: write}` " +
	"(a pull request from a fork gets a read-only token: post from a workflow_run or pull_request_target workflow)"

// apiError turns a go-github error into one a user can act on. It never
// contains the token, which travels in a header.
func apiError(resp *gh.Response, err error, what string) error {
	status := 0
	if resp != nil && resp.Response != nil {
		status = resp.StatusCode
	}
	switch {
	case status == http.StatusUnauthorized:
		return fmt.Errorf("%s: %w: GITHUB_TOKEN is invalid or expired", what, ErrUnauthorized)
	case status == http.StatusForbidden:
		return fmt.Errorf("%s: %w: the token may not do this; %s", what, ErrForbidden, permissions)
	case status == http.StatusNotFound:
		return fmt.Errorf("%s: %w: no such repository or pull request, or the token may not see it", what, ErrNotFound)
	case status >= 500:
		return fmt.Errorf("%s: %w: it answered HTTP %d even after retrying; try again later", what, ErrUnavailable, status)
	}
	return fmt.Errorf("%s: %w", what, err)
}
