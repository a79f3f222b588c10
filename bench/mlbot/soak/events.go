package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"
)

// pipelineEvents posts GitLab pipeline hooks for the pipelines the
// stand-in created and the rollback jobs it played: running, then
// success, each once acknowledged (GitLab retries a failed hook too).
func (s *soak) pipelineEvents(stop <-chan struct{}) {
	done, played := 0, 0
	for {
		select {
		case <-stop:
			return
		case <-time.After(2 * time.Second):
		}
		created, plays := s.gl.Created(), s.gl.Plays()
		var ids []int64
		for _, p := range created[done:] {
			ids = append(ids, p.ID)
		}
		for _, p := range plays[played:] {
			ids = append(ids, p.PipelineID)
		}
		done, played = len(created), len(plays)
		for _, id := range ids {
			s.event(id)
		}
		s.evented.Store(int64(done + played))
	}
}

// event sends pipeline id's hooks, running then success, in order.
func (s *soak) event(id int64) {
	s.inflight.Add(1)
	go func() {
		defer s.inflight.Done()
		for _, status := range []string{"running", "success"} {
			attrs := map[string]any{"id": id, "status": status, "ref": "main"}
			if status == "success" {
				attrs["finished_at"] = time.Now().UTC().Format("2006-01-02 15:04:05 UTC")
			}
			body, _ := json.Marshal(map[string]any{"object_kind": "pipeline", "object_attributes": attrs})
			s.c.events.Add(1)
			if s.deliver("/v1/gitlab/events", func() *http.Request {
				req, _ := http.NewRequest("POST", "", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Gitlab-Event", "Pipeline Hook")
				req.Header.Set("X-Gitlab-Token", "gl-hook")
				return req
			}, &s.c.eventRetries, &s.c.refused) {
				s.c.eventsAcked.Add(1)
			}
		}
	}()
}

// clicker approves every request the Slack stand-in was sent, one at a
// time as an approver does: a signed Approve click, retried until
// answered. In play mode it waits for the play before the next click:
// two rollbacks of one deployment at once would race for its one manual
// job, which no approver does.
func (s *soak) clicker(stop <-chan struct{}) {
	for {
		var id int64
		select {
		case <-stop:
			return
		case id = <-s.slack.approvals:
		}
		s.clicking.Store(true)
		time.Sleep(time.Duration(200+rand.IntN(1500)) * time.Millisecond)
		before := len(s.gl.Plays())
		s.c.clicks.Add(1)
		if s.deliver("/v1/slack/interactions", func() *http.Request {
			return signed("http://x", "soak-secret", clickBody(id, "U_APPROVER", s.slack.URL+"/respond/click"))
		}, &s.c.clickRetries, &s.c.refused) {
			s.c.clicksAcked.Add(1)
		}
		if s.mode == "play" {
			deadline := time.Now().Add(90 * time.Second)
			for len(s.gl.Plays()) == before && time.Now().Before(deadline) {
				time.Sleep(100 * time.Millisecond)
			}
		}
		s.clicking.Store(false)
	}
}

// commands sends /mlops commands now and then: status, retrain (a
// pipeline each, told apart by its reason) and rollback (a request the
// clicker approves). Slack does not retry a command, so neither does
// the soak: one not answered 200 may or may not have been carried out.
func (s *soak) commands(stop <-chan struct{}, every time.Duration) {
	for k := 1; ; k++ {
		select {
		case <-stop:
			return
		case <-time.After(every):
		}
		var text string
		switch k % 3 {
		case 0:
			text = "status rec"
		case 1:
			text = fmt.Sprintf("retrain rec soak-cmd-%d", k)
		default:
			text = fmt.Sprintf("rollback rec vcmd-%d", k)
		}
		s.c.commands.Add(1)
		rep := s.replicas[rand.IntN(len(s.replicas))]
		req := signed("http://"+rep.addr+"/v1/slack/commands", "soak-secret",
			commandBody(text, "U_OPS", fmt.Sprint("cmd-", k), s.slack.URL+"/respond/cmd"))
		resp, err := s.http.Do(req)
		if err != nil {
			s.c.commandsUnanswered.Add(1)
			s.cmds.answer(text, "unanswered")
			continue
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var ans struct{ Text string }
		json.Unmarshal(b, &ans)
		switch {
		case resp.StatusCode != 200:
			s.c.commandsUnanswered.Add(1)
			s.cmds.answer(text, "unanswered")
		case strings.HasPrefix(ans.Text, "Working on it"):
			s.c.commandsAcked.Add(1)
			s.cmds.answer(text, "later")
		default:
			s.c.commandsAcked.Add(1)
			s.cmds.answer(text, ans.Text)
		}
	}
}

// commandLog records each command's answer: its text, "later" (the
// answer goes through response_url) or "unanswered".
type commandLog struct {
	mu      sync.Mutex
	answers map[string]string
}

func (l *commandLog) answer(text, answer string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.answers == nil {
		l.answers = map[string]string{}
	}
	l.answers[text] = answer
}
