// Package citemplates_test validates the CI/CD components under templates/
// (at the repository root, where GitLab's CI/CD catalog looks for them),
// mlgate's own .gitlab-ci.yml and the example pipelines under examples/ against
// GitLab's CI JSON schema, and checks the rules the schema cannot express:
// a component sets no global keywords, and the inputs it declares are the
// inputs it uses.
package citemplates_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"
)

// schemaPath is where .ci/install.d/gitlab-ci-local.sh writes the schema
// that the gitlab-ci-local npm package ships.
func schemaPath() string {
	if p := os.Getenv("MLGATE_GITLAB_CI_SCHEMA"); p != "" {
		return p
	}
	return "/opt/gitlab-ci-local/gitlab-ci.schema.json"
}

// loadSchema compiles GitLab's CI schema or skips the test when it is not
// installed.
func loadSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	p := schemaPath()
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("GitLab CI schema %s not installed (run .ci/install.d/gitlab-ci-local.sh, or set MLGATE_GITLAB_CI_SCHEMA)", p)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("read schema %s: %v", p, err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("file:///gitlab-ci.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("file:///gitlab-ci.schema.json")
	if err != nil {
		t.Fatalf("compile schema %s: %v", p, err)
	}
	return sch
}

// componentDir holds the components: templates/ at the repository root,
// the only place GitLab's CI/CD catalog reads them from.
const componentDir = "../templates"

func isComponent(path string) bool {
	return strings.HasPrefix(filepath.ToSlash(path), componentDir+"/")
}

// inputRef matches an interpolation such as $[[ inputs.stage ]] or
// $[[ inputs.x | expand_vars ]].
var inputRef = regexp.MustCompile(`\$\[\[\s*inputs\.([A-Za-z0-9_-]+)\s*(?:\|[^\]]*)?\]\]`)

// globalKeywords may not appear at the top of a component: they would
// change the pipeline of every project that includes it.
var globalKeywords = []string{"stages", "default", "workflow", "variables", "include", "image", "services", "before_script", "after_script", "cache"}

// ciFile is one CI configuration: an optional spec header and the jobs.
type ciFile struct {
	path   string
	header map[string]any // nil without a spec header
	jobs   map[string]any
	used   []string // inputs used in the jobs document
}

// splitDocs returns the YAML documents of a file's text.
func splitDocs(text string) []string {
	var docs []string
	var cur strings.Builder
	for _, line := range strings.SplitAfter(text, "\n") {
		if strings.TrimRight(line, "\r\n") == "---" {
			docs = append(docs, cur.String())
			cur.Reset()
			continue
		}
		cur.WriteString(line)
	}
	return append(docs, cur.String())
}

// plain converts a YAML node to JSON-like Go values, keeping !reference
// sequences as plain sequences the way GitLab's schema expects them.
func plain(n *yaml.Node) (any, error) {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return plain(n.Content[0])
	case yaml.AliasNode:
		return plain(n.Alias)
	case yaml.SequenceNode:
		out := []any{}
		for _, c := range n.Content {
			v, err := plain(c)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		out := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Tag == "!!merge" {
				m, err := plain(v)
				if err != nil {
					return nil, err
				}
				if mm, ok := m.(map[string]any); ok {
					for mk, mv := range mm {
						if _, set := out[mk]; !set {
							out[mk] = mv
						}
					}
				}
				continue
			}
			val, err := plain(v)
			if err != nil {
				return nil, err
			}
			out[k.Value] = val
		}
		return out, nil
	default:
		var v any
		if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
			return n.Value, nil
		}
		if err := n.Decode(&v); err != nil {
			return nil, fmt.Errorf("line %d: %w", n.Line, err)
		}
		return v, nil
	}
}

func parseYAML(text string) (map[string]any, error) {
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(text), &n); err != nil {
		return nil, err
	}
	v, err := plain(&n)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok && v != nil {
		return nil, fmt.Errorf("top level is %T, want a mapping", v)
	}
	return m, nil
}

// sample is the value substituted for an input: its default, or a value of
// its type when it has none (or an empty one).
func sample(spec map[string]any) string {
	def, has := spec["default"]
	if s, ok := def.(string); has && (!ok || s != "") {
		switch d := def.(type) {
		case string:
			return d
		default:
			b, _ := json.Marshal(d)
			return string(b)
		}
	}
	switch spec["type"] {
	case "boolean":
		return "true"
	case "number":
		return "1"
	case "array":
		return `["echo sample"]`
	}
	if opts, ok := spec["options"].([]any); ok && len(opts) > 0 {
		return fmt.Sprint(opts[0])
	}
	return "sample"
}

// loadCI reads a CI file, substituting every input with its sample value.
func loadCI(path string) (*ciFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	docs := splitDocs(string(b))
	f := &ciFile{path: path}
	body := docs[0]
	if len(docs) > 1 {
		if f.header, err = parseYAML(docs[0]); err != nil {
			return nil, fmt.Errorf("%s: spec header: %w", path, err)
		}
		body = strings.Join(docs[1:], "---\n")
	}
	if len(docs) > 2 {
		return nil, fmt.Errorf("%s: %d YAML documents, want a spec header and the jobs", path, len(docs))
	}
	inputs := f.inputs()
	for _, m := range inputRef.FindAllStringSubmatch(body, -1) {
		if !slices.Contains(f.used, m[1]) {
			f.used = append(f.used, m[1])
		}
	}
	sort.Strings(f.used)
	body = inputRef.ReplaceAllStringFunc(body, func(ref string) string {
		name := inputRef.FindStringSubmatch(ref)[1]
		spec, _ := inputs[name].(map[string]any)
		return sample(spec)
	})
	if f.jobs, err = parseYAML(body); err != nil {
		return nil, fmt.Errorf("%s: jobs document (inputs substituted): %w", path, err)
	}
	return f, nil
}

func (f *ciFile) inputs() map[string]any {
	spec, _ := f.header["spec"].(map[string]any)
	in, _ := spec["inputs"].(map[string]any)
	return in
}

// ciFiles lists the CI configurations of the repository: the components,
// mlgate's own pipeline and every YAML file under examples/ except the
// examples' gate rules (.mlgate.yml, staging.mlgate.yml).
func ciFiles(t *testing.T) []string {
	t.Helper()
	files := []string{"../.gitlab-ci.yml"}
	for _, root := range []string{componentDir, "../examples"} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) && p == root {
					return filepath.SkipDir
				}
				return err
			}
			if d.IsDir() {
				if d.Name() == "testdata" || d.Name() == "mlgate-out" {
					return filepath.SkipDir
				}
				return nil
			}
			ext := filepath.Ext(p)
			if (ext == ".yml" || ext == ".yaml") && !strings.HasSuffix(d.Name(), ".mlgate.yml") {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if !slices.ContainsFunc(files, isComponent) {
		t.Fatal("no CI files found under ../templates/")
	}
	return files
}

// validate checks one file against the schema and returns every problem.
func validate(sch *jsonschema.Schema, path string) []string {
	f, err := loadCI(path)
	if err != nil {
		return []string{err.Error()}
	}
	var errs []string
	check := func(what string, doc map[string]any) {
		// Round-trip through JSON so that the validator sees JSON types.
		b, _ := json.Marshal(doc)
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s: %s: %v", path, what, err))
			return
		}
		if err := sch.Validate(v); err != nil {
			errs = append(errs, fmt.Sprintf("%s: %s does not match GitLab's CI schema: %v", path, what, err))
		}
	}
	if f.header != nil {
		if _, ok := f.header["spec"]; !ok || len(f.header) != 1 {
			errs = append(errs, fmt.Sprintf("%s: header document must hold only spec:, found %v", path, keys(f.header)))
		}
		check("spec header", f.header)
		for _, kw := range globalKeywords {
			if _, ok := f.jobs[kw]; ok {
				errs = append(errs, fmt.Sprintf("%s: component sets the global keyword %q", path, kw))
			}
		}
		declared := keys(f.inputs())
		for _, u := range f.used {
			if !slices.Contains(declared, u) {
				errs = append(errs, fmt.Sprintf("%s: input %q is used but not declared in spec.inputs", path, u))
			}
		}
		for _, d := range declared {
			if !slices.Contains(f.used, d) {
				errs = append(errs, fmt.Sprintf("%s: input %q is declared in spec.inputs but never used", path, d))
			}
		}
	}
	check("jobs", f.jobs)
	return errs
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestCIFilesMatchGitLabSchema(t *testing.T) {
	sch := loadSchema(t)
	for _, p := range ciFiles(t) {
		t.Run(p, func(t *testing.T) {
			for _, e := range validate(sch, p) {
				t.Error(e)
			}
		})
	}
}

func TestComponentsAreComponents(t *testing.T) {
	for _, p := range ciFiles(t) {
		if !isComponent(p) {
			continue
		}
		f, err := loadCI(p)
		if err != nil {
			t.Fatal(err)
		}
		if f.header == nil {
			t.Errorf("%s: no spec: header document", p)
		}
		for name, in := range f.inputs() {
			spec, _ := in.(map[string]any)
			if _, ok := spec["description"].(string); !ok {
				t.Errorf("%s: input %q has no description", p, name)
			}
		}
	}
}

// TestValidationCanFail breaks copies of a component in the ways the
// validation must catch.
func TestValidationCanFail(t *testing.T) {
	sch := loadSchema(t)
	orig, err := os.ReadFile(filepath.Join(componentDir, "ml-gates.yml"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, old, new, want string
	}{
		{"unknown keyword", "  when: always\n  needs:", "  when: always\n  neeeds:", "does not match"},
		{"wrong type", "      optional: true", "      optional: [yes]", "does not match"},
		{"bad when", "  when: always\n  needs:", "  when: sometimes\n  needs:", "does not match"},
		{"global stages", "\nmlgate-compare:", "\nstages: [x]\nmlgate-compare:", `global keyword "stages"`},
		{"undeclared input", `"$[[ inputs.report_name ]]"`, `"$[[ inputs.no_such_input ]]"`, `"no_such_input" is used but not declared`},
		{"unused input", "    out:\n      description:", "    unused:\n      description: x\n    out:\n      description:", `"unused" is declared in spec.inputs but never used`},
		{"bad spec", "      type: boolean", "      type: bool", "spec header does not match"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			broken := strings.Replace(string(orig), tc.old, tc.new, 1)
			if broken == string(orig) {
				t.Fatalf("%q not found in ml-gates.yml", tc.old)
			}
			p := filepath.Join(t.TempDir(), "ml-gates.yml")
			if err := os.WriteFile(p, []byte(broken), 0o644); err != nil {
				t.Fatal(err)
			}
			errs := validate(sch, p)
			if !slices.ContainsFunc(errs, func(e string) bool { return strings.Contains(e, tc.want) }) {
				t.Fatalf("want an error containing %q, got %q", tc.want, errs)
			}
		})
	}
}

// yamlBlocks returns the ```yaml blocks of a Markdown file.
func yamlBlocks(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var blocks []string
	var cur *strings.Builder
	for _, line := range strings.Split(string(b), "\n") {
		switch {
		case cur == nil && strings.TrimSpace(line) == "```yaml":
			cur = &strings.Builder{}
		case cur != nil && strings.TrimSpace(line) == "```":
			blocks = append(blocks, cur.String())
			cur = nil
		case cur != nil:
			cur.WriteString(line + "\n")
		}
	}
	return blocks
}

// TestReadmeSnippetsMatchGitLabSchema validates the copy-paste examples of
// the READMEs: what a newcomer pastes into .gitlab-ci.yml must be valid.
func TestReadmeSnippetsMatchGitLabSchema(t *testing.T) {
	sch := loadSchema(t)
	docs, err := filepath.Glob("docs/*.md")
	if err != nil || len(docs) < 6 {
		t.Fatalf("expected a docs/NAME.md per component, found %v (%v)", docs, err)
	}
	for _, md := range append([]string{"README.md", "../README.md", "../examples/recommender/README.md"}, docs...) {
		for i, block := range yamlBlocks(t, md) {
			if md == "../README.md" && !regexp.MustCompile(`(?m)^include:`).MatchString(block) {
				continue // the main README's other blocks are .mlgate.yml, not CI
			}
			p := filepath.Join(t.TempDir(), fmt.Sprintf("snippet%d.yml", i+1))
			if err := os.WriteFile(p, []byte(block), 0o644); err != nil {
				t.Fatal(err)
			}
			for _, e := range validate(sch, p) {
				t.Errorf("%s, yaml block %d: %s", md, i+1, e)
			}
		}
	}
}

// includeRef matches how the docs include a component: by catalog address
// (component: HOST/PROJECT/NAME@REF) or by path (project:, ref:, file:).
