package slack

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/slack-go/slack"
)

// ErrBadRequest means a signed request from Slack could not be understood.
var ErrBadRequest = errors.New("bad slack request")

// Action ids of the proposal buttons.
const (
	ActionApprove = "mlbot_approve"
	ActionReject  = "mlbot_reject"
)

// Click is a press of an Approve or Reject button.
type Click struct {
	ApprovalID int64
	Approve    bool
	UserID     string
	UserName   string
	// TriggerID differs per click; Slack's retries of one delivery carry
	// the same one.
	TriggerID string
	// ResponseURL answers the click (ephemeral refusals).
	ResponseURL string
}

// ParseInteraction reads a block_actions payload (the payload form field)
// and returns the mlbot button clicks in it; other interactions give none.
func ParseInteraction(form url.Values) ([]Click, error) {
	raw := form.Get("payload")
	if raw == "" {
		return nil, fmt.Errorf("%w: form field payload missing", ErrBadRequest)
	}
	var cb slack.InteractionCallback
	if err := json.Unmarshal([]byte(raw), &cb); err != nil {
		return nil, fmt.Errorf("%w: payload is not an interaction: %w", ErrBadRequest, err)
	}
	if cb.Type != slack.InteractionTypeBlockActions {
		return nil, nil
	}
	if cb.User.ID == "" {
		return nil, fmt.Errorf("%w: payload user.id missing", ErrBadRequest)
	}
	var out []Click
	for _, a := range cb.ActionCallback.BlockActions {
		if a == nil || (a.ActionID != ActionApprove && a.ActionID != ActionReject) {
			continue
		}
		id, err := strconv.ParseInt(a.Value, 10, 64)
		if err != nil || id <= 0 {
			return nil, fmt.Errorf("%w: action %s value %q, expected an approval id", ErrBadRequest, a.ActionID, a.Value)
		}
		out = append(out, Click{ApprovalID: id, Approve: a.ActionID == ActionApprove, UserID: cb.User.ID,
			UserName: cb.User.Name, TriggerID: cb.TriggerID, ResponseURL: cb.ResponseURL})
	}
	return out, nil
}

// Command is one /mlops invocation.
type Command struct {
	// Name is status, retrain, rollback, approve, reject or help; an
	// unknown or malformed command is help with Problem set.
	Name    string
	Model   string
	Version string
	Reason  string
	// Force is the word force after a retrain's model: retrain even
	// inside the model's cooldown.
	Force       bool
	ApprovalID  int64
	UserID      string
	ChannelID   string
	ResponseURL string
	TriggerID   string
	// Problem says why the text was not understood.
	Problem string
}

// ParseCommand reads a slash command's form. It never fails on the text:
// what it cannot read becomes help with the problem named.
func ParseCommand(form url.Values) (Command, error) {
	c := Command{UserID: form.Get("user_id"), ChannelID: form.Get("channel_id"), ResponseURL: form.Get("response_url"),
		TriggerID: form.Get("trigger_id")}
	if c.UserID == "" {
		return c, fmt.Errorf("%w: form field user_id missing", ErrBadRequest)
	}
	f := strings.Fields(form.Get("text"))
	help := func(problem string) (Command, error) {
		c.Name, c.Problem = "help", problem
		return c, nil
	}
	if len(f) == 0 {
		return help("")
	}
	c.Name = strings.ToLower(f[0])
	args := f[1:]
	switch c.Name {
	case "help":
		return help("")
	case "status":
		if len(args) > 1 {
			return help("status takes at most one model")
		}
		if len(args) == 1 {
			c.Model = args[0]
		}
	case "retrain":
		if len(args) == 0 {
			return help("retrain needs a model")
		}
		c.Model, args = args[0], args[1:]
		if len(args) > 0 && strings.EqualFold(args[0], "force") {
			c.Force, args = true, args[1:]
		}
		c.Reason = strings.Join(args, " ")
	case "rollback":
		if len(args) == 0 || len(args) > 2 {
			return help("rollback needs a model and at most one version")
		}
		c.Model = args[0]
		if len(args) == 2 {
			c.Version = args[1]
		}
	case "approve", "reject":
		if len(args) != 1 {
			return help(c.Name + " needs one request id")
		}
		id, err := strconv.ParseInt(strings.TrimPrefix(args[0], "#"), 10, 64)
		if err != nil || id <= 0 {
			return help(fmt.Sprintf("%s: %q is not a request id", c.Name, args[0]))
		}
		c.ApprovalID = id
	default:
		return help(fmt.Sprintf("unknown command %q", f[0]))
	}
	return c, nil
}

// HelpText lists the commands.
const HelpText = "*/mlops* commands:\n" +
	"• `/mlops status [MODEL]`: recent alerts, pipelines, pending approvals, cooldowns\n" +
	"• `/mlops retrain MODEL [force] [reason]`: start a retraining (role retrain); `force` overrides the model's cooldown\n" +
	"• `/mlops rollback MODEL [VERSION]`: propose a rollback (role propose_rollback)\n" +
	"• `/mlops approve ID` / `/mlops reject ID`: decide a rollback (role approve_rollback)\n" +
	"• `/mlops help`: this text"
