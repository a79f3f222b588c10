// Package slacktest is a Slack channel as the Web API shows it, for the
// stand-ins of tests and of the soak: messages get Slack's ts (Unix time
// in microseconds, unique in the channel) and conversations.history pages
// through them as Slack does.
package slacktest

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"sync"
	"time"
)

// Channel holds a channel's messages, oldest first. It is safe for
// concurrent use.
type Channel struct {
	mu   sync.Mutex
	msgs []Message
}

// Message is a posted message; Metadata is the message metadata JSON
// (chat.postMessage's metadata field), nil without.
type Message struct {
	TS       float64
	Text     string
	Metadata json.RawMessage
}

// Post adds a message now and returns its ts. A metadata that is not
// JSON is dropped, as Slack refuses it.
func (c *Channel) Post(text, metadata string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	ts := float64(time.Now().UnixMicro()) / 1e6
	if n := len(c.msgs); n > 0 {
		ts = max(ts, c.msgs[n-1].TS+1e-6)
	}
	c.add(ts, text, metadata)
	return formatTS(ts)
}

// Add adds a message at ts (after every message already there: tests
// use it to seed the channel).
func (c *Channel) Add(ts float64, text, metadata string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.add(ts, text, metadata)
}

func (c *Channel) add(ts float64, text, metadata string) {
	m := Message{TS: ts, Text: text}
	if metadata != "" && json.Valid([]byte(metadata)) {
		m.Metadata = json.RawMessage(metadata)
	}
	c.msgs = append(c.msgs, m)
}

// Last returns the newest message (the zero Message when there is none).
func (c *Channel) Last() Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.msgs) == 0 {
		return Message{}
	}
	return c.msgs[len(c.msgs)-1]
}

// History is conversations.history's answer to the form f: messages
// newest first back to oldest, at most limit, from cursor on (the cursor
// is how many newer messages earlier pages held), metadata only with
// include_all_metadata=1.
func (c *Channel) History(f url.Values) map[string]any {
	oldest, _ := strconv.ParseFloat(f.Get("oldest"), 64)
	limit, _ := strconv.Atoi(f.Get("limit"))
	skip, _ := strconv.Atoi(f.Get("cursor"))
	c.mu.Lock()
	defer c.mu.Unlock()
	page := []map[string]any{}
	i := len(c.msgs) - 1 - skip
	for ; i >= 0 && c.msgs[i].TS >= oldest && len(page) < max(limit, 1); i-- {
		m := map[string]any{"type": "message", "ts": formatTS(c.msgs[i].TS), "text": c.msgs[i].Text}
		if c.msgs[i].Metadata != nil && f.Get("include_all_metadata") == "1" {
			m["metadata"] = c.msgs[i].Metadata
		}
		page = append(page, m)
	}
	more := i >= 0 && c.msgs[i].TS >= oldest
	resp := map[string]any{"ok": true, "messages": page, "has_more": more}
	if more {
		resp["response_metadata"] = map[string]any{"next_cursor": strconv.Itoa(skip + len(page))}
	}
	return resp
}

func formatTS(ts float64) string { return fmt.Sprintf("%.6f", ts) }
