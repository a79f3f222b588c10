package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// runValidate is `gate-runner validate -c FILE`: it loads the config as
// every command does and says what is wrong, or which gates it sets.
func runValidate(_ context.Context, m *Main, args []string) error {
	var c common
	fs := m.flagSet("validate", nil)
	c.bindConfig(fs)
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if c.config == "" {
		c.config = ".mlgate.yml"
	}
	cfg, err := c.loadConfig(true)
	if err != nil {
		return err
	}
	names := cfg.Gates.Names()
	if len(names) == 0 {
		return errors.New(cfg.File + ": valid, but no gate is configured")
	}
	fmt.Fprintf(m.Stdout, "%s: valid; gates: %s\n", cfg.File, strings.Join(names, ", "))
	return nil
}
