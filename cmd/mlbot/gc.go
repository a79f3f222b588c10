package main

import (
	"runtime/debug"
)

// mlbot's garbage collector settings unless GOGC or GOMEMLIMIT say
// otherwise. Its live heap is small (tens of MB) and every request
// allocates, so at Go's default (GOGC=100) it collects many times a
// second under load. GOGC=400 lets the heap grow to five times the live
// data between collections: 13% less CPU an alert in bench-mlbot.sh's
// SQLite run with jobs (161-190 ms against 183-222 ms per 1,000 alerts,
// the same binary under GOGC=400 and 100). The soft limit makes
// the collector work harder before the heap nears the Deployment's 384Mi
// memory limit, which a notification at server.max_body (about six times
// its 16 MiB while decoded and stored) could otherwise reach.
const (
	gcPercent   = 400
	memoryLimit = 300 << 20
)

// tuneGC applies gcPercent and memoryLimit where the environment (getenv)
// does not set GOGC or GOMEMLIMIT; it returns the settings it applied.
func tuneGC(getenv func(string) string) (percent int, limit int64) {
	percent, limit = -1, -1
	if getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
		percent = gcPercent
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
		limit = memoryLimit
	}
	return percent, limit
}
