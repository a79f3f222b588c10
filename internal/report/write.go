package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"

	"golang.org/x/sync/errgroup"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

// The output files, relative to the output directory.
const (
	ResultsFile     = "results.json"
	MarkdownFile    = "report.md"
	HTMLFile        = "report.html"
	JUnitFile       = "junit.xml"
	OpenMetricsFile = "metrics.txt"
	DotenvFile      = "gates.env"
)

// Files lists every output file in the order Write writes them.
var Files = []string{ResultsFile, MarkdownFile, HTMLFile, JUnitFile, OpenMetricsFile, DotenvFile}

// Write renders r into dir (created if needed) and returns the paths
// written.
func Write(dir string, r *gate.Report) ([]string, error) {
	return WriteWith(dir, r, MarkdownOptions{})
}

// WriteWith is Write with the links and limits of report.md. Besides the
// files of Files it writes a PNG of every drifted feature's histogram
// (ChartFiles names them), links them from report.md when no uploaded
// image stands in, lists everything it writes in r.Outputs (so in
// results.json), and removes the PNGs an earlier results.json in dir
// listed that this report no longer has.
func WriteWith(dir string, r *gate.Report, o MarkdownOptions) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create output directory: %w", err)
	}
	charts := ChartFiles(r)
	// PNGs take most of the writing time (tens of milliseconds each):
	// they are drawn in parallel, each into its own slot.
	pngs := make([][]byte, len(charts))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, cf := range charts {
		g.Go(func() error {
			b, err := PNG(r.Gates[cf.Gate].Charts[cf.Chart])
			if err != nil {
				return fmt.Errorf("render %s: %w", cf.Name, err)
			}
			pngs[i] = b
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	previous := previousOutputs(dir)
	r.Outputs = append([]string(nil), Files...)
	if len(charts) > 0 {
		imgs := make(map[string]string, len(o.Images)+len(charts))
		for k, v := range o.Images {
			imgs[k] = v
		}
		for _, cf := range charts {
			r.Outputs = append(r.Outputs, cf.Name)
			if k := ChartKey(r.Gates[cf.Gate].Gate, cf.Chart); imgs[k] == "" {
				imgs[k] = cf.Name
			}
		}
		o.Images = imgs
	}
	render := map[string]func(*gate.Report) ([]byte, error){
		ResultsFile:     JSON,
		MarkdownFile:    func(r *gate.Report) ([]byte, error) { return []byte(Markdown(r, o)), nil },
		HTMLFile:        HTML,
		JUnitFile:       JUnit,
		OpenMetricsFile: func(r *gate.Report) ([]byte, error) { return []byte(OpenMetrics(r)), nil },
		DotenvFile:      func(r *gate.Report) ([]byte, error) { return []byte(Dotenv(r)), nil },
	}
	var paths []string
	for _, name := range Files {
		b, err := render[name](r)
		if err != nil {
			return paths, fmt.Errorf("render %s: %w", name, err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return paths, fmt.Errorf("write %s: %w", name, err)
		}
		paths = append(paths, p)
	}
	removeStale(dir, previous, r.Outputs)
	for i, cf := range charts {
		p := filepath.Join(dir, cf.Name)
		if err := os.WriteFile(p, pngs[i], 0o644); err != nil {
			return paths, fmt.Errorf("write %s: %w", cf.Name, err)
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// previousOutputs returns the chart files an earlier results.json in dir
// listed, nil when there is none.
func previousOutputs(dir string) []string {
	b, err := os.ReadFile(filepath.Join(dir, ResultsFile))
	if err != nil {
		return nil
	}
	var prev struct {
		Outputs []string `json:"outputs"`
	}
	if json.Unmarshal(b, &prev) != nil {
		return nil
	}
	return prev.Outputs
}

// removeStale deletes the PNGs an earlier run wrote into dir that this
// run does not write again (a feature that no longer drifts), so that
// the directory holds only this report's pictures. It touches only bare
// .png names that the earlier results.json listed.
func removeStale(dir string, previous, now []string) {
	for _, name := range previous {
		if filepath.Ext(name) != ".png" || filepath.Base(name) != name || slices.Contains(now, name) {
			continue
		}
		os.Remove(filepath.Join(dir, name)) // already gone is fine
	}
}

// JSON renders results.json.
func JSON(r *gate.Report) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ReadJSON reads a results.json written by JSON.
func ReadJSON(path string) (*gate.Report, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, gate.Input(fmt.Errorf("read results: %w", err))
	}
	var r gate.Report
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, gate.Input(fmt.Errorf("%s: not a results.json: %v", path, err))
	}
	if r.Schema != gate.SchemaVersion {
		return nil, gate.Input(fmt.Errorf("%s: schema %d, expected %d", path, r.Schema, gate.SchemaVersion))
	}
	return &r, nil
}
