package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot"
	"gitlab.com/mlgate/mlgate/internal/bot/store"
	"gitlab.com/mlgate/mlgate/internal/forge"
	"gitlab.com/mlgate/mlgate/internal/testenv"
)

// TestLostAnswerAdoptsPipeline covers GitLab creating the pipeline while
// its answer is lost: mlbot is killed with SIGKILL while the call hangs
// ("lose"), or the connection drops and the worker retries ("drop"). The
// retried job finds the pipeline by MLGATE_JOB_ID and adopts it: exactly
// one pipeline exists, and the job is done and linked to it.
func TestLostAnswerAdoptsPipeline(t *testing.T) {
	testenv.Slow(t, "builds mlbot and runs it as a process")
	if testing.Short() {
		t.Skip("builds and kills mlbot processes; skipped with -short")
	}
	for _, mode := range []string{"lose", "drop"} {
		t.Run(mode, func(t *testing.T) {
			gl := newFakeGitLab(t)
			gl.setMode(mode)
			dir := t.TempDir()
			db := filepath.Join(dir, "mlbot.db")
			cfg := writeConfig(t, dir, "sqlite", db, gl.URL, "0s",
				"poll_interval: 100ms, lease: 2s, action_timeout: 1500ms, backoff_min: 100ms, backoff_max: 200ms")
			logs := filepath.Join(dir, "mlbot.log")
			cmd, addr := startProcess(t, cfg, logs)
			defer func() {
				if t.Failed() {
					b, _ := os.ReadFile(logs)
					t.Logf("mlbot logs:\n%s", b)
				}
			}()

			postAlerts(t, addr, amMessage("g1", "firing", time.Now().UTC(), "fp-lost"))
			select {
			case <-gl.Arrived:
			case <-time.After(10 * time.Second):
				t.Fatal("mlbot never called GitLab")
			}
			if mode == "lose" {
				killHeldJob(t, cmd, gl, db)
				startProcess(t, cfg, logs)
			} else {
				gl.setMode("ok")
			}
			waitFor(t, 20*time.Second, "the job to be done", func() bool {
				js := jobsOf(t, "sqlite", db)
				return len(js) == 1 && js[0].State == bot.JobDone
			})
			js := jobsOf(t, "sqlite", db)
			calls := gl.calls()
			if len(calls) != 1 || calls[0].Variables[forge.JobIDVariable] != fmt.Sprint(js[0].ID) || calls[0].Variables["MODEL"] != "rec" {
				t.Fatalf("created %d pipelines (%+v); want 1 carrying MLGATE_JOB_ID %d", len(calls), calls, js[0].ID)
			}
			if js[0].Attempts != 2 || gl.Counts().Lists == 0 {
				t.Errorf("job attempts %d, %d lookups; want 2 attempts and a lookup", js[0].Attempts, gl.Counts().Lists)
			}
			ps := pipelinesOf(t, db)
			if len(ps) != 1 || ps[0].ExternalID != 1 || ps[0].JobID != js[0].ID || js[0].Result != ps[0].WebURL {
				t.Errorf("pipelines %+v, job %+v; want pipeline 1 linked to job %d", ps, js[0], js[0].ID)
			}
		})
	}
}

// TestCrashBeforeFinishRecorded kills mlbot with SIGKILL after GitLab
// created the pipeline and answered, while the job's outcome waits to be
// written (the worker records outcomes in batches; here the test holds
// SQLite's write lock). The job stays running with its first attempt;
// after a restart it runs again once its lease ends, finds the pipeline
// by MLGATE_JOB_ID and adopts it: one pipeline, linked to the job.
func TestCrashBeforeFinishRecorded(t *testing.T) {
	testenv.Slow(t, "builds mlbot and kills it")
	if testing.Short() {
		t.Skip("builds and kills mlbot processes; skipped with -short")
	}
	gl := newFakeGitLab(t)
	gl.AnswerDelay = time.Second
	dir := t.TempDir()
	db := filepath.Join(dir, "mlbot.db")
	cfg := writeConfig(t, dir, "sqlite", db, gl.URL, "0s",
		"poll_interval: 100ms, lease: 3s, action_timeout: 2500ms, backoff_min: 100ms, backoff_max: 200ms")
	logs := filepath.Join(dir, "mlbot.log")
	defer func() {
		if t.Failed() {
			b, _ := os.ReadFile(logs)
			t.Logf("mlbot logs:\n%s", b)
		}
	}()
	cmd, addr := startProcess(t, cfg, logs)
	postAlerts(t, addr, amMessage("g1", "firing", time.Now().UTC(), "fp-finish"))
	select {
	case <-gl.Arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("mlbot never called GitLab")
	}
	// The claim is committed; take the writer before GitLab answers.
	lock, err := sql.Open("sqlite", "file:"+db+"?_pragma=busy_timeout(10000)&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	held, err := lock.BeginTx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "GitLab to create the pipeline", func() bool { return gl.Counts().Creates == 1 })
	time.Sleep(gl.AnswerDelay + 500*time.Millisecond) // mlbot has the answer and waits for the writer
	var state string
	if err := held.QueryRow(`SELECT state FROM jobs`).Scan(&state); err != nil || state != string(bot.JobRunning) {
		t.Fatalf("job state before the kill: %q, %v; want running", state, err)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	held.Rollback()
	lock.Close()
	if js, ps := jobsOf(t, "sqlite", db), pipelinesOf(t, db); len(js) != 1 || js[0].State != bot.JobRunning ||
		js[0].Attempts != 1 || len(ps) != 0 {
		t.Fatalf("after the crash: jobs %+v, pipelines %+v; want one running job, no pipeline recorded", js, ps)
	}

	startProcess(t, cfg, logs)
	waitFor(t, 20*time.Second, "the job to be done", func() bool {
		js := jobsOf(t, "sqlite", db)
		return len(js) == 1 && js[0].State == bot.JobDone
	})
	js := jobsOf(t, "sqlite", db)
	if calls := gl.calls(); len(calls) != 1 || calls[0].Variables[forge.JobIDVariable] != fmt.Sprint(js[0].ID) {
		t.Fatalf("created %d pipelines (%+v); want 1 carrying MLGATE_JOB_ID %d", len(calls), calls, js[0].ID)
	}
	if js[0].Attempts != 2 || gl.Counts().Lists == 0 {
		t.Errorf("job attempts %d, %d lookups; want 2 attempts and a lookup", js[0].Attempts, gl.Counts().Lists)
	}
	ps := pipelinesOf(t, db)
	if len(ps) != 1 || ps[0].ExternalID != 1 || ps[0].JobID != js[0].ID || js[0].Result != ps[0].WebURL {
		t.Errorf("pipelines %+v, job %+v; want pipeline 1 linked to job %d", ps, js[0], js[0].ID)
	}
}

func pipelinesOf(t *testing.T, db string) []bot.Pipeline {
	t.Helper()
	st, err := store.Open(context.Background(), "sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ps, err := st.ListPipelines(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}
