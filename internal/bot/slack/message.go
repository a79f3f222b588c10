package slack

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"gitlab.com/mlgate/mlgate/internal/bot"
)

// ApprovalBlocks renders a rollback proposal: what, why, the target
// version and, while it can be decided, Approve / Reject buttons with
// confirm dialogs; once decided, who decided, when and the pipeline link.
// A promotion request renders as promotionBlocks.
func ApprovalBlocks(a bot.Approval, dashboard string) (string, []slack.Block) {
	if a.IsPromotion() {
		return promotionBlocks(a, dashboard)
	}
	version := a.Version
	if version == "" {
		version = "the last healthy version"
	}
	title := fmt.Sprintf("Rollback request #%d: %s to %s", a.ID, a.Model, version)
	var b strings.Builder
	fmt.Fprintf(&b, "*%s*\nProject `%s` ref `%s`, proposed by %s", title, a.Project, a.Ref, who(a.ProposedBy))
	blocks := []slack.Block{slack.NewSectionBlock(md(b.String()+reasonAndLink(a.Reason, dashboard)), nil, nil)}
	var status string
	switch a.State {
	case bot.ApprovalProposed:
		status = fmt.Sprintf("Needs %d approval(s) by role approve_rollback; %d so far%s. Expires %s.",
			a.Needed, len(a.Approvers), approversSuffix(a.Approvers), slackDate(a.ExpiresAt))
		id := strconv.FormatInt(a.ID, 10)
		approve := slack.NewButtonBlockElement(ActionApprove, id, plain("Approve"))
		approve.Style = slack.StylePrimary
		approve.Confirm = slack.NewConfirmationBlockObject(plain("Roll back?"),
			plain(fmt.Sprintf("Roll %s back to %s on %s@%s.", a.Model, version, a.Project, a.Ref)), plain("Roll back"), plain("Cancel"))
		reject := slack.NewButtonBlockElement(ActionReject, id, plain("Reject"))
		reject.Style = slack.StyleDanger
		reject.Confirm = slack.NewConfirmationBlockObject(plain("Reject the rollback?"),
			plain(fmt.Sprintf("Request #%d will be closed.", a.ID)), plain("Reject"), plain("Cancel"))
		blocks = append(blocks, slack.NewContextBlock("", md(status)), slack.NewActionBlock("approval_"+id, approve, reject))
	case bot.ApprovalApproved:
		status = fmt.Sprintf(":white_check_mark: Approved by %s %s.", mentions(a.Approvers), slackDate(a.DecidedAt))
		if a.PipelineURL != "" {
			status += fmt.Sprintf(" Rollback pipeline: <%s|%s>", a.PipelineURL, a.PipelineURL)
		} else {
			status += " Starting the rollback…"
		}
		blocks = append(blocks, slack.NewContextBlock("", md(status)))
	case bot.ApprovalRejected:
		status = fmt.Sprintf(":no_entry: Rejected by %s %s.", who(a.DecidedBy), slackDate(a.DecidedAt))
		blocks = append(blocks, slack.NewContextBlock("", md(status)))
	case bot.ApprovalExpired:
		status = fmt.Sprintf(":hourglass: Expired %s without enough approvals; nothing was rolled back.", slackDate(a.ExpiresAt))
		blocks = append(blocks, slack.NewContextBlock("", md(status)))
	}
	return title + ": " + string(a.State), blocks
}

func md(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
}

// reasonAndLink renders the end of a request's section: its reason
// quoted, and the dashboard link.
func reasonAndLink(reason, dashboard string) string {
	var b strings.Builder
	if reason != "" {
		fmt.Fprintf(&b, "\n>%s", strings.ReplaceAll(reason, "\n", "\n>"))
	}
	if dashboard != "" {
		fmt.Fprintf(&b, "\n<%s|Dashboard>", dashboard)
	}
	return b.String()
}

// who renders an actor: a Slack user as a mention, anything else as is.
func who(actor string) string {
	if strings.HasPrefix(actor, "U") || strings.HasPrefix(actor, "W") {
		return "<@" + actor + ">"
	}
	return actor
}

func mentions(users []string) string {
	out := make([]string, len(users))
	for i, u := range users {
		out[i] = who(u)
	}
	return strings.Join(out, ", ")
}

func approversSuffix(users []string) string {
	if len(users) == 0 {
		return ""
	}
	return " (" + mentions(users) + ")"
}

func slackDate(t time.Time) string {
	return fmt.Sprintf("<!date^%d^{date_short_pretty} {time}|%s>", t.Unix(), t.UTC().Format(time.RFC3339))
}
