package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestComponentsUseRealFlags reads every gate-runner command line of the
// CI/CD components (templates/*.yml): the command exists, and each flag it
// passes is one that command defines. A renamed flag breaks the
// components' jobs only at run time; this breaks the build first.
func TestComponentsUseRealFlags(t *testing.T) {
	files, err := filepath.Glob("../../templates/*.yml")
	if err != nil || len(files) < 7 {
		t.Fatalf("components: %v %v", files, err)
	}
	call := regexp.MustCompile(`gate-runner ([a-z]+)((?: [^;|&]*)?)`)
	flagTok := regexp.MustCompile(`(?:^|[\s+])(--?[a-z][a-z0-9-]*)`)
	seen := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "#") {
				continue
			}
			for _, m := range call.FindAllStringSubmatch(line, -1) {
				if _, ok := commands[m[1]]; !ok {
					if m[1] == "image" { // the image's name, gate-runner:1
						continue
					}
					t.Errorf("%s:%d: gate-runner %s is not a command", filepath.Base(f), i+1, m[1])
					continue
				}
				seen++
				defined := helpFlags(t, m[1])
				for _, fl := range flagTok.FindAllStringSubmatch(m[2], -1) {
					name := strings.TrimLeft(fl[1], "-")
					if !defined[name] {
						t.Errorf("%s:%d: gate-runner %s %s: the command defines no such flag", filepath.Base(f), i+1, m[1], fl[1])
					}
				}
			}
		}
	}
	if seen < 8 {
		t.Errorf("found %d gate-runner command lines in the components", seen)
	}
}
