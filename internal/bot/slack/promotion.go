package slack

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"gitlab.com/mlgate/mlgate/internal/bot"
)

// promotionBlocks renders a canary's promotion request: which canary and
// revision asks for all traffic, and, while it can be decided, Promote /
// Roll back buttons (the Approve and Reject actions) with confirm
// dialogs; once decided, who decided and what the engine does next.
func promotionBlocks(a bot.Approval, dashboard string) (string, []slack.Block) {
	title := fmt.Sprintf("Promotion request #%d: %s to 100%% of traffic", a.ID, a.Model)
	var b strings.Builder
	fmt.Fprintf(&b, "*%s*\n%s canary `%s` revision `%s`", title, a.Ref, a.Project, a.Version)
	if a.ProposedBy != a.Ref {
		fmt.Fprintf(&b, ", shipped by %s", who(a.ProposedBy))
	}
	blocks := []slack.Block{slack.NewSectionBlock(md(b.String()+reasonAndLink(a.Reason, dashboard)), nil, nil)}
	var status string
	switch a.State {
	case bot.ApprovalProposed:
		status = fmt.Sprintf("Needs %d approval(s) by role approve_promotion; %d so far%s. Expires %s; until then the canary holds its traffic.",
			a.Needed, len(a.Approvers), approversSuffix(a.Approvers), slackDate(a.ExpiresAt))
		id := strconv.FormatInt(a.ID, 10)
		promote := slack.NewButtonBlockElement(ActionApprove, id, plain("Promote"))
		promote.Style = slack.StylePrimary
		promote.Confirm = slack.NewConfirmationBlockObject(plain("Promote?"),
			plain(fmt.Sprintf("%s revision %s takes all traffic.", a.Project, a.Version)), plain("Promote"), plain("Cancel"))
		rollback := slack.NewButtonBlockElement(ActionReject, id, plain("Roll back"))
		rollback.Style = slack.StyleDanger
		rollback.Confirm = slack.NewConfirmationBlockObject(plain("Roll the canary back?"),
			plain(fmt.Sprintf("%s rolls %s revision %s back at its next check.", a.Ref, a.Project, a.Version)), plain("Roll back"), plain("Cancel"))
		blocks = append(blocks, slack.NewContextBlock("", md(status)), slack.NewActionBlock("approval_"+id, promote, rollback))
	case bot.ApprovalApproved:
		status = fmt.Sprintf(":white_check_mark: Promotion approved by %s %s; %s promotes at its next check.", mentions(a.Approvers), slackDate(a.DecidedAt), a.Ref)
		blocks = append(blocks, slack.NewContextBlock("", md(status)))
	case bot.ApprovalRejected:
		status = fmt.Sprintf(":leftwards_arrow_with_hook: Rollback asked by %s %s; %s rolls the canary back at its next check.", who(a.DecidedBy), slackDate(a.DecidedAt), a.Ref)
		blocks = append(blocks, slack.NewContextBlock("", md(status)))
	case bot.ApprovalExpired:
		status = fmt.Sprintf(":hourglass: Expired %s without enough approvals; the canary was not promoted.", slackDate(a.ExpiresAt))
		blocks = append(blocks, slack.NewContextBlock("", md(status)))
	}
	return title + ": " + string(a.State), blocks
}
