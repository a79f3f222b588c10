package abtest

import "errors"

// ErrInvalid marks arguments no test can use: a negative count, more
// successes than trials, an empty sample, a split outside (0, 1).
var ErrInvalid = errors.New("invalid test input")
