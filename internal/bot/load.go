package bot

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// LoadFile reads and checks the config at path; errors name the file.
func LoadFile(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	c, err := Load(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// Load decodes a config strictly (an unknown key is an error naming it and
// its line), expands ${VAR} in secrets, DSNs, URLs and headers, fills in
// defaults and checks every field. Errors wrap ErrConfig.
func Load(b []byte) (*Config, error) {
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%w: the file is empty", ErrConfig)
		}
		return nil, fmt.Errorf("%w: %s", ErrConfig, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if err := c.expand(os.LookupEnv); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	c.defaults()
	if err := c.validate(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return &c, nil
}

// The body cap: by default 16 MiB, room for a notification of
// deploy/alertmanager/alertmanager.yml's max_alerts (5,000) at 3 KiB an
// alert, about four times what the alerts of deploy/prometheus take
// (deploy/mlbot.md). Below 1 MiB (the cap of earlier versions) GitLab's
// pipeline events and Slack's payloads could be refused; above 256 MiB
// one request could take the memory of several replicas.
const (
	DefaultMaxBody ByteSize = 16 << 20
	MinMaxBody     ByteSize = 1 << 20
	MaxMaxBody     ByteSize = 256 << 20
)

var envRef = regexp.MustCompile(`\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// expandEnv replaces ${NAME} by the variable's value and $$ by $; an unset
// variable is an error.
func expandEnv(s string, lookup func(string) (string, bool)) (string, error) {
	var missing string
	out := envRef.ReplaceAllStringFunc(s, func(m string) string {
		if m == "$$" {
			return "$"
		}
		name := m[2 : len(m)-1]
		v, ok := lookup(name)
		if !ok && missing == "" {
			missing = name
		}
		return v
	})
	if missing != "" {
		return "", fmt.Errorf("environment variable %s is not set", missing)
	}
	return out, nil
}

func (c *Config) expand(lookup func(string) (string, bool)) error {
	type field struct {
		key string
		p   *string
	}
	fs := []field{
		{"listen", &c.Listen},
		{"store.dsn", &c.Store.DSN},
		{"auth.alertmanager.bearer_token", &c.Auth.Alertmanager.BearerToken},
		{"auth.alertmanager.username", &c.Auth.Alertmanager.Username},
		{"auth.alertmanager.password", &c.Auth.Alertmanager.Password},
		{"auth.gitlab_token", &c.Auth.GitLabToken},
		{"auth.github_secret", &c.Auth.GitHubSecret},
		{"auth.promotion_token", &c.Auth.PromotionToken},
	}
	if g := c.Backends.GitLab; g != nil {
		fs = append(fs, field{"backends.gitlab.url", &g.URL}, field{"backends.gitlab.token", &g.Token},
			field{"backends.gitlab.trigger_token", &g.TriggerToken})
	}
	if g := c.Backends.GitHub; g != nil {
		fs = append(fs, field{"backends.github.url", &g.URL}, field{"backends.github.token", &g.Token})
	}
	if sl := c.Slack; sl != nil {
		fs = append(fs, field{"slack.bot_token", &sl.BotToken}, field{"slack.signing_secret", &sl.SigningSecret},
			field{"slack.api_url", &sl.APIURL})
	}
	for name, h := range c.Backends.HTTP {
		if h == nil {
			continue
		}
		for k, v := range h.Headers {
			nv, err := expandEnv(v, lookup)
			if err != nil {
				return fmt.Errorf("backends.http.%s.headers.%s: %w", name, k, err)
			}
			h.Headers[k] = nv
		}
	}
	for _, f := range fs {
		v, err := expandEnv(*f.p, lookup)
		if err != nil {
			return fmt.Errorf("%s: %w", f.key, err)
		}
		*f.p = v
	}
	return nil
}

func (c *Config) defaults() {
	if c.Listen == "" {
		c.Listen = ":8080"
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&c.Server.ReadTimeout, 10*time.Second)
	def(&c.Server.WriteTimeout, 30*time.Second)
	def(&c.Server.IdleTimeout, 2*time.Minute)
	def(&c.Server.ShutdownTimeout, 30*time.Second)
	if c.Server.MaxBody == 0 {
		c.Server.MaxBody = DefaultMaxBody
	}
	if c.Slack != nil {
		c.Slack.defaults(c.Rules)
	}
	if c.Store.Driver == "" {
		c.Store.Driver = "sqlite"
	}
	w := &c.Worker
	if w.Concurrency == 0 {
		w.Concurrency = 4
	}
	if w.MaxAttempts == 0 {
		w.MaxAttempts = 20
	}
	def(&w.PollInterval, time.Second)
	def(&w.Lease, 5*time.Minute)
	def(&w.BackoffMin, 5*time.Second)
	def(&w.BackoffMax, 10*time.Minute)
	def(&w.ActionTimeout, 30*time.Second)
	for _, h := range c.Backends.HTTP {
		if h != nil && h.Method == "" {
			h.Method = "POST"
		}
	}
	for _, r := range c.Rules {
		if r == nil {
			continue
		}
		if r.Model == "" {
			r.Model = "{{ .Labels.model }}"
		}
		for _, a := range r.Actions {
			if a.Retrain != nil && a.Retrain.Backend == "" {
				a.Retrain.Backend = "gitlab"
			}
			if a.ProposeRollback != nil && a.ProposeRollback.Expires == 0 {
				a.ProposeRollback.Expires = 30 * time.Minute
			}
		}
	}
}

func (c *Config) validate() error {
	switch c.Store.Driver {
	case "sqlite", "postgres":
	default:
		return fmt.Errorf("store.driver: %q is not a driver, expected sqlite or postgres", c.Store.Driver)
	}
	if c.Store.DSN == "" {
		return errors.New("store.dsn: missing, expected a file path (sqlite) or a postgres:// URL")
	}
	if mb := c.Server.MaxBody; mb < MinMaxBody || mb > MaxMaxBody {
		return fmt.Errorf("server.max_body: %s, expected between %s and %s", mb, MinMaxBody, MaxMaxBody)
	}
	am := c.Auth.Alertmanager
	if am.BearerToken == "" && am.Username == "" {
		return errors.New("auth.alertmanager: no credentials, expected bearer_token or username and password")
	}
	if (am.Username == "") != (am.Password == "") {
		return errors.New("auth.alertmanager: username and password go together")
	}
	w := c.Worker
	switch {
	case w.Concurrency < 1:
		return fmt.Errorf("worker.concurrency: %d, expected at least 1", w.Concurrency)
	case w.MaxAttempts < 1:
		return fmt.Errorf("worker.max_attempts: %d, expected at least 1", w.MaxAttempts)
	case w.BackoffMin > w.BackoffMax:
		return fmt.Errorf("worker.backoff_min: %s is above backoff_max %s", w.BackoffMin, w.BackoffMax)
	case w.Lease <= w.ActionTimeout:
		// A lease that ends while the action still runs hands the job to
		// another worker: it would be acted on twice.
		return fmt.Errorf("worker.lease: %s, expected more than action_timeout %s", w.Lease, w.ActionTimeout)
	}
	if err := c.Backends.validate(); err != nil {
		return err
	}
	if c.Slack != nil {
		if err := c.Slack.validate(c); err != nil {
			return err
		}
	} else if c.Auth.PromotionToken != "" {
		return errors.New("auth.promotion_token: set without a slack section, expected slack to ask for promotions")
	}
	if len(c.Rules) == 0 {
		return errors.New("rules: none, expected at least one rule")
	}
	names := map[string]bool{}
	for i, r := range c.Rules {
		key := fmt.Sprintf("rules[%d]", i)
		if r == nil {
			return fmt.Errorf("%s: empty rule", key)
		}
		if r.Name == "" {
			return fmt.Errorf("%s.name: missing", key)
		}
		if names[r.Name] {
			return fmt.Errorf("%s.name: %q is used twice, expected unique names", key, r.Name)
		}
		names[r.Name] = true
		if err := r.compile(c, key); err != nil {
			return err
		}
	}
	return nil
}

func (b *BackendsConfig) validate() error {
	if g := b.GitLab; g != nil {
		if err := checkURL("backends.gitlab.url", g.URL); err != nil {
			return err
		}
		if g.Token == "" && g.TriggerToken == "" {
			return errors.New("backends.gitlab.token: missing, expected a token with the api scope (or a trigger_token)")
		}
	}
	if g := b.GitHub; g != nil {
		if g.URL != "" {
			if err := checkURL("backends.github.url", g.URL); err != nil {
				return err
			}
		}
		if g.Token == "" {
			return errors.New("backends.github.token: missing, expected a token that may dispatch workflows")
		}
	}
	for name, h := range b.HTTP {
		key := "backends.http." + name
		if name == "gitlab" || name == "github" {
			return fmt.Errorf("%s: the name is reserved for the built-in backend", key)
		}
		if h == nil || h.URL == "" {
			return fmt.Errorf("%s.url: missing", key)
		}
		var err error
		if h.url, err = parseTemplate(key+".url", h.URL); err != nil {
			return err
		}
		if h.body, err = parseTemplate(key+".body", h.Body); err != nil {
			return err
		}
	}
	return nil
}

func checkURL(key, s string) error {
	u, err := url.Parse(s)
	if s == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%s: %q, expected an http(s) URL", key, s)
	}
	return nil
}
