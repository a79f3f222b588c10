// Command mlbot turns Alertmanager alerts into retraining pipelines and
// rollback proposals, durably. docs/architecture.md walks an alert through it.
//
//	mlbot serve    --config mlbot.yml
//	mlbot validate -c mlbot.yml
//	mlbot jobs     list [--state dead] | retry ID   [-c mlbot.yml]
//	mlbot audit    [--limit 50]                     [-c mlbot.yml]
//	mlbot migrate  [-c mlbot.yml]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"gitlab.com/mlgate/mlgate/internal/bot"
	"gitlab.com/mlgate/mlgate/internal/bot/store"
)

var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := NewMain()
	code := 0
	if err := m.ParseFlags(os.Args[1:]); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "mlbot:", err)
		}
		os.Exit(2)
	}
	stopProfile := m.startProfile()
	if err := m.Run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "mlbot:", err)
		code = 1
		if errors.Is(err, bot.ErrConfig) || errors.Is(err, errUsage) {
			code = 2
		}
	}
	if err := m.Close(); err != nil && code == 0 {
		fmt.Fprintln(os.Stderr, "mlbot:", err)
		code = 1
	}
	stopProfile()
	os.Exit(code)
}

var errUsage = errors.New("usage")

const usage = `usage:
  mlbot serve    --config mlbot.yml
  mlbot validate -c mlbot.yml
  mlbot jobs     list [--state STATE] [--limit N] -c mlbot.yml
  mlbot jobs     retry ID -c mlbot.yml
  mlbot audit    [--limit N] -c mlbot.yml
  mlbot migrate  -c mlbot.yml
  mlbot version`

// Main is the program: ParseFlags, then Run, then Close.
type Main struct {
	Stdout, Stderr io.Writer
	// Listening, when set, receives the server's address once it accepts
	// connections (tests listen on 127.0.0.1:0).
	Listening chan string

	cmd        string
	args       []string
	configPath string
	state      string
	limit      int
	store      *store.DB
}

// NewMain returns a Main writing to the process's stdout and stderr.
func NewMain() *Main { return &Main{Stdout: os.Stdout, Stderr: os.Stderr} }

// ParseFlags reads the subcommand and its flags.
func (m *Main) ParseFlags(args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(m.Stderr, usage)
		return fmt.Errorf("%w: no command", errUsage)
	}
	m.cmd = args[0]
	fs := flag.NewFlagSet("mlbot "+m.cmd, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	fs.StringVar(&m.configPath, "config", "mlbot.yml", "the config file")
	fs.StringVar(&m.configPath, "c", "mlbot.yml", "the config file (short for --config)")
	switch m.cmd {
	case "serve", "validate", "migrate", "version":
	case "jobs":
		fs.StringVar(&m.state, "state", "", "list only jobs in this state (pending, running, done, failed, dead, skipped)")
		fs.IntVar(&m.limit, "limit", 100, "how many jobs to list")
	case "audit":
		fs.IntVar(&m.limit, "limit", 50, "how many entries to list")
	case "help", "-h", "--help":
		fmt.Fprintln(m.Stdout, usage)
		return flag.ErrHelp
	default:
		fmt.Fprintln(m.Stderr, usage)
		return fmt.Errorf("%w: unknown command %q", errUsage, m.cmd)
	}
	// Flags may come before or after positional arguments (jobs retry 7 -c x).
	rest := args[1:]
	for {
		if err := fs.Parse(rest); err != nil {
			return err
		}
		rest = fs.Args()
		if len(rest) == 0 {
			break
		}
		m.args = append(m.args, rest[0])
		rest = rest[1:]
	}
	return nil
}

// Run carries out the command.
func (m *Main) Run(ctx context.Context) error {
	switch m.cmd {
	case "version":
		fmt.Fprintln(m.Stdout, "mlbot", version)
		return nil
	case "validate":
		return m.validate()
	case "serve":
		return m.serve(ctx)
	case "migrate":
		return m.migrate(ctx)
	case "jobs":
		return m.jobs(ctx)
	case "audit":
		return m.audit(ctx)
	}
	return fmt.Errorf("%w: unknown command %q", errUsage, m.cmd)
}

// Close releases the store.
func (m *Main) Close() error {
	if m.store != nil {
		return m.store.Close()
	}
	return nil
}

func (m *Main) open(ctx context.Context) (*bot.Config, *store.DB, error) {
	cfg, err := bot.LoadFile(m.configPath)
	if err != nil {
		return nil, nil, err
	}
	st, err := store.Open(ctx, cfg.Store.Driver, cfg.Store.DSN)
	if err != nil {
		return nil, nil, err
	}
	m.store = st
	return cfg, st, nil
}
