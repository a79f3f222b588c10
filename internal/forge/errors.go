package forge

import (
	"errors"
	"fmt"
)

// ErrPermanent marks an error that retrying cannot fix (a 4xx answer, a
// template that does not render): the job that met it is failed.
var ErrPermanent = errors.New("permanent")

// Permanent wraps err so that errors.Is(err, ErrPermanent) holds. A nil
// err gives nil.
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

// JobTaken is what RollbackTask.Choose returns when the manual job an
// attempt chose is another approved rollback's already (two approvals
// of one project and ref, decided at about the same time): the job is
// played once, by that rollback, with its model and version.
type JobTaken struct {
	Job            int64  // the GitLab job
	Approval       int64  // the approval whose rollback plays it
	Model, Version string // what that rollback rolls back, and to
}

func (e *JobTaken) Error() string {
	return fmt.Sprintf("job %d is the rollback of approval %d (%s to %q)", e.Job, e.Approval, e.Model, e.Version)
}
