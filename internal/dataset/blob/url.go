package blob

import (
	"fmt"
	"strings"
)

// Scheme is the prefix of the URLs this package opens.
const Scheme = "s3://"

// IsURL reports whether name is an object storage URL (s3://...) rather
// than a local path.
func IsURL(name string) bool {
	return strings.HasPrefix(name, Scheme)
}

// IsMany reports whether name is an object storage URL that names several
// objects: its key has a wildcard (*, ?, [) or ends in "/" (a prefix).
func IsMany(name string) bool {
	if !IsURL(name) {
		return false
	}
	_, key, err := Parse(name)
	return err == nil && (key == "" || strings.HasSuffix(key, "/") || strings.ContainsAny(key, "*?["))
}

// Parse splits an s3://bucket/key URL into its bucket and key. The key
// may be empty (the whole bucket) only for a listing.
func Parse(url string) (bucket, key string, err error) {
	if !IsURL(url) {
		return "", "", &Error{URL: url, Msg: "not an s3:// URL: expected s3://bucket/key"}
	}
	rest := url[len(Scheme):]
	bucket, key, _ = strings.Cut(rest, "/")
	switch {
	case bucket == "":
		return "", "", &Error{URL: url, Msg: "no bucket: expected s3://bucket/key"}
	case strings.ContainsAny(bucket, "*?[]"):
		return "", "", &Error{URL: url, Msg: fmt.Sprintf("wildcard in the bucket name %q: only the key may have one", bucket)}
	case !validBucket(bucket):
		return "", "", &Error{URL: url, Msg: fmt.Sprintf("bad bucket name %q: expected 3 to 63 lowercase letters, digits, dots and hyphens", bucket)}
	case strings.ContainsAny(key, "\x00\n\r"):
		return "", "", &Error{URL: url, Msg: "control character in the key"}
	}
	return bucket, key, nil
}

// validBucket reports whether b is an S3 bucket name (3 to 63 characters
// of a-z, 0-9, '.', '-', starting and ending with a letter or digit);
// underscores and capitals, which some older servers allow, are let
// through too.
func validBucket(b string) bool {
	if len(b) < 3 || len(b) > 63 {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_'
		if !ok {
			return false
		}
	}
	return b[0] != '.' && b[0] != '-' && b[len(b)-1] != '.' && b[len(b)-1] != '-'
}
