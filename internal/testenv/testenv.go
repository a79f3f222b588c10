// Package testenv sorts the project's tests into the quick suite (`make
// test`) and the slow one (`make test-slow`, run by .ci/run after it).
//
// A slow test is one that starts real programs (Prometheus, Alertmanager,
// PostgreSQL, Chromium, gitlab-ci-local, a built mlbot or gate-runner) or
// takes more than a few seconds on a 2-core machine. It calls Slow first
// thing, in its own Test function, so that scripts/slow-tests.sh can find it
// by reading the source: `make test` skips it (MLGATE_SLOW=skip) and
// `make test-slow` runs exactly those tests. Nothing is dropped from CI.
//
// Helpers that are slow by nature (building a binary, starting a server)
// call MustBeSlow, which fails a test that uses them without having called
// Slow: a slow test cannot slip into the quick suite unmarked.
package testenv

import (
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
)

var marked sync.Map // top-level test name -> why

// Slow marks the calling test as slow. Under MLGATE_SLOW=skip or
// `go test -short` it skips the test, saying so; otherwise the test runs.
// It must be called directly in a top-level Test function (not a subtest,
// not a helper), since scripts/slow-tests.sh finds slow tests by reading
// the function that calls it.
func Slow(t testing.TB, why string) {
	t.Helper()
	name := t.Name()
	if strings.Contains(name, "/") {
		t.Fatalf("testenv.Slow called in subtest %s: call it first thing in the top-level Test function", name)
	}
	if pc, _, _, ok := runtime.Caller(1); ok {
		if fn := runtime.FuncForPC(pc); fn != nil {
			full := fn.Name()
			short := full[strings.LastIndex(full, ".")+1:]
			if short != name {
				t.Fatalf("testenv.Slow called from %s, not from the Test function %s itself: scripts/slow-tests.sh would not find it", full, name)
			}
		}
	}
	marked.Store(name, why)
	if os.Getenv("MLGATE_SLOW") == "skip" || testing.Short() {
		t.Skipf("slow test (%s): runs in `make test-slow`", why)
	}
}

// MustBeSlow fails the test unless its top-level test called Slow. what
// names the slow thing the caller is about to do.
func MustBeSlow(t testing.TB, what string) {
	t.Helper()
	top, _, _ := strings.Cut(t.Name(), "/")
	if _, ok := marked.Load(top); !ok {
		t.Fatalf("%s is slow: %s must call testenv.Slow(t, why) first so that `make test` leaves it to `make test-slow`", what, top)
	}
}
