package config

import (
	"fmt"
	"net/url"
	"time"
)

// Prometheus says where a gate's Prometheus is.
type Prometheus struct {
	// URL is the server ("http://prometheus:9090"); the environment
	// variable MLGATE_PROMETHEUS_URL and the --prometheus flag override it.
	URL string `yaml:"url"`
	// TokenEnv names a variable holding a bearer token; empty: none.
	TokenEnv string `yaml:"token_env"`
	// Timeout bounds each query; 0 means 30s.
	Timeout time.Duration `yaml:"timeout"`
}

func (p *Prometheus) validate(file, path string) error {
	if p == nil || p.URL == "" {
		return nil
	}
	u, err := url.Parse(p.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &Error{File: file, Msg: fmt.Sprintf("%s.url is %q, expected an http(s) URL such as http://prometheus:9090", path, p.URL)}
	}
	if p.Timeout < 0 {
		return &Error{File: file, Msg: fmt.Sprintf("%s.timeout is %s, expected a positive duration", path, p.Timeout)}
	}
	return nil
}
