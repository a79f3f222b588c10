package blob

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/minio/minio-go/v7"
)

// Error is what went wrong with one URL: an S3 error code with the
// server's message, or a failure to reach the endpoint, or a malformed
// URL. Its message is one line and holds no credentials.
type Error struct {
	URL string
	// Code is the S3 error code (NoSuchKey, AccessDenied, NoSuchBucket,
	// InvalidAccessKeyId, SignatureDoesNotMatch, ...), empty when there
	// was no answer from a server.
	Code string
	// Msg says what is wrong, without the URL.
	Msg string
	Err error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.URL)
	b.WriteString(": ")
	if e.Code != "" {
		b.WriteString(e.Code)
		if e.Msg != "" {
			b.WriteString(": ")
		}
	}
	b.WriteString(e.Msg)
	return oneLine(b.String())
}

func (e *Error) Unwrap() error { return e.Err }

// IsNotFound reports whether err says the object or bucket does not
// exist.
func IsNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && (e.Code == "NoSuchKey" || e.Code == "NoSuchBucket" || e.Code == "NotFound")
}

// wrap turns an error of the client into an *Error for url; endpoint is
// the server's address, shown when it could not be reached.
func wrap(u, endpoint string, err error) error {
	if err == nil {
		return nil
	}
	var be *Error
	if errors.As(err, &be) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &Error{URL: u, Msg: err.Error(), Err: err}
	}
	if r := minio.ToErrorResponse(err); r.Code != "" || r.StatusCode != 0 {
		code, msg := r.Code, r.Message
		if code == "" {
			code = fmt.Sprintf("HTTP %d", r.StatusCode)
		}
		if msg == "" {
			msg = statusText(code)
		}
		if code == "AccessDenied" || code == "InvalidAccessKeyId" || code == "SignatureDoesNotMatch" {
			msg += " (credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, ~/.aws/credentials or a web identity)"
		}
		return &Error{URL: u, Code: code, Msg: msg, Err: err}
	}
	var ne net.Error
	var ue *url.Error
	if errors.As(err, &ne) || errors.As(err, &ue) {
		cause := err
		var oe *net.OpError
		if errors.As(err, &oe) {
			cause = oe
		}
		return &Error{URL: u, Msg: fmt.Sprintf("cannot reach the S3 endpoint %s (AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL): %v", endpoint, cause), Err: err}
	}
	return &Error{URL: u, Msg: err.Error(), Err: err}
}

// statusText gives a message for the codes servers send without one
// (the answers to HEAD and some ranged GETs carry no body).
func statusText(code string) string {
	switch code {
	case "NoSuchKey", "NotFound", "HTTP 404":
		return "no such object"
	case "NoSuchBucket":
		return "no such bucket"
	case "AccessDenied", "HTTP 403":
		return "access denied"
	}
	return "request failed"
}

// oneLine folds s onto one line.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}
