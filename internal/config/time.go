package config

import (
	"fmt"
	"time"
)

// Time is a point in time written in RFC 3339 ("2026-11-21T08:00:00Z"),
// kept as text so that validation can name the key of a wrong value. The
// empty Time means the key is absent.
type Time string

// Value returns the time, the zero time when t is empty or not RFC 3339
// (validation reports the latter).
func (t Time) Value() time.Time {
	v, err := time.Parse(time.RFC3339, string(t))
	if err != nil {
		return time.Time{}
	}
	return v
}

func (t Time) check(file, key string) error {
	if t == "" {
		return nil
	}
	if _, err := time.Parse(time.RFC3339, string(t)); err != nil {
		return &Error{File: file, Msg: fmt.Sprintf("%s is %q, expected an RFC 3339 time such as 2026-11-21T08:00:00Z", key, string(t))}
	}
	return nil
}
