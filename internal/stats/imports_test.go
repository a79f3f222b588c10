package stats

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImportsNoVerdicts keeps the statistics apart from the gates: the
// package's code imports nothing of the project but the dataset layer
// (internal/dataset and internal/dataset/hugemem).
func TestImportsNoVerdicts(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	allowed := map[string]bool{
		"gitlab.com/mlgate/mlgate/internal/dataset":         true,
		"gitlab.com/mlgate/mlgate/internal/dataset/hugemem": true,
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, im := range af.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			if strings.HasPrefix(p, "gitlab.com/mlgate/mlgate/") && !allowed[p] {
				t.Errorf("%s imports %s; stats may import only %v", f, p, allowed)
			}
		}
	}
}
