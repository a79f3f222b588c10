package main

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// startProfile writes a CPU profile of the whole run to the file the
// environment variable GATE_RUNNER_CPUPROFILE names, for finding where a
// slow run spends its time (as MLBOT_CPUPROFILE does for mlbot). The
// returned function stops it. A profile that cannot start is reported and
// the program runs without it.
func startProfile() (stop func()) {
	path := os.Getenv("GATE_RUNNER_CPUPROFILE")
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err == nil {
		if err = pprof.StartCPUProfile(f); err != nil {
			f.Close()
		}
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "gate-runner: GATE_RUNNER_CPUPROFILE: %v (running without a profile)\n", err)
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
