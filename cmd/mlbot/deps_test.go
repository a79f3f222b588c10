package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestProgramsShareOnlyLeaves checks the two programs do not link each
// other's code: gate-runner links no package of the bot and no HTTP
// server or Slack client, mlbot no plotting, Parquet or report rendering.
func TestProgramsShareOnlyLeaves(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH:", err)
	}
	for _, tt := range []struct {
		pkg       string
		forbidden []string
	}{
		{"gitlab.com/mlgate/mlgate/cmd/gate-runner", []string{"gitlab.com/mlgate/mlgate/internal/bot",
			"github.com/gin-gonic/gin", "github.com/slack-go/slack"}},
		{"gitlab.com/mlgate/mlgate/cmd/mlbot", []string{"gonum.org/v1/plot", "parquet",
			"gitlab.com/mlgate/mlgate/internal/report", "gitlab.com/mlgate/mlgate/internal/drift",
			"gitlab.com/mlgate/mlgate/internal/dataset", "gitlab.com/mlgate/mlgate/internal/gate"}},
	} {
		out, err := exec.Command(gobin, "list", "-deps", tt.pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", tt.pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, f := range tt.forbidden {
				if strings.HasPrefix(dep, f) || (f == "parquet" && strings.Contains(dep, f)) {
					t.Errorf("%s links %s", tt.pkg, dep)
				}
			}
		}
	}
}
