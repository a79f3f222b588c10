package main

import (
	"math"
	"runtime/debug"
	"testing"
)

func TestTuneGC(t *testing.T) {
	prevPercent := debug.SetGCPercent(100)
	prevLimit := debug.SetMemoryLimit(math.MaxInt64)
	defer func() {
		debug.SetGCPercent(prevPercent)
		debug.SetMemoryLimit(prevLimit)
	}()

	p, l := tuneGC(func(string) string { return "" })
	if p != gcPercent || l != memoryLimit {
		t.Errorf("without GOGC and GOMEMLIMIT: applied %d, %d", p, l)
	}
	if got := debug.SetGCPercent(100); got != gcPercent {
		t.Errorf("GC percent %d, want %d", got, gcPercent)
	}
	if got := debug.SetMemoryLimit(math.MaxInt64); got != memoryLimit {
		t.Errorf("memory limit %d, want %d", got, memoryLimit)
	}

	// The operator's settings are left as the runtime read them.
	env := map[string]string{"GOGC": "50", "GOMEMLIMIT": "1GiB"}
	p, l = tuneGC(func(k string) string { return env[k] })
	if p != -1 || l != -1 {
		t.Errorf("with GOGC and GOMEMLIMIT set: applied %d, %d", p, l)
	}
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GC percent changed to %d with GOGC set", got)
	}
	if got := debug.SetMemoryLimit(math.MaxInt64); got != math.MaxInt64 {
		t.Errorf("memory limit changed to %d with GOMEMLIMIT set", got)
	}
}
