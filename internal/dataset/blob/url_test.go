package blob

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	cases := []struct {
		url, bucket, key, err string
		many                  bool
	}{
		{"s3://data/ref.csv", "data", "ref.csv", "", false},
		{"s3://data/a/b/ref.parquet", "data", "a/b/ref.parquet", "", false},
		{"s3://data/day=2026-12-0*/part-*.parquet", "data", "day=2026-12-0*/part-*.parquet", "", true},
		{"s3://data/logs/", "data", "logs/", "", true},
		{"s3://data", "data", "", "", true},
		{"s3://data/part-?.csv", "data", "part-?.csv", "", true},
		{"s3://data/part-[0-3].csv", "data", "part-[0-3].csv", "", true},
		{"s3:///ref.csv", "", "", "s3:///ref.csv: no bucket: expected s3://bucket/key", false},
		{"s3://da*ta/ref.csv", "", "", `s3://da*ta/ref.csv: wildcard in the bucket name "da*ta": only the key may have one`, false},
		{"s3://ab/ref.csv", "", "", `s3://ab/ref.csv: bad bucket name "ab": expected 3 to 63 lowercase letters, digits, dots and hyphens`, false},
		{"s3://my bucket/x", "", "", `s3://my bucket/x: bad bucket name "my bucket": expected 3 to 63 lowercase letters, digits, dots and hyphens`, false},
		{"s3://data/a\nb", "", "", "s3://data/a b: control character in the key", false},
		{"/tmp/ref.csv", "", "", "/tmp/ref.csv: not an s3:// URL: expected s3://bucket/key", false},
	}
	for _, c := range cases {
		b, k, err := Parse(c.url)
		switch {
		case c.err != "" && (err == nil || err.Error() != c.err):
			t.Errorf("Parse(%q): error %v, want %q", c.url, err, c.err)
		case c.err == "" && (err != nil || b != c.bucket || k != c.key):
			t.Errorf("Parse(%q) = %q, %q, %v; want %q, %q", c.url, b, k, err, c.bucket, c.key)
		}
		if got := IsMany(c.url); got != c.many {
			t.Errorf("IsMany(%q) = %v, want %v", c.url, got, c.many)
		}
	}
	if IsURL("./s3://x") || !IsURL("s3://x/y") {
		t.Error("IsURL")
	}
}

func TestErrorIsOneLine(t *testing.T) {
	e := &Error{URL: "s3://data/x.csv", Code: "AccessDenied", Msg: "Access\nDenied.\r\n"}
	if got, want := e.Error(), "s3://data/x.csv: AccessDenied: Access Denied."; got != want {
		t.Errorf("%q, want %q", got, want)
	}
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}
	err := wrap("s3://data/x.csv", "http://127.0.0.1:9", fmt.Errorf("get: %w", refused))
	want := "s3://data/x.csv: cannot reach the S3 endpoint http://127.0.0.1:9 (AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL): dial tcp: connect: connection refused"
	if err.Error() != want {
		t.Errorf("%q, want %q", err, want)
	}
	if !errors.Is(err, refused) {
		t.Error("the cause is not kept")
	}
}

// TestEndpointWithPassword checks that an endpoint URL with user info is
// refused without printing it, and shown without it otherwise.
func TestEndpoint(t *testing.T) {
	t.Setenv("AWS_ENDPOINT_URL_S3", "")
	t.Setenv("AWS_ENDPOINT_URL", "ftp://user:hunter2@host")
	_, err := Open(t.Context(), "s3://data/x.csv")
	if err == nil || strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "not an http:// or https:// URL") {
		t.Errorf("bad endpoint: %v", err)
	}
	c, err := newClient(Config{Endpoint: "https://user:hunter2@s3.example.org:9000"})
	if err != nil || c.endpoint != "https://s3.example.org:9000" {
		t.Errorf("endpoint %q, %v", c.endpoint, err)
	}
}

// FuzzParse checks that no URL panics Parse or IsMany, and that a parsed
// URL's bucket and key put together give it back.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"s3://data/ref.csv", "s3://data/day=*/p-*.parquet", "s3://", "s3:///", "s3://a/", "s3://bucket/[", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_ = IsMany(s)
		b, k, err := Parse(s)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error of two lines: %q", err)
			}
			return
		}
		if got := Scheme + b + "/" + k; got != s && got != s+"/" {
			t.Fatalf("Parse(%q) = %q, %q", s, b, k)
		}
	})
}
