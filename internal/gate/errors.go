package gate

import "errors"

// The error kinds a command maps to exit codes (see ExitCode).
var (
	// ErrInput marks wrong input: a file that cannot be read or parsed, a
	// bad flag, a config that does not validate. Exit code 2.
	ErrInput = errors.New("bad input")
	// ErrFailed marks a run in which at least one gate failed. Exit code 1.
	ErrFailed = errors.New("gate failed")
)

// Exit codes of gate-runner.
const (
	ExitPass   = 0
	ExitFailed = 1
	ExitInput  = 2
)

// ExitCode maps an error from a command to gate-runner's exit code: 0 for
// nil, 1 for ErrFailed, 2 for everything else (bad input, config, I/O).
func ExitCode(err error) int {
	switch {
	case err == nil:
		return ExitPass
	case errors.Is(err, ErrFailed):
		return ExitFailed
	default:
		return ExitInput
	}
}

// InputError wraps err so that errors.Is(err, ErrInput) holds while the
// message stays the caller's.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }

// Unwrap returns both the cause and ErrInput.
func (e *InputError) Unwrap() []error { return []error{e.Err, ErrInput} }

// Input marks err as a user's input mistake; nil stays nil.
func Input(err error) error {
	if err == nil {
		return nil
	}
	return &InputError{Err: err}
}
