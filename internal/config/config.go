package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// DefaultFile is the config file gate-runner looks for when -c is not given.
const DefaultFile = ".mlgate.yml"

// Config is the whole of .mlgate.yml.
type Config struct {
	// Version is the config layout; 1, the only one, when empty.
	Version int `yaml:"version"`
	// Model names the model under test.
	Model Model `yaml:"model"`
	// Report tunes the outputs.
	Report Report `yaml:"report"`
	// Gates holds one section per gate; a nil section is a gate not run.
	Gates Gates `yaml:"gates"`

	// File is the path the config was read from ("" for bytes).
	File string `yaml:"-"`
}

// Model names the model and its version.
type Model struct {
	Name string `yaml:"name"`
	// Version is "MODEL-vMAJOR.MINOR.PATCH" as the plan names versions.
	Version string `yaml:"version"`
}

// Report tunes the output files and the merge-request report.
type Report struct {
	// Name tells several reports on one merge request apart (default
	// "mlgate").
	Name string `yaml:"name"`
	// Out is the output directory (default "mlgate-out").
	Out string `yaml:"out"`
}

// Gates are the gate sections in the order `gate-runner run` runs them.
type Gates struct {
	Tests   *TestsGate   `yaml:"tests"`
	Data    *DataGate    `yaml:"data"`
	Compare *CompareGate `yaml:"compare"`
	ABTest  *ABTestGate  `yaml:"abtest"`
	Canary  *CanaryGate  `yaml:"canary"`
	Drift   *DriftGate   `yaml:"drift"`
	Concept *ConceptGate `yaml:"concept"`
}

// AllNames returns every gate's name in run order.
func (Gates) AllNames() []string {
	return []string{"tests", "data", "compare", "abtest", "canary", "drift", "concept"}
}

// Names returns the names of the gates the config sets, in run order.
func (g Gates) Names() []string {
	var n []string
	add := func(set bool, name string) {
		if set {
			n = append(n, name)
		}
	}
	add(g.Tests != nil, "tests")
	add(g.Data != nil, "data")
	add(g.Compare != nil, "compare")
	add(g.ABTest != nil, "abtest")
	add(g.Canary != nil, "canary")
	add(g.Drift != nil, "drift")
	add(g.Concept != nil, "concept")
	return n
}

// Error is a config mistake with its place.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	f := e.File
	if f == "" {
		f = "config"
	}
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", f, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", f, e.Msg)
}

// LoadFile reads and validates the config at path.
func LoadFile(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return load(b, path)
}

// Load parses and validates a config from bytes.
func Load(b []byte) (*Config, error) { return load(b, "") }

func load(b []byte, file string) (*Config, error) {
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &Error{File: file, Msg: "empty config: expected at least a gates: section"}
		}
		return nil, yamlErr(file, err)
	}
	if err := checkKeys(file, &root, cfgType, ""); err != nil {
		return nil, err
	}
	c := &Config{}
	if err := root.Decode(c); err != nil {
		return nil, yamlErr(file, err)
	}
	c.File = file
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

var lineRe = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlErr turns yaml.v3's messages into "file:line: message".
func yamlErr(file string, err error) error {
	var te *yaml.TypeError
	msgs := []string{err.Error()}
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	m := strings.TrimPrefix(msgs[0], "yaml: ")
	if sm := lineRe.FindStringSubmatch(m); sm != nil {
		var line int
		fmt.Sscan(sm[1], &line)
		return &Error{File: file, Line: line, Msg: sm[2]}
	}
	return &Error{File: file, Msg: m}
}

// Validate fills defaults and checks fields against each other. It returns
// the first mistake as an *Error.
func (c *Config) Validate() error {
	switch c.Version {
	case 0:
		c.Version = 1
	case 1:
	default:
		return &Error{File: c.File, Msg: fmt.Sprintf("version is %d, expected 1", c.Version)}
	}
	if c.Report.Name == "" {
		c.Report.Name = "mlgate"
	}
	if c.Report.Out == "" {
		c.Report.Out = "mlgate-out"
	}
	if v := c.Model.Version; v != "" && !versionRe.MatchString(v) {
		return &Error{File: c.File, Msg: fmt.Sprintf("model.version is %q, expected MODEL-vMAJOR.MINOR.PATCH (e.g. recommender-v1.4.0)", v)}
	}
	for _, v := range []interface{ validate(file string) error }{c.Gates.Tests, c.Gates.Data, c.Gates.Compare, c.Gates.ABTest, c.Gates.Canary, c.Gates.Drift, c.Gates.Concept} {
		if err := v.validate(c.File); err != nil {
			return err
		}
	}
	return nil
}

var versionRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*-v\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$`)
