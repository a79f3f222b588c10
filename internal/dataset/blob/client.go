package blob

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// Config is where the objects are and who asks for them, as AWS's tools
// read it from the environment (ConfigFromEnv).
type Config struct {
	// Endpoint is the server's URL (http:// or https://); AWS S3
	// (https://s3.amazonaws.com) when empty.
	Endpoint string
	// Region is the bucket's region; discovered from the server when
	// empty and Endpoint is AWS, else "us-east-1".
	Region string
}

// ConfigFromEnv reads AWS_ENDPOINT_URL_S3 (else AWS_ENDPOINT_URL) and
// AWS_REGION (else AWS_DEFAULT_REGION).
func ConfigFromEnv() Config {
	c := Config{Endpoint: os.Getenv("AWS_ENDPOINT_URL_S3"), Region: os.Getenv("AWS_REGION")}
	if c.Endpoint == "" {
		c.Endpoint = os.Getenv("AWS_ENDPOINT_URL")
	}
	if c.Region == "" {
		c.Region = os.Getenv("AWS_DEFAULT_REGION")
	}
	return c
}

// client is a connection to one endpoint with the environment's
// credentials.
type client struct {
	core *minio.Core
	// endpoint is the server's address for messages (no user info).
	endpoint string
}

var (
	clientsMu sync.Mutex
	clients   = map[string]*client{}
)

// clientFor returns the client for the environment as it is now; clients
// are kept per endpoint, region and credential source, so that a process
// (or a test) that changes the environment gets a client that follows.
func clientFor() (*client, error) {
	cfg := ConfigFromEnv()
	key := strings.Join([]string{cfg.Endpoint, cfg.Region, os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY"),
		os.Getenv("AWS_SESSION_TOKEN"), os.Getenv("AWS_PROFILE"), os.Getenv("AWS_SHARED_CREDENTIALS_FILE"),
		os.Getenv("AWS_WEB_IDENTITY_TOKEN_FILE"), os.Getenv("AWS_ROLE_ARN")}, "\x00")
	clientsMu.Lock()
	defer clientsMu.Unlock()
	if c, ok := clients[key]; ok {
		return c, nil
	}
	c, err := newClient(cfg)
	if err != nil {
		return nil, err
	}
	clients[key] = c
	return c, nil
}

func newClient(cfg Config) (*client, error) {
	host, secure, shown := "s3.amazonaws.com", true, "https://s3.amazonaws.com"
	region := cfg.Region
	if cfg.Endpoint != "" {
		u, err := url.Parse(cfg.Endpoint)
		if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			// The value itself may hold a password: name the variable only.
			return nil, fmt.Errorf("AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL is not an http:// or https:// URL with a host")
		}
		host, secure = u.Host, u.Scheme == "https"
		shown = u.Scheme + "://" + u.Host
		if region == "" {
			region = "us-east-1"
		}
	}
	core, err := minio.NewCore(host, &minio.Options{
		Creds:  credentials.NewChainCredentials(providers()),
		Secure: secure,
		Region: region,
		// A wrong endpoint should fail in about a second, not after the
		// client's ten retries with backoff.
		MaxRetries: 3,
	})
	if err != nil {
		return nil, fmt.Errorf("S3 endpoint %s: %w", shown, err)
	}
	return &client{core: core, endpoint: shown}, nil
}

// providers returns the credential sources in AWS's order: the
// environment's keys, the shared credentials file, then a web identity
// or a container's credentials endpoint when the environment names one.
// The EC2 instance metadata service is not asked: off EC2 that request
// would go to a link-local address and wait for its timeout.
func providers() []credentials.Provider {
	ps := []credentials.Provider{&credentials.EnvAWS{}}
	file := os.Getenv("AWS_SHARED_CREDENTIALS_FILE")
	if file == "" {
		if home, err := os.UserHomeDir(); err == nil {
			file = filepath.Join(home, ".aws", "credentials")
		}
	}
	if _, err := os.Stat(file); err == nil {
		ps = append(ps, &credentials.FileAWSCredentials{Filename: file, Profile: os.Getenv("AWS_PROFILE")})
	}
	for _, v := range []string{"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"} {
		if os.Getenv(v) != "" {
			ps = append(ps, &credentials.IAM{})
			break
		}
	}
	return ps
}
