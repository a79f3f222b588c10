package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"time"
)

// startProfile writes a CPU profile of the whole run when the environment
// variable MLBOT_CPUPROFILE names a directory: the file is
// <config name>-<start time>.pprof there (bench/bench-mlbot.sh's runs
// inherit it: MLBOT_CPUPROFILE=/tmp/prof bash bench/bench-mlbot.sh). The
// returned function stops it. A profile that cannot start is reported and
// the program runs without it.
func (m *Main) startProfile() (stop func()) {
	dir := os.Getenv("MLBOT_CPUPROFILE")
	if dir == "" {
		return func() {}
	}
	name := strings.TrimSuffix(filepath.Base(m.configPath), filepath.Ext(m.configPath))
	path := filepath.Join(dir, fmt.Sprintf("%s-%s.pprof", name, time.Now().UTC().Format("150405.000")))
	f, err := os.Create(path)
	if err == nil {
		if err = pprof.StartCPUProfile(f); err != nil {
			f.Close()
		}
	}
	if err != nil {
		fmt.Fprintln(m.Stderr, "mlbot: cpu profile:", err)
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
