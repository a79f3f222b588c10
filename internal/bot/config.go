package bot

import (
	"text/template"
	"time"
)

// Config is mlbot.yml. deploy/mlbot.example.yml documents every key; the
// zero value of each field means what its comment says.
type Config struct {
	// Listen is the HTTP address (default ":8080"); the MLBOT_LISTEN
	// variable overrides it.
	Listen   string         `yaml:"listen"`
	Server   ServerConfig   `yaml:"server"`
	Store    StoreConfig    `yaml:"store"`
	Auth     AuthConfig     `yaml:"auth"`
	Worker   WorkerConfig   `yaml:"worker"`
	Backends BackendsConfig `yaml:"backends"`
	// Slack, when set, posts rollback proposals with buttons and serves
	// /v1/slack/interactions and /v1/slack/commands.
	Slack *SlackConfig `yaml:"slack"`
	// Rules are tried in order; the first that matches an alert applies,
	// and later ones too while the matched rule says continue: true.
	Rules []*Rule `yaml:"rules"`
}

// ServerConfig holds the HTTP server's timeouts and body cap.
type ServerConfig struct {
	// MaxBody is the largest request body read (default 16 MiB, at least
	// 1 MiB, at most 256 MiB). An Alertmanager notification over it is
	// answered 503, which Alertmanager retries; deploy/mlbot.md sizes it
	// against the webhook's max_alerts.
	MaxBody         ByteSize      `yaml:"max_body"`
	ReadTimeout     time.Duration `yaml:"read_timeout"`     // default 10s
	WriteTimeout    time.Duration `yaml:"write_timeout"`    // default 30s
	IdleTimeout     time.Duration `yaml:"idle_timeout"`     // default 2m
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"` // default 30s
}

// StoreConfig says where state is kept.
type StoreConfig struct {
	// Driver is "sqlite" (default) or "postgres".
	Driver string `yaml:"driver"`
	// DSN is a file path for sqlite, a postgres:// URL for postgres.
	// ${VAR} is expanded.
	DSN string `yaml:"dsn"`
}

// AuthConfig holds the webhook credentials; ${VAR} is expanded in each.
type AuthConfig struct {
	Alertmanager AlertmanagerAuth `yaml:"alertmanager"`
	// GitLabToken is the secret token of the GitLab webhook (X-Gitlab-Token);
	// empty disables /v1/gitlab/events.
	GitLabToken string `yaml:"gitlab_token"`
	// GitHubSecret signs GitHub webhooks (X-Hub-Signature-256); empty
	// disables /v1/github/events.
	GitHubSecret string `yaml:"github_secret"`
	// PromotionToken is the shared token of the promotion gates
	// (/v1/flagger/*, /v1/argo/gate): a bearer token, or Flagger's
	// webhook metadata "token". Empty disables them; set, it needs a
	// slack section with the approve_promotion role.
	PromotionToken string `yaml:"promotion_token"`
}

// AlertmanagerAuth is the http_config of the Alertmanager receiver: a
// bearer token, basic auth, or both (either is then accepted). One is
// required.
type AlertmanagerAuth struct {
	BearerToken string `yaml:"bearer_token"`
	Username    string `yaml:"username"`
	Password    string `yaml:"password"`
}

// WorkerConfig tunes the outbox worker.
type WorkerConfig struct {
	Concurrency   int           `yaml:"concurrency"`    // default 4
	PollInterval  time.Duration `yaml:"poll_interval"`  // default 1s
	Lease         time.Duration `yaml:"lease"`          // default 5m
	MaxAttempts   int           `yaml:"max_attempts"`   // default 20; then the job is dead
	BackoffMin    time.Duration `yaml:"backoff_min"`    // default 5s
	BackoffMax    time.Duration `yaml:"backoff_max"`    // default 10m
	ActionTimeout time.Duration `yaml:"action_timeout"` // default 30s
}

// BackendsConfig holds where retraining runs.
type BackendsConfig struct {
	GitLab *GitLabBackend          `yaml:"gitlab"`
	GitHub *GitHubBackend          `yaml:"github"`
	HTTP   map[string]*HTTPBackend `yaml:"http"`
}

// GitLabBackend is a GitLab instance's API.
type GitLabBackend struct {
	// URL is the API root, such as https://gitlab.example.com/api/v4.
	URL string `yaml:"url"`
	// Token is a project access token with the api scope.
	Token string `yaml:"token"`
	// TriggerToken, when set, starts pipelines through the pipeline
	// trigger API (POST /projects/:id/trigger/pipeline) instead; then
	// token may be empty.
	TriggerToken string `yaml:"trigger_token"`
}

// GitHubBackend is GitHub's API.
type GitHubBackend struct {
	// URL is the API root; empty means https://api.github.com/.
	URL string `yaml:"url"`
	// Token may dispatch workflows (actions: write).
	Token string `yaml:"token"`
}

// HTTPBackend is a generic HTTP call, such as Airflow's
// POST /api/v1/dags/{dag_id}/dagRuns.
type HTTPBackend struct {
	// URL is a template over the alert and the action's variables.
	URL string `yaml:"url"`
	// Method defaults to POST.
	Method string `yaml:"method"`
	// Headers are sent as they are after ${VAR} expansion.
	Headers map[string]string `yaml:"headers"`
	// Body is a template whose output must be JSON.
	Body string `yaml:"body"`

	url, body *template.Template
}

// Rule maps alerts whose labels satisfy every matcher to actions.
type Rule struct {
	Name string `yaml:"name"`
	// Matchers are `name="v"`, `name!="v"`, `name=~"re"`, `name!~"re"`.
	Matchers []string `yaml:"matchers"`
	// Model names the model an alert is about (a template, default
	// "{{ .Labels.model }}"); cooldowns are per model.
	Model string `yaml:"model"`
	// Cooldown is how long after a retraining of a model no second one
	// starts; zero means none.
	Cooldown time.Duration `yaml:"cooldown"`
	Continue bool          `yaml:"continue"`
	Actions  []Action      `yaml:"actions"`

	matchers []*Matcher
	model    *template.Template
}

// Action is one of retrain, notify or propose_rollback; exactly one is set.
type Action struct {
	Retrain         *Retrain         `yaml:"retrain"`
	Notify          *Notify          `yaml:"notify"`
	ProposeRollback *ProposeRollback `yaml:"propose_rollback"`
}

// Retrain starts a retraining.
type Retrain struct {
	// Backend is "gitlab" (default), "github", or the name of an entry of
	// backends.http.
	Backend string `yaml:"backend"`
	// Project is the GitLab project path or id.
	Project string `yaml:"project"`
	// Repository is the GitHub owner/name.
	Repository string `yaml:"repository"`
	// Workflow is the GitHub workflow file name (retrain.yml).
	Workflow string `yaml:"workflow"`
	// Ref is the branch or tag (GitLab, GitHub); required there.
	Ref string `yaml:"ref"`
	// Variables are templates over the alert: pipeline variables (GitLab),
	// workflow inputs (GitHub), .Variables of the body template (HTTP).
	Variables map[string]string `yaml:"variables"`

	vars map[string]*template.Template
}

// Notify sends a message (the Slack adapter delivers it).
type Notify struct {
	Channel string `yaml:"channel"`
	// Text is a template; empty means a default summary.
	Text string `yaml:"text"`
}

// ProposeRollback records a rollback proposal that needs an approval.
type ProposeRollback struct {
	Project string `yaml:"project"`
	Ref     string `yaml:"ref"`
	// Version is a template for the version to go back to; empty means
	// the last healthy one.
	Version string `yaml:"version"`
	// Expires is how long the proposal can be approved (default 30m).
	Expires time.Duration `yaml:"expires"`
}
