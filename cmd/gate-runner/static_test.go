package main

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"gitlab.com/mlgate/mlgate/internal/testenv"
)

// TestStaticBinary builds gate-runner as deploy/gate-runner.Dockerfile
// does (CGO_ENABLED=0, trimmed, stripped) and checks that it is static: no
// program interpreter and no shared library, so that it runs on scratch or
// distroless. The image itself cannot be built here (no Docker engine).
func TestStaticBinary(t *testing.T) {
	testenv.Slow(t, "builds gate-runner statically and checks the binary")
	if testing.Short() {
		t.Skip("builds the binary")
	}
	out := filepath.Join(t.TempDir(), "gate-runner")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", out, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	f, err := elf.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("the binary has a program interpreter: it is dynamically linked")
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("the binary needs shared libraries %v", libs)
	}
	st, _ := os.Stat(out)
	t.Logf("static gate-runner: %.1f MB", float64(st.Size())/1e6)
}
