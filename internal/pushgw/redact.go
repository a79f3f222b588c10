package pushgw

import (
	"errors"
	"net/url"
	"strings"
)

// redact returns err with any credentials of rawURL removed from its text.
func redact(err error, rawURL string) error {
	u, perr := url.Parse(rawURL)
	if perr != nil || u.User == nil {
		return err
	}
	msg := err.Error()
	if pw, ok := u.User.Password(); ok && pw != "" {
		msg = strings.ReplaceAll(msg, pw, "REDACTED")
	}
	return errors.New(msg)
}
