// Command gate-runner runs mlgate's quality gates in a merge-request
// pipeline, on a laptop or in a scheduled pipeline. It is wiring only: flags,
// config, signals, output; the gates live in internal/gate/..., and
// internal/gate/runner builds and runs them from the config.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	stopProfile := startProfile()
	code := NewMain().Run(ctx, os.Args[1:])
	stopProfile()
	stop()
	os.Exit(code)
}
