package bot

import "errors"

// Sentinel errors callers branch on with errors.Is.
var (
	// ErrConfig marks an invalid mlbot.yml.
	ErrConfig = errors.New("invalid config")
	// ErrNotFound means a job, alert or approval does not exist.
	ErrNotFound = errors.New("not found")
	// ErrLeaseLost means another worker took the job after this worker's
	// lease ran out; its result is not recorded.
	ErrLeaseLost = errors.New("job lease lost")
	// ErrDuplicate means a webhook delivery was seen before.
	ErrDuplicate = errors.New("duplicate delivery")
)
