package bot

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// SlackConfig is the slack section of mlbot.yml: the app's credentials,
// where rollback proposals are posted, how they are approved and who may
// do what (the RACI roles).
type SlackConfig struct {
	// BotToken (xoxb-…) calls the Web API; ${VAR} is expanded.
	BotToken string `yaml:"bot_token"`
	// SigningSecret verifies requests from Slack; ${VAR} is expanded.
	SigningSecret string `yaml:"signing_secret"`
	// APIURL is the Web API root; empty means https://slack.com/api/.
	APIURL string `yaml:"api_url"`
	// Channel receives rollback proposals and notify actions without one.
	Channel string `yaml:"channel"`
	// Approvals is how many distinct approvers a rollback needs (default 1).
	Approvals int `yaml:"approvals"`
	// Expires is how long a proposal made by /mlops rollback can be
	// decided (default 30m); a rule's propose_rollback has its own.
	Expires time.Duration `yaml:"expires"`
	// GroupCacheTTL is how long user group members are cached (default 5m).
	GroupCacheTTL time.Duration `yaml:"group_cache_ttl"`
	// Rollback says how an approved rollback starts.
	Rollback SlackRollback `yaml:"rollback"`
	// Models maps a model name to where it is deployed, for /mlops
	// rollback and retrain.
	Models map[string]*SlackModel `yaml:"models"`
	// Roles maps each role to the users and user groups that hold it.
	Roles map[Role]*RoleMembers `yaml:"roles"`
	// Promotion is how canary promotions are approved (auth.promotion_token
	// turns the gate endpoints on).
	Promotion PromotionConfig `yaml:"promotion"`
	// DashboardURL is linked from proposals (optional).
	DashboardURL string `yaml:"dashboard_url"`
}

// SlackRollback is how an approved rollback is carried out.
type SlackRollback struct {
	// Mode is "play" (default: play the manual job of the latest
	// successful pipeline on the ref) or "pipeline" (create a pipeline
	// with ROLLBACK_TO and MODEL).
	Mode string `yaml:"mode"`
	// Job is the manual job's name (default "rollback").
	Job string `yaml:"job"`
}

// SlackModel is where a model is deployed.
type SlackModel struct {
	Project string `yaml:"project"`
	Ref     string `yaml:"ref"`
	// Cooldown is how long after a /mlops retrain of the model no
	// retraining starts from an alert (or a second /mlops retrain without
	// force). Unset: the longest cooldown of the rules; 0s: none.
	Cooldown *time.Duration `yaml:"cooldown"`
}

// RoleMembers are the Slack user IDs (U…) and user group IDs (S…) of a role.
type RoleMembers struct {
	Users  []string `yaml:"users"`
	Groups []string `yaml:"groups"`
}

// Role is what a Slack user may do.
type Role string

// The roles of the RACI matrix.
const (
	RoleRetrain         Role = "retrain"
	RoleProposeRollback Role = "propose_rollback"
	RoleApproveRollback Role = "approve_rollback"
	RoleView            Role = "view"
	// RoleApprovePromotion may let a canary take all traffic (the product
	// manager of the plan's RACI), or ask for its rollback.
	RoleApprovePromotion Role = "approve_promotion"
)

// Roles lists every role.
var Roles = []Role{RoleRetrain, RoleProposeRollback, RoleApproveRollback, RoleView, RoleApprovePromotion}

// Job kinds of the Slack adapter and of approved rollbacks.
const (
	// KindSlackPost posts an approval's message (and records its ts).
	KindSlackPost = "slack_post"
	// KindSlackUpdate rewrites an approval's message from its state.
	KindSlackUpdate = "slack_update"
	// KindSlackReply posts text in an approval's thread.
	KindSlackReply = "slack_reply"
	// KindSlackRespond answers a command or click through its response_url.
	KindSlackRespond = "slack_respond"
	// KindRollback starts an approved rollback.
	KindRollback = "rollback"
)

// SlackTask is a Slack job: which approval's message, and the text of a
// reply.
type SlackTask struct {
	ApprovalID  int64  `json:"approval_id,omitempty"`
	Text        string `json:"text,omitempty"`
	ResponseURL string `json:"response_url,omitempty"`
}

func (s *SlackConfig) defaults(rules []*Rule) {
	// A /mlops retrain holds the model's cooldown as long as the longest
	// rule would.
	var longest time.Duration
	for _, r := range rules {
		longest = max(longest, r.Cooldown)
	}
	for _, m := range s.Models {
		if m != nil && m.Cooldown == nil {
			m.Cooldown = &longest
		}
	}
	if s.Approvals == 0 {
		s.Approvals = 1
	}
	if s.Expires == 0 {
		s.Expires = 30 * time.Minute
	}
	if s.GroupCacheTTL == 0 {
		s.GroupCacheTTL = 5 * time.Minute
	}
	if s.Promotion.Expires == 0 {
		s.Promotion.Expires = 2 * time.Hour
	}
	if s.Promotion.Approvals == 0 {
		s.Promotion.Approvals = 1
	}
	if s.Rollback.Mode == "" {
		s.Rollback.Mode = "play"
	}
	if s.Rollback.Job == "" {
		s.Rollback.Job = "rollback"
	}
}

func (s *SlackConfig) validate(c *Config) error {
	switch {
	case s.BotToken == "":
		return errors.New("slack.bot_token: missing, expected a bot token (xoxb-…)")
	case s.SigningSecret == "":
		return errors.New("slack.signing_secret: missing, expected the app's signing secret")
	case s.Channel == "":
		return errors.New("slack.channel: missing, expected a channel ID for rollback proposals")
	case s.Approvals < 1:
		return fmt.Errorf("slack.approvals: %d, expected at least 1", s.Approvals)
	case s.Expires < 0:
		return fmt.Errorf("slack.expires: %s, expected a positive duration", s.Expires)
	case s.Promotion.Expires < 0:
		return fmt.Errorf("slack.promotion.expires: %s, expected a positive duration", s.Promotion.Expires)
	case s.Promotion.Approvals < 1:
		return fmt.Errorf("slack.promotion.approvals: %d, expected at least 1", s.Promotion.Approvals)
	}
	if s.APIURL != "" {
		if err := checkURL("slack.api_url", s.APIURL); err != nil {
			return err
		}
	}
	if s.DashboardURL != "" {
		if err := checkURL("slack.dashboard_url", s.DashboardURL); err != nil {
			return err
		}
	}
	switch s.Rollback.Mode {
	case "play", "pipeline":
	default:
		return fmt.Errorf("slack.rollback.mode: %q, expected play or pipeline", s.Rollback.Mode)
	}
	if c.Backends.GitLab == nil {
		return errors.New("slack: rollbacks run on GitLab, configure backends.gitlab")
	}
	if c.Backends.GitLab.Token == "" {
		return errors.New("backends.gitlab.token: missing, rollbacks (slack) need an api token, a trigger token cannot play jobs")
	}
	for name, m := range s.Models {
		if m == nil || m.Project == "" || m.Ref == "" {
			return fmt.Errorf("slack.models.%s: expected project and ref", name)
		}
		if m.Cooldown != nil && *m.Cooldown < 0 {
			return fmt.Errorf("slack.models.%s.cooldown: %s, expected a positive duration or 0s", name, *m.Cooldown)
		}
	}
	for role, m := range s.Roles {
		if !validRole(role) {
			return fmt.Errorf("slack.roles.%s: not a role, expected one of retrain, propose_rollback, approve_rollback, view, approve_promotion", role)
		}
		if m == nil {
			return fmt.Errorf("slack.roles.%s: empty, expected users or groups", role)
		}
		for _, u := range m.Users {
			if !strings.HasPrefix(u, "U") && !strings.HasPrefix(u, "W") {
				return fmt.Errorf("slack.roles.%s.users: %q, expected a Slack user ID (U… or W…)", role, u)
			}
		}
		for _, g := range m.Groups {
			if !strings.HasPrefix(g, "S") {
				return fmt.Errorf("slack.roles.%s.groups: %q, expected a user group ID (S…)", role, g)
			}
		}
	}
	if s.Roles[RoleApproveRollback] == nil {
		return errors.New("slack.roles.approve_rollback: missing, expected who may approve rollbacks")
	}
	if c.Auth.PromotionToken != "" && s.Roles[RoleApprovePromotion] == nil {
		return errors.New("slack.roles.approve_promotion: missing, expected who may approve promotions (auth.promotion_token is set)")
	}
	return nil
}

func validRole(r Role) bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}
