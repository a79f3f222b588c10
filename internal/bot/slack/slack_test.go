package slack

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot"
)

func sign(secret, ts, body string) string {
	m := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(m, "v0:%s:%s", ts, body)
	return "v0=" + hex.EncodeToString(m.Sum(nil))
}

func TestVerify(t *testing.T) {
	// Slack's documented example: the signature of this body at this
	// timestamp with this secret.
	const docSecret = "8f742231b10e8888abcd99yyyzzz85a5"
	const docBody = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
	const docSig = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
	if got := sign(docSecret, "1531420618", docBody); got != docSig {
		t.Fatalf("test signer disagrees with Slack's example: %s", got)
	}
	now := time.Now()
	ts := strconv.FormatInt(now.Unix(), 10)
	old := strconv.FormatInt(now.Add(-5*time.Minute-10*time.Second).Unix(), 10)
	future := strconv.FormatInt(now.Add(6*time.Minute).Unix(), 10)
	body := "payload=%7B%7D"
	const mismatch = "slack signature: X-Slack-Signature does not match the body and timestamp (another signing secret?)"
	cases := []struct {
		name, ts, sig string
		ok            bool
		msg           string
	}{
		{"valid", ts, sign("s3cret", ts, body), true, ""},
		{"wrong secret", ts, sign("other", ts, body), false, mismatch},
		{"missing signature", ts, "", false, "slack signature: X-Slack-Signature or X-Slack-Request-Timestamp missing"},
		{"missing timestamp", "", sign("s3cret", ts, body), false, "slack signature: X-Slack-Signature or X-Slack-Request-Timestamp missing"},
		{"timestamp not a number", "soon", sign("s3cret", "soon", body), false, `slack signature: X-Slack-Request-Timestamp "soon" is not a Unix time in seconds`},
		{"timestamp out of range", "99999999999999999999", sign("s3cret", "99999999999999999999", body), false, `slack signature: X-Slack-Request-Timestamp "99999999999999999999" is not a Unix time in seconds`},
		{"older than 5 minutes", old, sign("s3cret", old, body), false, "slack signature: X-Slack-Request-Timestamp " + old + " is more than 5 minutes from now (a replay, or a skewed clock)"},
		{"more than 5 minutes ahead", future, sign("s3cret", future, body), false, "slack signature: X-Slack-Request-Timestamp " + future + " is more than 5 minutes from now (a replay, or a skewed clock)"},
		{"not v0", ts, "v1=" + sign("s3cret", ts, body)[3:], false, mismatch},
		{"signed under another timestamp", ts, sign("s3cret", old, body), false, mismatch},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := http.Header{}
			if c.ts != "" {
				h.Set("X-Slack-Request-Timestamp", c.ts)
			}
			if c.sig != "" {
				h.Set("X-Slack-Signature", c.sig)
			}
			err := Verify(h, []byte(body), "s3cret")
			if c.ok != (err == nil) {
				t.Fatalf("err %v, want ok=%v", err, c.ok)
			}
			if err != nil && !errors.Is(err, ErrSignature) {
				t.Errorf("%v does not wrap ErrSignature", err)
			}
			if err != nil && err.Error() != c.msg {
				t.Errorf("error\n got %q\nwant %q", err, c.msg)
			}
		})
	}
}

func TestParseCommand(t *testing.T) {
	cases := []struct {
		text    string
		want    Command
		problem string
	}{
		{"", Command{Name: "help"}, ""},
		{"help", Command{Name: "help"}, ""},
		{"STATUS", Command{Name: "status"}, ""},
		{"status rec", Command{Name: "status", Model: "rec"}, ""},
		{"status a b", Command{Name: "help"}, "status takes at most one model"},
		{"retrain rec  drift on   ctr", Command{Name: "retrain", Model: "rec", Reason: "drift on ctr"}, ""},
		{"retrain", Command{Name: "help"}, "retrain needs a model"},
		{"retrain rec FORCE new data", Command{Name: "retrain", Model: "rec", Force: true, Reason: "new data"}, ""},
		{"retrain rec force", Command{Name: "retrain", Model: "rec", Force: true}, ""},
		{"retrain rec data force", Command{Name: "retrain", Model: "rec", Reason: "data force"}, ""},
		{"rollback rec", Command{Name: "rollback", Model: "rec"}, ""},
		{"rollback rec v1.2", Command{Name: "rollback", Model: "rec", Version: "v1.2"}, ""},
		{"rollback rec v1 v2", Command{Name: "help"}, "rollback needs a model and at most one version"},
		{"approve 12", Command{Name: "approve", ApprovalID: 12}, ""},
		{"reject #7", Command{Name: "reject", ApprovalID: 7}, ""},
		{"approve x", Command{Name: "help"}, `approve: "x" is not a request id`},
		{"approve -3", Command{Name: "help"}, `approve: "-3" is not a request id`},
		{"approve", Command{Name: "help"}, "approve needs one request id"},
		{"deploy rec", Command{Name: "help"}, `unknown command "deploy"`},
	}
	for _, c := range cases {
		got, err := ParseCommand(url.Values{"text": {c.text}, "user_id": {"U1"}})
		if err != nil {
			t.Fatalf("%q: %v", c.text, err)
		}
		c.want.UserID, c.want.Problem = "U1", c.problem
		if got != c.want {
			t.Errorf("%q:\n got %+v\nwant %+v", c.text, got, c.want)
		}
	}
	if _, err := ParseCommand(url.Values{"text": {"help"}}); !errors.Is(err, ErrBadRequest) {
		t.Errorf("no user_id: %v", err)
	}
}

func TestParseInteraction(t *testing.T) {
	payload := func(s string) url.Values { return url.Values{"payload": {s}} }
	clicks, err := ParseInteraction(payload(`{"type":"block_actions","trigger_id":"tr","response_url":"https://hooks.slack.com/x",
		"user":{"id":"U9","name":"po"},"actions":[{"type":"button","block_id":"b","action_id":"mlbot_approve","value":"42"},
		{"type":"button","block_id":"b","action_id":"other","value":"x"},{"type":"button","block_id":"b","action_id":"mlbot_reject","value":"43"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := []Click{{42, true, "U9", "po", "tr", "https://hooks.slack.com/x"}, {43, false, "U9", "po", "tr", "https://hooks.slack.com/x"}}
	if fmt.Sprint(clicks) != fmt.Sprint(want) {
		t.Errorf("clicks %+v", clicks)
	}
	if c, err := ParseInteraction(payload(`{"type":"view_submission","user":{"id":"U9"}}`)); err != nil || c != nil {
		t.Errorf("view_submission: %v %v", c, err)
	}
	for _, bad := range []url.Values{{}, payload("{"), payload(`{"type":"block_actions","actions":[]}`),
		payload(`{"type":"block_actions","user":{"id":"U1"},"actions":[{"type":"button","block_id":"b","action_id":"mlbot_approve","value":"x"}]}`)} {
		if _, err := ParseInteraction(bad); !errors.Is(err, ErrBadRequest) {
			t.Errorf("%v: err %v, want ErrBadRequest", bad, err)
		}
	}
}

func TestApprovalBlocks(t *testing.T) {
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	a := bot.Approval{ID: 5, Model: "rec", Project: "ml/rec", Ref: "main", Version: "v3", State: bot.ApprovalProposed,
		ProposedBy: "U1", Needed: 2, Approvers: []string{"U2"}, ExpiresAt: at, Reason: "drift\nPSI 0.4"}
	text, blocks := ApprovalBlocks(a, "https://grafana.example/d/x")
	if !strings.Contains(text, "#5") || len(blocks) != 3 {
		t.Fatalf("%s %d blocks", text, len(blocks))
	}
	a.State, a.DecidedBy, a.DecidedAt, a.Approvers = bot.ApprovalRejected, "U3", at, nil
	if _, blocks := ApprovalBlocks(a, ""); len(blocks) != 2 {
		t.Errorf("a decided request keeps its buttons: %d blocks", len(blocks))
	}
}
