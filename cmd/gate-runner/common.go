package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/config"
	"gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/report"
)

// common are the flags every gate command takes.
type common struct {
	config string
	format string
	out    string
	name   string
}

// flagSet returns a FlagSet for a command with the common flags bound to c.
// Flag errors are returned, not printed, so that a user sees one line.
func (m *Main) flagSet(name string, c *common) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if c != nil {
		c.bindConfig(fs)
		c.bindFormat(fs)
		fs.StringVar(&c.out, "out", "", "output directory (default: the config's report.out, else mlgate-out)")
		fs.StringVar(&c.name, "name", "", "report name, to tell reports on one merge request apart (default: the config's, else mlgate)")
	}
	return fs
}

// bindConfig binds -c and --config, for commands that take some of the
// common flags only.
func (c *common) bindConfig(fs *flag.FlagSet) {
	fs.StringVar(&c.config, "c", "", "config file (default "+config.DefaultFile+" when it exists)")
	fs.StringVar(&c.config, "config", "", "same as -c")
}

// bindFormat binds --format.
func (c *common) bindFormat(fs *flag.FlagSet) {
	fs.StringVar(&c.format, "format", "table", "what to print: table, json or markdown")
}

// parse parses args; -h prints the command's flags to stdout and returns
// flag.ErrHelp; any other problem is an input error naming the flag.
func (m *Main) parse(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(m.Stdout)
		fmt.Fprintf(m.Stdout, "%s\n\nFlags of gate-runner %s:\n", usageLine(strings.Fields(fs.Name())[0]), fs.Name())
		fs.PrintDefaults()
		return err
	}
	if err != nil {
		return flagError(fs, err)
	}
	if fs.NArg() > 0 {
		return &usageError{cmd: strings.Fields(fs.Name())[0],
			err: fmt.Errorf("unexpected argument %q (flags go before it? see gate-runner %s -h)", fs.Arg(0), fs.Name())}
	}
	return nil
}

// loadConfig reads the config named by -c, or .mlgate.yml when it exists
// and required is false; with neither it returns an empty config.
func (c *common) loadConfig(required bool) (*config.Config, error) {
	path := c.config
	if path == "" {
		if _, err := os.Stat(config.DefaultFile); err == nil {
			path = config.DefaultFile
		} else if required {
			return nil, gate.Input(fmt.Errorf("no config: give -c FILE or create %s", config.DefaultFile))
		}
	}
	if path == "" {
		cfg := &config.Config{}
		_ = cfg.Validate()
		return cfg, nil
	}
	cfg, err := config.LoadFile(path)
	if err != nil {
		return nil, gate.Input(err)
	}
	return cfg, nil
}

func (c *common) checkFormat() error {
	switch c.format {
	case "table", "json", "markdown":
		return nil
	}
	return gate.Input(fmt.Errorf("--format is %q, expected table, json or markdown", c.format))
}

// newReport starts a report named and described by the flags and config.
func (m *Main) newReport(c *common, cfg *config.Config) *gate.Report {
	name := c.name
	if name == "" {
		name = cfg.Report.Name
	}
	r := &gate.Report{Schema: gate.SchemaVersion, Name: name, Model: cfg.Model.Name, ModelVersion: cfg.Model.Version, Created: m.Now().UTC()}
	if sha := m.Getenv("CI_COMMIT_SHA"); sha != "" {
		r.Lineage = &gate.Lineage{Commit: sha, Pipeline: m.Getenv("CI_PIPELINE_URL"), Job: m.Getenv("CI_JOB_URL")}
	}
	return r
}

// finish writes every output file for r, prints it in the chosen format
// and returns gate.ErrFailed when a gate failed.
func (m *Main) finish(c *common, cfg *config.Config, r *gate.Report) error {
	out := c.out
	if out == "" {
		out = cfg.Report.Out
	}
	paths, err := report.WriteWith(out, r, m.markdownOptions(out))
	if err != nil {
		return err
	}
	switch c.format {
	case "json":
		b, err := report.JSON(r)
		if err != nil {
			return err
		}
		m.Stdout.Write(b)
	case "markdown":
		fmt.Fprint(m.Stdout, report.Markdown(r, report.MarkdownOptions{}))
	default:
		printTable(m.Stdout, r)
		fmt.Fprintf(m.Stdout, "\nWrote %s\n", strings.Join(paths, ", "))
	}
	if r.Overall() == gate.Fail {
		return gate.ErrFailed
	}
	return nil
}

// parseGate parses a gate command's flags, checks --format and loads the
// config (-c, or .mlgate.yml when present): the start every gate command
// shares.
func (m *Main) parseGate(fs *flag.FlagSet, c *common, args []string) (*config.Config, error) {
	if err := m.parse(fs, args); err != nil {
		return nil, err
	}
	if err := c.checkFormat(); err != nil {
		return nil, err
	}
	return c.loadConfig(false)
}

// finishOne writes and prints the report of a single gate's result.
func (m *Main) finishOne(c *common, cfg *config.Config, res gate.Result) error {
	r := m.newReport(c, cfg)
	r.Add(res)
	return m.finish(c, cfg, r)
}
