package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot/slack/slacktest"
)

// slackStub stands in for Slack's Web API (chat.postMessage, chat.update,
// conversations.history)
// and for the response_url of commands and clicks: it records what mlbot
// sent and hands the approval requests it sees to the clicker.
type slackStub struct {
	*httptest.Server
	approvals chan int64

	mu       sync.Mutex
	posted   map[int64]int // approval id → request messages posted
	replies  int
	updates  int
	responds int
	searches int
	channel  slacktest.Channel // for conversations.history
}

func startSlack() *slackStub {
	s := &slackStub{approvals: make(chan int64, 100000), posted: map[int64]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/chat.postMessage", s.postMessage)
	mux.HandleFunc("POST /api/chat.update", func(w http.ResponseWriter, r *http.Request) {
		f := form(r)
		s.mu.Lock()
		s.updates++
		s.mu.Unlock()
		json.NewEncoder(w).Encode(map[string]any{"ok": true, "channel": f.Get("channel"), "ts": f.Get("ts")})
	})
	mux.HandleFunc("POST /api/conversations.history", s.history)
	mux.HandleFunc("POST /respond/", func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		s.mu.Lock()
		s.responds++
		s.mu.Unlock()
		io.WriteString(w, "ok")
	})
	s.Server = httptest.NewServer(mux)
	return s
}

func form(r *http.Request) url.Values {
	b, _ := io.ReadAll(r.Body)
	f, _ := url.ParseQuery(string(b))
	return f
}

func (s *slackStub) postMessage(w http.ResponseWriter, r *http.Request) {
	f := form(r)
	s.mu.Lock()
	ts := s.channel.Post(f.Get("text"), f.Get("metadata"))
	id := approvalOf(f.Get("blocks"))
	if id != 0 {
		s.posted[id]++
		if s.posted[id] == 1 {
			s.approvals <- id
		}
	} else {
		s.replies++
	}
	s.mu.Unlock()
	json.NewEncoder(w).Encode(map[string]any{"ok": true, "channel": f.Get("channel"), "ts": ts})
}

// history answers conversations.history as Slack does.
func (s *slackStub) history(w http.ResponseWriter, r *http.Request) {
	f := form(r)
	s.mu.Lock()
	s.searches++
	s.mu.Unlock()
	json.NewEncoder(w).Encode(s.channel.History(f))
}

// approvalOf returns the approval id of a request message's Approve
// button, 0 for any other message.
func approvalOf(blocks string) int64 {
	var v any
	if json.Unmarshal([]byte(blocks), &v) != nil {
		return 0
	}
	var id int64
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if x["action_id"] == "mlbot_approve" {
				if s, ok := x["value"].(string); ok {
					id, _ = strconv.ParseInt(s, 10, 64)
				}
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return id
}

// slackCounts is what the stub saw.
type slackCounts struct {
	Requests, PostedTwice, Replies, Updates, Responds, Searches int
}

func (s *slackStub) counts() slackCounts {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := slackCounts{Requests: len(s.posted), Replies: s.replies, Updates: s.updates, Responds: s.responds, Searches: s.searches}
	for _, n := range s.posted {
		if n > 1 {
			c.PostedTwice++
		}
	}
	return c
}

// signed is a request from Slack to mlbot: form body, v0 signature.
func signed(target, secret string, body url.Values) *http.Request {
	b := body.Encode()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	m := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(m, "v0:%s:%s", ts, b)
	req, _ := http.NewRequest("POST", target, strings.NewReader(b))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(m.Sum(nil)))
	return req
}

// clickBody is a block_actions payload: user clicks Approve on request id.
func clickBody(id int64, user, responseURL string) url.Values {
	payload, _ := json.Marshal(map[string]any{"type": "block_actions", "trigger_id": fmt.Sprint("click-", id),
		"user": map[string]any{"id": user}, "response_url": responseURL,
		"actions": []map[string]any{{"type": "button", "block_id": fmt.Sprint("approval_", id), "action_id": "mlbot_approve",
			"value": strconv.FormatInt(id, 10)}}})
	return url.Values{"payload": {string(payload)}}
}

// commandBody is a /mlops slash command.
func commandBody(text, user, trigger, responseURL string) url.Values {
	return url.Values{"command": {"/mlops"}, "text": {text}, "user_id": {user}, "channel_id": {"C_OPS"},
		"trigger_id": {trigger}, "response_url": {responseURL}}
}
