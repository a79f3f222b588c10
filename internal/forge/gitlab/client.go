package gitlab

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	gl "gitlab.com/gitlab-org/api/client-go"
)

// TokenKind says how a token authenticates.
type TokenKind int

// The token kinds GitLab accepts.
const (
	// PrivateToken is a personal, project or group access token
	// (PRIVATE-TOKEN header).
	PrivateToken TokenKind = iota
	// JobToken is CI_JOB_TOKEN (JOB-TOKEN header): it can read artifacts
	// of the same project but cannot write notes.
	JobToken
)

// Token is a GitLab credential. Its String method never shows the value.
type Token struct {
	Value string
	Kind  TokenKind
	// Source names where it came from ("MLGATE_GITLAB_TOKEN").
	Source string
}

func (t Token) String() string { return "token from " + t.Source }

// ErrNoToken means no token variable was set.
var ErrNoToken = errors.New("no GitLab token")

// TokenFromEnv returns the token of the first variable set among envs, in
// order, read with getenv (os.Getenv when nil); a variable named
// CI_JOB_TOKEN gives a JobToken. With none set it returns an error wrapping
// ErrNoToken that names the variables.
func TokenFromEnv(getenv func(string) string, envs ...string) (Token, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	for _, e := range envs {
		if v := strings.TrimSpace(getenv(e)); v != "" {
			k := PrivateToken
			if e == "CI_JOB_TOKEN" {
				k = JobToken
			}
			return Token{Value: v, Kind: k, Source: e}, nil
		}
	}
	return Token{}, fmt.Errorf("%w: set %s", ErrNoToken, strings.Join(envs, " or "))
}

// Options tune a client.
type Options struct {
	// HTTPClient replaces the default (tests, proxies).
	HTTPClient *http.Client
	// RetryMax is how often a 5xx or network error is retried (default 3;
	// negative: never).
	RetryMax int
	// RetryWaitMin and RetryWaitMax bound the backoff (default 500ms, 5s).
	RetryWaitMin, RetryWaitMax time.Duration
	// Logger receives the retry messages of the HTTP client (method and
	// URL, never a header); nil: none.
	Logger *slog.Logger
}

// New returns a client for the API at baseURL (such as CI_API_V4_URL,
// "https://gitlab.example.com/api/v4").
func New(baseURL string, tok Token, o Options) (*gl.Client, error) {
	if baseURL == "" {
		return nil, errors.New("no GitLab API URL: set CI_API_V4_URL or the config's url")
	}
	opts := []gl.ClientOptionFunc{gl.WithBaseURL(baseURL), gl.WithUserAgent("mlgate")}
	if o.HTTPClient != nil {
		opts = append(opts, gl.WithHTTPClient(o.HTTPClient))
	}
	switch {
	case o.RetryMax < 0:
		opts = append(opts, gl.WithoutRetries())
	case o.RetryMax > 0:
		opts = append(opts, gl.WithCustomRetryMax(o.RetryMax))
	default:
		opts = append(opts, gl.WithCustomRetryMax(3))
	}
	wmin, wmax := o.RetryWaitMin, o.RetryWaitMax
	if wmin == 0 {
		wmin = 500 * time.Millisecond
	}
	if wmax == 0 {
		wmax = 5 * time.Second
	}
	// client-go's own backoff ignores these bounds for 5xx (a fixed
	// 0.7-0.9 s × attempt); retryablehttp's default is exponential between
	// them and honours Retry-After on 429 and 503.
	opts = append(opts, gl.WithCustomRetryWaitMinMax(wmin, wmax), gl.WithCustomBackoff(retryablehttp.DefaultBackoff))
	if o.Logger != nil {
		opts = append(opts, gl.WithCustomLeveledLogger(o.Logger))
	}
	var c *gl.Client
	var err error
	if tok.Kind == JobToken {
		c, err = gl.NewJobClient(tok.Value, opts...)
	} else {
		c, err = gl.NewClient(tok.Value, opts...)
	}
	if err != nil {
		return nil, fmt.Errorf("gitlab client for %s: %w", baseURL, err)
	}
	return c, nil
}
