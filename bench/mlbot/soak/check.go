package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// report checks the outcome and prints it; it returns the exit code.
func (s *soak) report(res result, rssGrowth float64, fdGrowth int) int {
	var problems []string
	fail := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	created, plays := s.gl.Created(), s.gl.Plays()

	// Alerts: every acknowledged drift alert has exactly one pipeline.
	byN, byReason, rollbackRuns := map[string]int{}, map[string]int{}, map[string]int{}
	for _, p := range created {
		switch {
		case p.Variables["N"] != "":
			byN[p.Variables["N"]]++
		case p.Variables["REASON"] != "":
			byReason[p.Variables["REASON"]]++
		case p.Variables["ROLLBACK_TO"] != "":
			rollbackRuns[p.Variables["ROLLBACK_TO"]]++
		}
	}
	for _, p := range plays {
		rollbackRuns[p.Variables["ROLLBACK_TO"]]++
	}
	res.traffic.mu.Lock()
	acked := map[string]bool{}
	ackedDrift, ackedCanary := 0, 0
	for n, kind := range res.traffic.acked {
		if kind == "drift" {
			acked[fmt.Sprint(n)] = true
			ackedDrift++
		} else {
			ackedCanary++
		}
	}
	res.traffic.mu.Unlock()
	var dupAlerts, lostAlerts, unackedWithPipeline int
	for n := range acked {
		if byN[n] == 0 {
			lostAlerts++
			if lostAlerts <= 5 {
				fail("alert n=%s was acknowledged and has no pipeline", n)
			}
		}
	}
	for n, k := range byN {
		if k > 1 {
			dupAlerts++
			if dupAlerts <= 5 {
				fail("alert n=%s has %d pipelines", n, k)
			}
		}
		if !acked[n] {
			unackedWithPipeline++
		}
	}

	// /mlops retrain: one pipeline per command answered 200, at most one
	// per command not answered.
	s.cmds.mu.Lock()
	var retrains, retrainsAcked, dupCmds, lostCmds int
	for text, answer := range s.cmds.answers {
		reason, ok := strings.CutPrefix(text, "retrain rec ")
		if !ok {
			continue
		}
		retrains++
		k := byReason[reason]
		switch {
		case k > 1:
			dupCmds++
			fail("%q has %d pipelines", "/mlops "+text, k)
		case answer != "unanswered" && k == 0:
			lostCmds++
			fail("%q was answered %q and has no pipeline", "/mlops "+text, answer)
		}
		if answer != "unanswered" {
			retrainsAcked++
		}
	}
	s.cmds.mu.Unlock()

	// Rollbacks: every approved request exactly one play (or pipeline).
	rows, err := s.db.QueryContext(context.Background(), `SELECT version, state FROM approvals WHERE kind = 'rollback'`)
	if err != nil {
		fail("read approvals: %v", err)
	}
	approved, notApproved, dupRollbacks, lostRollbacks := 0, 0, 0, 0
	versions := map[string]bool{}
	for rows != nil && rows.Next() {
		var version, state string
		if err := rows.Scan(&version, &state); err != nil {
			fail("read approvals: %v", err)
			break
		}
		versions[version] = true
		if state != "approved" {
			notApproved++
			continue
		}
		approved++
		switch k := rollbackRuns[version]; {
		case k == 0:
			lostRollbacks++
			fail("the approved rollback to %s was never started", version)
		case k > 1:
			dupRollbacks++
			fail("the approved rollback to %s was started %d times", version, k)
		}
	}
	if rows != nil {
		rows.Close()
	}
	for v := range rollbackRuns {
		if !versions[v] {
			fail("a rollback to %s was started without a request", v)
		}
	}

	// Hooks: every pipeline got the success hook the soak sent (and
	// mlbot acknowledged), also one recorded after its hook arrived; each
	// started rollback's outcome went to its thread.
	var notSuccess int
	if err := s.db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM pipelines WHERE status <> 'success'`).Scan(&notSuccess); err != nil {
		fail("read pipelines: %v", err)
	} else if notSuccess > 0 {
		fail("%d pipelines are not success, though their success hook was acknowledged", notSuccess)
	}
	if sl := s.slack.counts(); sl.Replies < sum(rollbackRuns) {
		fail("%d rollbacks started, %d outcomes posted in their threads", sum(rollbackRuns), sl.Replies)
	} else if sl.PostedTwice > 0 {
		fail("%d requests' messages posted twice", sl.PostedTwice)
	}

	// The outbox: drained, nothing dead or failed.
	states := map[string]int{}
	var jobs []string
	if rows, err := s.db.QueryContext(context.Background(), `SELECT kind, state, COUNT(*) FROM jobs GROUP BY kind, state ORDER BY kind, state`); err != nil {
		fail("read jobs: %v", err)
	} else {
		for rows.Next() {
			var kind, state string
			var n int
			rows.Scan(&kind, &state, &n)
			states[state] += n
			jobs = append(jobs, fmt.Sprintf("%s %s %d", kind, state, n))
			if state == "dead" || state == "failed" {
				fail("%d %s jobs %s", n, kind, state)
			}
		}
		rows.Close()
	}
	if !res.drained {
		fail("the outbox did not drain")
	}
	if n := s.c.refused.Load(); n > 0 {
		fail("%d requests refused with a 4xx", n)
	}

	// Memory and files of the replica never killed: the median of the
	// samples of the last quarter of the run against the median of the
	// first quarter's (after the warm-up). A leak moves the median; a
	// burst of connections (retries while b is down) or garbage not
	// collected yet is a spike that does not (a 30-minute run saw fds at
	// 34 at the start, 91 at one sample of the last quarter, 35 at the
	// end).
	a, b := res.usage["a"], res.usage["b"]
	early, late := median(res.early["a"]), median(res.late["a"])
	rssLimit := early.RSSKiB + int64(float64(early.RSSKiB)*rssGrowth) + 10*1024
	fdLimit := early.FDs + fdGrowth
	if len(res.early["a"]) == 0 || len(res.late["a"]) == 0 {
		fail("replica a was not sampled in the first and the last quarter of the run")
	}
	if late.RSSKiB > rssLimit {
		fail("replica a's median RSS grew from %.1f MiB in the first quarter to %.1f MiB in the last (limit %.1f)",
			mib(early.RSSKiB), mib(late.RSSKiB), mib(rssLimit))
	}
	if late.FDs > fdLimit {
		fail("replica a's median open fds grew from %d in the first quarter to %d in the last (limit %d)", early.FDs, late.FDs, fdLimit)
	}

	c := &s.c
	sl := s.slack.counts()
	fmt.Printf("\n== soak: %s in all, two mlbot replicas on PostgreSQL, replica b killed with SIGKILL %d times (down %s in all)\n",
		res.elapsed.Round(1e9), res.kills, res.downtime.Round(1e9))
	fmt.Printf("sent:          %d notifications carrying %d new alerts (%d drift, %d canary) and %d resolves; %d pipeline hooks; %d clicks; %d /mlops commands\n",
		c.notifications.Load(), c.alerts.Load()+c.canaries.Load(), c.alerts.Load(), c.canaries.Load(), c.resolves.Load(),
		c.events.Load(), c.clicks.Load(), c.commands.Load())
	fmt.Printf("retried:       %d notifications, %d hooks, %d clicks (refused connection, timeout or 5xx); %d commands unanswered (not retried)\n",
		c.notificationRetries.Load(), c.eventRetries.Load(), c.clickRetries.Load(), c.commandsUnanswered.Load())
	fmt.Printf("acknowledged:  %d notifications; %d drift alerts, %d canary alerts; %d hooks; %d clicks; %d commands\n",
		c.notificationsAcked.Load(), ackedDrift, ackedCanary, c.eventsAcked.Load(), c.clicksAcked.Load(), c.commandsAcked.Load())
	fmt.Printf("pipelines:     %d for alerts (%d acknowledged drift alerts; %d with a pipeline but never acknowledged), %d for %d /mlops retrain (%d answered)\n",
		sum(byN), ackedDrift, unackedWithPipeline, sum(byReason), retrains, retrainsAcked)
	fmt.Printf("duplicates:    %d\n", dupAlerts+dupCmds)
	fmt.Printf("lost:          %d\n", lostAlerts+lostCmds)
	fmt.Printf("rollbacks:     %d approved, %d started (%s mode), %d duplicates, %d lost; %d requests not approved\n",
		approved, sum(rollbackRuns), s.mode, dupRollbacks, lostRollbacks, notApproved)
	fmt.Printf("outbox:        drained %v (%s after the traffic): %s\n", res.drained, res.drainTime.Round(1e9), strings.Join(jobs, ", "))
	fmt.Printf("hooks:         %d pipelines recorded by mlbot, %d of them not success\n", pipelinesRecorded(s), notSuccess)
	fmt.Printf("slack:         %d requests posted (%d of them twice; %d searches by retries), %d thread replies (rollback outcomes), %d updates, %d response_url answers\n",
		sl.Requests, sl.PostedTwice, sl.Searches, sl.Replies, sl.Updates, sl.Responds)
	fmt.Printf("replica a:     never killed; start %s, end %s; median of the first quarter %s, of the last %s (limits %.1f MiB, %d fds); peak %s\n",
		a[0], a[1], early, late, mib(rssLimit), fdLimit, res.peak["a"])
	fmt.Printf("replica b:     killed %d times; start %s, end %s (its last start), peak %s\n", res.kills, b[0], b[1], res.peak["b"])
	if len(problems) > 0 {
		sort.Strings(problems)
		for _, p := range problems {
			fmt.Println("FAIL:", p)
		}
		return 1
	}
	fmt.Println("PASS: no duplicate, no loss, replica a's RSS and fds within the limits")
	return 0
}

func mib(kib int64) float64 { return float64(kib) / 1024 }

func sum(m map[string]int) int {
	n := 0
	for _, k := range m {
		n += k
	}
	return n
}

func pipelinesRecorded(s *soak) int {
	var n int
	s.db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM pipelines`).Scan(&n)
	return n
}

// median returns the median RSS and the median fd count of samples.
func median(samples []usage) usage {
	if len(samples) == 0 {
		return usage{}
	}
	rss, fds := make([]int64, len(samples)), make([]int, len(samples))
	for i, u := range samples {
		rss[i], fds[i] = u.RSSKiB, u.FDs
	}
	sort.Slice(rss, func(i, j int) bool { return rss[i] < rss[j] })
	sort.Ints(fds)
	return usage{rss[len(rss)/2], fds[len(fds)/2]}
}
