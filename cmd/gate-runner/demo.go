package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"gitlab.com/mlgate/mlgate/internal/config"
	"gitlab.com/mlgate/mlgate/internal/demo"
)

// runDemo is `gate-runner demo`: the plan's gates on the bundled sample data
// of a small recommender, with no network. It writes the data, the
// .mlgate.yml it used (so `gate-runner run -c DIR/mlgate.yml` repeats it)
// and every output file under --out (default mlgate-demo).
func runDemo(ctx context.Context, m *Main, args []string) error {
	c := common{out: "mlgate-demo"}
	fs := m.flagSet("demo", nil)
	fs.StringVar(&c.out, "out", c.out, "directory for the sample data, its config and the outputs")
	fs.StringVar(&c.format, "format", "table", "what to print: table, json or markdown")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if err := c.checkFormat(); err != nil {
		return err
	}
	if _, err := demo.Extract(c.out); err != nil {
		return err
	}
	path := filepath.Join(c.out, "mlgate.yml")
	if err := os.WriteFile(path, demo.Config(c.out), 0o644); err != nil {
		return fmt.Errorf("write demo config: %w", err)
	}
	cfg, err := config.LoadFile(path)
	if err != nil {
		return fmt.Errorf("demo config: %w", err)
	}
	r, err := m.runGates(ctx, &c, cfg, cfg.Gates.Names())
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	err = m.finish(&c, cfg, r)
	if c.format == "table" {
		fmt.Fprintf(m.Stdout, "Open %s in a browser for the charts; the config is %s.\n", filepath.Join(c.out, "report.html"), path)
	}
	return err
}
