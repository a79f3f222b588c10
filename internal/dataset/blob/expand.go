package blob

import (
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/minio/minio-go/v7"
)

// Expand returns the URLs of the objects pattern names, in key order.
// A pattern whose key ends in "/" (or is empty) names every object under
// that prefix, except those whose name starts with "_" or "." (the
// _SUCCESS markers and hidden files Spark and Hive write beside their
// parts) and directory markers; a pattern with a wildcard names the
// objects under the key's part before the first wildcard that it
// matches as path.Match does ("*" does not cross "/"); any other URL is
// returned as it is. A pattern that matches nothing is an *Error.
func Expand(ctx context.Context, pattern string) ([]string, error) {
	bucket, key, err := Parse(pattern)
	if err != nil {
		return nil, err
	}
	if !IsMany(pattern) {
		return []string{pattern}, nil
	}
	wild := strings.ContainsAny(key, "*?[")
	prefix := key
	if wild {
		prefix = key[:strings.IndexAny(key, "*?[")]
		if _, err := path.Match(key, ""); err != nil {
			return nil, &Error{URL: pattern, Msg: fmt.Sprintf("bad pattern: %v", err)}
		}
	}
	c, err := clientFor()
	if err != nil {
		return nil, &Error{URL: pattern, Msg: err.Error(), Err: err}
	}
	var out []string
	for obj := range c.core.Client.ListObjects(ctx, bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if obj.Err != nil {
			return nil, wrap(pattern, c.endpoint, obj.Err)
		}
		k := obj.Key
		if strings.HasSuffix(k, "/") {
			continue // a directory marker
		}
		if wild {
			if ok, _ := path.Match(key, k); !ok {
				continue
			}
		} else if base := path.Base(k); strings.HasPrefix(base, "_") || strings.HasPrefix(base, ".") {
			continue
		}
		out = append(out, Scheme+bucket+"/"+k)
	}
	if len(out) == 0 {
		return nil, &Error{URL: pattern, Msg: "matches no object"}
	}
	return out, nil
}
