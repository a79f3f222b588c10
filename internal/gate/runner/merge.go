package runner

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"gitlab.com/mlgate/mlgate/internal/config"
	"gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/report"
)

// FindResults returns the results.json files under the directories (or
// the files) in, sorted; finding none is an input error.
func FindResults(in []string) ([]string, error) {
	var files []string
	for _, p := range in {
		st, err := os.Stat(p)
		if err != nil {
			return nil, gate.Input(fmt.Errorf("--in %s: %w", p, err))
		}
		if !st.IsDir() {
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && d.Name() == report.ResultsFile {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, gate.Input(fmt.Errorf("--in %s: %w", p, err))
		}
	}
	if len(files) == 0 {
		return nil, gate.Input(fmt.Errorf("--in %v: no %s found", in, report.ResultsFile))
	}
	sort.Strings(files)
	return files, nil
}

// MergeResults joins reports; a gate that appears in several keeps the
// newest result.
func MergeResults(files []string) (*gate.Report, error) {
	var out *gate.Report
	byGate := map[string]int{}
	var created = map[string]int64{}
	for _, f := range files {
		r, err := report.ReadJSON(f)
		if err != nil {
			return nil, err
		}
		if out == nil {
			cp := *r
			cp.Gates = nil
			cp.Status = ""
			out = &cp
		}
		for _, g := range r.Gates {
			if i, ok := byGate[g.Gate]; ok {
				if r.Created.UnixNano() >= created[g.Gate] {
					out.Gates[i] = g
					created[g.Gate] = r.Created.UnixNano()
				}
				continue
			}
			byGate[g.Gate] = len(out.Gates)
			created[g.Gate] = r.Created.UnixNano()
			out.Gates = append(out.Gates, g)
		}
		if r.Created.After(out.Created) {
			out.Created = r.Created
		}
		out.Lineage = mergeLineage(out.Lineage, r.Lineage)
	}
	sort.SliceStable(out.Gates, func(i, j int) bool { return gateOrder(out.Gates[i].Gate) < gateOrder(out.Gates[j].Gate) })
	out.Status = out.Overall()
	return out, nil
}

// gateOrder is a gate's place in the run order (unknown names last).
func gateOrder(g string) int {
	for i, n := range (config.Gates{}).AllNames() {
		if n == g {
			return i
		}
	}
	return 1 << 20
}

// mergeLineage joins the lineage of several gate jobs: the data files of
// all, the first commit, links and parameters found.
func mergeLineage(a, b *gate.Lineage) *gate.Lineage {
	if a == nil || b == nil {
		if a == nil {
			return b
		}
		return a
	}
	out := *a
	out.Files = map[string]string{}
	for _, l := range []*gate.Lineage{a, b} {
		for k, v := range l.Files {
			if _, ok := out.Files[k]; !ok {
				out.Files[k] = v
			}
		}
	}
	if len(out.Files) == 0 {
		out.Files = nil
	}
	out.Commit = firstOf(a.Commit, b.Commit)
	out.Pipeline = firstOf(a.Pipeline, b.Pipeline)
	out.Job = firstOf(a.Job, b.Job)
	if len(out.Params) == 0 {
		out.Params, out.ParamsFile = b.Params, b.ParamsFile
	}
	return &out
}
