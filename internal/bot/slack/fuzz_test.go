package slack

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

// FuzzParseInteraction feeds arbitrary payloads to the interaction
// parser: it never panics, fails only with ErrBadRequest, and every click
// it returns names a positive request id and a user.
func FuzzParseInteraction(f *testing.F) {
	f.Add(`{"type":"block_actions","trigger_id":"t","user":{"id":"U1"},"actions":[{"type":"button","block_id":"b","action_id":"mlbot_approve","value":"1"}]}`)
	f.Add(`{"type":"block_actions","user":{"id":"U1"},"actions":[{"block_id":"b","action_id":"mlbot_reject","value":"99999999999999999999"}]}`)
	f.Add(`{"type":"block_actions","user":{"id":"U1"},"actions":[{"action_id":"mlbot_approve","value":"1"}]}`)
	f.Add(`{"type":"view_submission"}`)
	f.Add(`{"type":"block_actions","actions":null}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, payload string) {
		clicks, err := ParseInteraction(url.Values{"payload": {payload}})
		if err != nil {
			if !errors.Is(err, ErrBadRequest) {
				t.Fatalf("error %v does not wrap ErrBadRequest", err)
			}
			return
		}
		for _, c := range clicks {
			if c.ApprovalID <= 0 || c.UserID == "" {
				t.Fatalf("click %+v from %q", c, payload)
			}
		}
	})
}

// FuzzParseCommand feeds arbitrary /mlops text: the parser never fails on
// text, and what it accepts is consistent (approve/reject carry an id,
// retrain/rollback a model, help otherwise).
func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{"", "help", "status", "status rec", "retrain rec why not", "rollback rec v1",
		"approve 3", "reject #4", "approve -1", "APPROVE 9999999999999999999", "rollback", "\u00a0status\t rec", "x y z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		c, err := ParseCommand(url.Values{"text": {text}, "user_id": {"U1"}})
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		switch c.Name {
		case "approve", "reject":
			if c.ApprovalID <= 0 {
				t.Fatalf("%q: %+v", text, c)
			}
		case "retrain", "rollback":
			if c.Model == "" || strings.ContainsAny(c.Model, " \t\n") {
				t.Fatalf("%q: %+v", text, c)
			}
		case "status":
		case "help":
			if fs := strings.Fields(text); len(fs) > 0 && !strings.EqualFold(fs[0], "help") && c.Problem == "" {
				t.Fatalf("%q became help without a problem", text)
			}
		default:
			t.Fatalf("%q: command %q", text, c.Name)
		}
	})
}
