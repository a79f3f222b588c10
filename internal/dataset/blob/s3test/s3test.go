// Package s3test starts a real S3-compatible server for tests: versitygw
// (github.com/versity/versitygw) with its posix backend on a temporary
// directory and its internal IAM, listening on a free loopback port.
// .ci/install.d/40-s3.sh installs the binary; without it Start skips the
// test, saying how to install it.
package s3test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"gitlab.com/mlgate/mlgate/internal/testenv"
)

// Server is a running versitygw.
type Server struct {
	// Endpoint is the server's URL (http://127.0.0.1:port).
	Endpoint string
	// Access and Secret are the root user's keys: it owns every bucket.
	Access, Secret string
	// OtherAccess and OtherSecret are a second user's keys: a plain user
	// with no grant on the root's buckets, so its requests are denied.
	OtherAccess, OtherSecret string
	client                   *minio.Client
}

// Binary returns the path of the versitygw binary ($MLGATE_VERSITYGW, else
// versitygw on PATH, else in $(go env GOPATH)/bin) or "".
func Binary() string {
	if p := os.Getenv("MLGATE_VERSITYGW"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return ""
		}
		return p
	}
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		if home, err := os.UserHomeDir(); err == nil {
			gopath = filepath.Join(home, "go")
		}
	}
	for _, dir := range filepath.SplitList(gopath) {
		p := filepath.Join(dir, "bin", "versitygw")
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	return ""
}

// Start starts versitygw for the test and stops it when the test ends.
// The calling test must be marked with testenv.Slow.
func Start(t testing.TB) *Server {
	t.Helper()
	testenv.MustBeSlow(t, "starting versitygw")
	bin := Binary()
	if bin == "" {
		t.Skip("versitygw is not installed (bash .ci/install.d/40-s3.sh, or set MLGATE_VERSITYGW): the S3 tests need a real server")
	}
	dir := t.TempDir()
	data, iam := filepath.Join(dir, "data"), filepath.Join(dir, "iam")
	for _, d := range []string{data, iam} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	s := &Server{Access: "mlgateroot", Secret: "mlgate-root-secret-key", OtherAccess: "mlgateother", OtherSecret: "mlgate-other-secret-key"}
	users := map[string]any{"accessAccounts": map[string]any{
		s.OtherAccess: map[string]any{"access": s.OtherAccess, "secret": s.OtherSecret, "role": "user"},
	}}
	b, _ := json.Marshal(users)
	if err := os.WriteFile(filepath.Join(iam, "users.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	addr := FreeAddr(t)
	s.Endpoint = "http://" + addr
	var log bytes.Buffer
	cmd := exec.Command(bin, "--access", s.Access, "--secret", s.Secret, "--port", addr,
		"--iam-dir", iam, "--region", "us-east-1", "posix", data)
	cmd.Env = cleanEnv()
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start versitygw: %v", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case <-exited:
			t.Fatalf("versitygw exited at start: %s", log.String())
		default:
		}
		resp, err := http.Get(s.Endpoint + "/")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("versitygw did not answer on %s in 30 s: %v\n%s", addr, err, log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	c, err := minio.New(addr, &minio.Options{Creds: credentials.NewStaticV4(s.Access, s.Secret, ""), Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	s.client = c
	return s
}

// cleanEnv is the environment without AWS_ and ROOT_ variables, which
// versitygw would otherwise read.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "AWS_") || strings.HasPrefix(kv, "ROOT_") || strings.HasPrefix(kv, "VGW_") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// FreeAddr returns a loopback address with a port free at the time.
func FreeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// Env points the AWS variables at the server with the root user's keys,
// for the rest of the test (and clears the others that would interfere).
func (s *Server) Env(t testing.TB) {
	s.EnvAs(t, s.Access, s.Secret)
}

// EnvAs is Env with other keys.
func (s *Server) EnvAs(t testing.TB, access, secret string) {
	t.Helper()
	SetEnv(t, s.Endpoint, access, secret)
}

// SetEnv sets the AWS variables for an endpoint and keys, and empties the
// ones that would add another source of credentials.
func SetEnv(t testing.TB, endpoint, access, secret string) {
	t.Helper()
	t.Setenv("AWS_ENDPOINT_URL", endpoint)
	t.Setenv("AWS_ENDPOINT_URL_S3", "")
	t.Setenv("AWS_ACCESS_KEY_ID", access)
	t.Setenv("AWS_SECRET_ACCESS_KEY", secret)
	t.Setenv("AWS_REGION", "us-east-1")
	for _, v := range []string{"AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"} {
		t.Setenv(v, "")
	}
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
}

// Bucket creates a bucket owned by the root user.
func (s *Server) Bucket(t testing.TB, name string) {
	t.Helper()
	if err := s.client.MakeBucket(context.Background(), name, minio.MakeBucketOptions{Region: "us-east-1"}); err != nil {
		t.Fatalf("make bucket %s: %v", name, err)
	}
}

// Put stores data as bucket/key.
func (s *Server) Put(t testing.TB, bucket, key string, data []byte) {
	t.Helper()
	_, err := s.client.PutObject(context.Background(), bucket, key, bytes.NewReader(data), int64(len(data)), minio.PutObjectOptions{})
	if err != nil {
		t.Fatalf("put s3://%s/%s: %v", bucket, key, err)
	}
}

// PutFile stores a local file as bucket/key.
func (s *Server) PutFile(t testing.TB, bucket, key, path string) {
	t.Helper()
	if _, err := s.client.FPutObject(context.Background(), bucket, key, path, minio.PutObjectOptions{}); err != nil {
		t.Fatalf("put %s as s3://%s/%s: %v", path, bucket, key, err)
	}
}

// URL returns s3://bucket/key.
func URL(bucket, key string) string { return fmt.Sprintf("s3://%s/%s", bucket, key) }
