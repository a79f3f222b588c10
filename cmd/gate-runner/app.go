package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"
	"time"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

// Main is one invocation of gate-runner. Tests build one with their own
// writers and environment and call Run.
type Main struct {
	Stdout, Stderr io.Writer
	// Getenv reads the environment (os.Getenv unless a test replaces it).
	Getenv func(string) string
	// Now is the clock (time.Now unless a test replaces it).
	Now    func() time.Time
	Logger *slog.Logger
}

// NewMain returns a Main wired to the process.
func NewMain() *Main {
	return &Main{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Now: time.Now,
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
}

// command is one subcommand.
type command struct {
	usage   string // the argument synopsis
	summary string
	run     func(ctx context.Context, m *Main, args []string) error
}

// commands is the subcommand table; each lives in its own file. It is
// filled in init because the commands print its usage lines.
var commands map[string]command

func init() { commands = commandTable() }

func commandTable() map[string]command {
	return map[string]command{
		"run":      {"[-c .mlgate.yml] [--gate NAME]... [--post] [--format F] [--out DIR]", "run every gate the config names, in order", runRun},
		"metrics":  {"--predictions FILE --labels FILE [--k 5,10] [--task T] [-c FILE] [--format F] [--out DIR|FILE.json]", "offline metrics from raw predictions and labels", runMetrics},
		"compare":  {"--candidate FILE [--baseline FILE] [--rule R]... [-c FILE] [--format F] [--out DIR]", "Gate 3: candidate vs production metrics", runCompare},
		"concept":  {"--old FILE --new FILE --label COL [--fail-drop 0.1] [--push URL] [-c FILE] [--format F] [--out DIR]", "concept drift: AUC drop of a logistic model", runConcept},
		"data":     {"--data FILE [--reference FILE|PROFILE] [--ge-results FILE] [-c FILE] [--format F] [--out DIR]", "Gate 2: data quality and distribution, Great Expectations results", runData},
		"drift":    {"--reference FILE|PROFILE --current FILE [--push URL] [-c FILE] [--format F] [--out DIR]", "feature drift of current data against a reference", runDrift},
		"profile":  {"--data FILE|GLOB... [--shard I/N|auto] [--out DIR|NAME.profile.json] [--bins N] [--sketch K] [-c FILE] [--format F] | merge A.profile.json B.profile.json… [--out C.profile.json]", "store a reference profile for drift, or merge shard profiles", runProfile},
		"report":   {"--in DIR... [--post] [-c FILE] [--format F] [--out DIR]", "render the report files again from results.json; --post comments on the merge request", runReport},
		"tests":    {"--junit GLOB... [--min-tests N] [-c FILE] [--format F] [--out DIR]", "Gate 1: JUnit XML reports of the model's tests", runTests},
		"abtest":   {"[-c FILE] [--prometheus URL | --events FILE] [--format F] [--out DIR]", "Gate 4: online A/B test (promote, continue or rollback)", runABTest},
		"canary":   {"[-c FILE] [--prometheus URL] [--format F] [--out DIR]", "canary health: PromQL checks and canary vs baseline", runCanary},
		"promote":  {"[--in DIR]... [--version NAME] [--registry-version N] [--registry mlflow|gitlab] [--dry-run] [-c FILE] [--format F] [--out DIR] | --rollback [--model NAME] [--dry-run]", "make a version whose gates passed the registry's champion (old one: previous); --rollback undoes it", runPromote},
		"validate": {"-c FILE", "check a config and say exactly what is wrong", runValidate},
		"demo":     {"[--format F] [--out DIR]", "every gate on bundled sample data, no network (it writes its own config, so no -c)", runDemo},
		"version":  {"", "print the version", runVersion},
	}
}

// Run runs the subcommand named by args[0] and returns the exit code: 0
// pass (or warn), 1 a gate failed, 2 wrong input or config.
func (m *Main) Run(ctx context.Context, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		m.usage(m.Stdout)
		if len(args) == 0 {
			return gate.ExitInput
		}
		return gate.ExitPass
	}
	cmd, ok := commands[args[0]]
	if !ok {
		msg := fmt.Sprintf("unknown command %q", args[0])
		if s := nearest(args[0], commandNames()); s != "" {
			msg += ": did you mean " + s + "?"
		}
		fmt.Fprintf(m.Stderr, "gate-runner: %s\n%s\n", msg, usageLine(""))
		return gate.ExitInput
	}
	err := cmd.run(ctx, m, args[1:])
	switch {
	case err == nil:
		return gate.ExitPass
	case errors.Is(err, flag.ErrHelp):
		return gate.ExitPass
	case errors.Is(err, gate.ErrFailed):
		return gate.ExitFailed
	}
	fmt.Fprintf(m.Stderr, "gate-runner %s: %s\n", args[0], oneLine(err.Error()))
	if ue := (*usageError)(nil); errors.As(err, &ue) {
		fmt.Fprintln(m.Stderr, usageLine(ue.cmd))
	}
	return gate.ExitCode(err)
}

func (m *Main) usage(w io.Writer) {
	fmt.Fprintln(w, "gate-runner: quality gates for machine-learning models in GitLab pipelines")
	fmt.Fprintln(w, "\nUsage: gate-runner COMMAND [flags]  (gate-runner COMMAND -h for its flags)")
	fmt.Fprintln(w)
	for _, n := range commandNames() {
		c := commands[n]
		fmt.Fprintf(w, "  %-9s %s\n            %s\n", n, c.usage, c.summary)
	}
	fmt.Fprintln(w, "\nData and profile paths may be s3://bucket/key URLs (endpoint and credentials from AWS_ENDPOINT_URL,")
	fmt.Fprintln(w, "AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, ~/.aws/credentials or a web identity); a key")
	fmt.Fprintln(w, "ending in / or with a wildcard (s3://bucket/day=*/part-*.parquet) reads many objects as one dataset.")
	fmt.Fprintln(w, "\nExit codes: 0 pass (or warn), 1 a gate failed (promote: refused), 2 wrong input or config.")
}

func commandNames() []string {
	var n []string
	for k := range commands {
		n = append(n, k)
	}
	sort.Strings(n)
	return n
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func runVersion(_ context.Context, m *Main, args []string) error {
	fmt.Fprintf(m.Stdout, "gate-runner %s\n", version)
	return nil
}
