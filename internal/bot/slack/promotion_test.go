package slack

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot"
)

func TestPromotionBlocks(t *testing.T) {
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	a := bot.PromotionApproval(bot.GateCall{Canary: bot.Canary{Engine: bot.EngineFlagger, Namespace: "test", Name: "podinfo",
		Revision: "85d557f47b"}, Model: "recommender", ProposedBy: "U_ENG", Phase: "Progressing", Expires: time.Hour, Now: at})
	a.ID = 7
	render := func(a bot.Approval) (string, string) {
		text, blocks := ApprovalBlocks(a, "")
		var b strings.Builder
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(blocks); err != nil {
			t.Fatal(err)
		}
		// slack-go's context elements escape < and > on their own.
		return text, strings.NewReplacer(`\u003c`, "<", `\u003e`, ">").Replace(b.String())
	}
	text, blocks := render(a)
	for _, want := range []string{"Promotion request #7: recommender to 100% of traffic", "flagger canary `test/podinfo` revision `85d557f47b`",
		"shipped by <@U_ENG>", "role approve_promotion", `"action_id":"mlbot_approve"`, `"text":"Promote"`, `"action_id":"mlbot_reject"`, `"text":"Roll back"`} {
		if !strings.Contains(blocks, want) {
			t.Errorf("proposed request has no %q:\n%s", want, blocks)
		}
	}
	if !strings.HasSuffix(text, ": proposed") {
		t.Errorf("text %q", text)
	}
	for state, want := range map[bot.ApprovalState]string{
		bot.ApprovalApproved: "Promotion approved by <@U_PM>",
		bot.ApprovalRejected: "flagger rolls the canary back at its next check",
		bot.ApprovalExpired:  "the canary was not promoted",
	} {
		d := a
		d.State, d.DecidedBy, d.DecidedAt, d.Approvers = state, "U_PM", at, []string{"U_PM"}
		_, blocks := render(d)
		if !strings.Contains(blocks, want) || strings.Contains(blocks, "mlbot_approve") {
			t.Errorf("%s: want %q and no buttons:\n%s", state, want, blocks)
		}
	}
}
