package mlbot

import "errors"

// Sentinel errors callers branch on with errors.Is.
var (
	// ErrConfig marks an invalid mlbot.yml.
	ErrConfig = errors.New("invalid config")
	// ErrNotFound means a job, alert or approval does not exist.
	ErrNotFound = errors.New("not found")
	// ErrPermanent marks an action error that retrying cannot fix (a 4xx
	// answer, a template that does not render); the job is failed.
	ErrPermanent = errors.New("permanent")
	// ErrLeaseLost means another worker took the job after this worker's
	// lease ran out; its result is not recorded.
	ErrLeaseLost = errors.New("job lease lost")
)

// Permanent wraps err so that errors.Is(err, ErrPermanent) holds.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

type permanentError struct{ err error }

func (p permanentError) Error() string   { return p.err.Error() }
func (p permanentError) Unwrap() []error { return []error{p.err, ErrPermanent} }

// ClassifyHTTP marks err permanent when the HTTP status says retrying will
// not help: a 4xx other than 408 (timeout) and 429 (rate limit). A 5xx, a
// timeout or a network error (status 0) stays retryable.
func ClassifyHTTP(status int, err error) error {
	if err == nil {
		return nil
	}
	if status >= 400 && status < 500 && status != 408 && status != 429 {
		return Permanent(err)
	}
	return err
}
