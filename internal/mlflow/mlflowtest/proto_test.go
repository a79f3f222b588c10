package mlflowtest

import (
	"bufio"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// protoFile is the parts of a .proto file the fake must agree with.
type protoFile struct {
	// endpoints maps "METHOD /mlflow/path" to the rpc's request and
	// response message names.
	endpoints map[string][2]string
	// messages maps a message's full name (Outer.Inner) to its fields.
	messages map[string]map[string]protoField
}

type protoField struct {
	typ      string // as written: string, ModelVersion, ...
	repeated bool
	required bool // [(validate_required) = true]
}

var (
	rpcLine      = regexp.MustCompile(`^\s*rpc\s+(\w+)\s*\((\w+)\)\s*returns\s*\(([\w.]+)\)`)
	methodLine   = regexp.MustCompile(`^\s*method:\s*"(\w+)"`)
	pathLine     = regexp.MustCompile(`^\s*path:\s*"([^"]+)"`)
	messageLine  = regexp.MustCompile(`^\s*message\s+(\w+)\s*\{`)
	fieldLine    = regexp.MustCompile(`^\s*(optional|repeated|required)\s+([\w.]+)\s+(\w+)\s*=\s*\d+([^;]*);`)
	braceComment = regexp.MustCompile(`//.*$`)
)

// parseProto reads the rpc endpoints and the message fields of a proto2
// file laid out as MLflow's are: one declaration a line.
func parseProto(t *testing.T, path string) protoFile {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p := protoFile{endpoints: map[string][2]string{}, messages: map[string]map[string]protoField{}}
	var stack []string // one entry per open brace: a message name or ""
	var rpc [2]string
	method := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := braceComment.ReplaceAllString(sc.Text(), "")
		if m := rpcLine.FindStringSubmatch(line); m != nil {
			rpc = [2]string{m[2], m[3]}
		}
		if m := methodLine.FindStringSubmatch(line); m != nil {
			method = m[1]
		}
		if m := pathLine.FindStringSubmatch(line); m != nil {
			p.endpoints[method+" "+m[1]] = rpc
		}
		var names []string
		for _, s := range stack {
			if s != "" {
				names = append(names, s)
			}
		}
		if m := fieldLine.FindStringSubmatch(line); m != nil && len(stack) > 0 && stack[len(stack)-1] != "" {
			full := strings.Join(names, ".")
			if p.messages[full] == nil {
				p.messages[full] = map[string]protoField{}
			}
			p.messages[full][m[3]] = protoField{typ: m[2], repeated: m[1] == "repeated", required: strings.Contains(m[4], "validate_required")}
		}
		msg := ""
		if m := messageLine.FindStringSubmatch(line); m != nil {
			msg = m[1]
			if p.messages[strings.Join(append(names, msg), ".")] == nil {
				p.messages[strings.Join(append(names, msg), ".")] = map[string]protoField{}
			}
		}
		for _, c := range line {
			switch c {
			case '{':
				stack = append(stack, msg)
				msg = ""
			case '}':
				if len(stack) == 0 {
					t.Fatalf("%s: unbalanced }", path)
				}
				stack = stack[:len(stack)-1]
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(stack) != 0 {
		t.Fatalf("%s: %d braces left open", path, len(stack))
	}
	return p
}

// TestFakeFollowsProto: every route the fake serves is an endpoint of
// model_registry.proto with that method, its request type carries the
// rpc's request message name, and every JSON field of the request and
// response (nested messages too) is a field of the proto's message, with
// the same required fields.
func TestFakeFollowsProto(t *testing.T) {
	p := parseProto(t, "testdata/model_registry.proto")
	if len(p.endpoints) < 20 || len(p.messages["ModelVersion"]) < 14 {
		t.Fatalf("parsed too little of the proto: %d endpoints, ModelVersion %v", len(p.endpoints), p.messages["ModelVersion"])
	}
	for _, rt := range routes {
		key := rt.method + " " + rt.path
		rpc, ok := p.endpoints[key]
		if !ok {
			t.Errorf("the fake serves %s, which model_registry.proto does not define", key)
			continue
		}
		if rt.req.Name() != rpc[0] {
			t.Errorf("%s: the fake's request type is %s, the proto's message %s", key, rt.req.Name(), rpc[0])
		}
		checkMessage(t, p, key+" request", rt.req, rpc[0], true)
		checkMessage(t, p, key+" response", rt.resp, rpc[1], false)
	}
}

// errorer is the part of testing.T checkMessage reports to.
type errorer interface {
	Helper()
	Errorf(format string, args ...any)
}

// recorder collects errors instead of failing a test.
type recorder struct{ errs *[]string }

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	*r.errs = append(*r.errs, fmt.Sprintf(format, args...))
}

// checkMessage holds Go type typ to proto message msg.
func checkMessage(t errorer, p protoFile, where string, typ reflect.Type, msg string, request bool) {
	t.Helper()
	fields, ok := p.messages[msg]
	if !ok {
		t.Errorf("%s: no message %s in the proto", where, msg)
		return
	}
	seen := map[string]bool{}
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		name := jsonName(f)
		seen[name] = true
		pf, ok := fields[name]
		if !ok {
			t.Errorf("%s: field %q is not in message %s", where, name, msg)
			continue
		}
		ft := f.Type
		if ft.Kind() == reflect.Slice {
			if !pf.repeated {
				t.Errorf("%s: field %q is a list, but %s.%s is not repeated", where, name, msg, name)
			}
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct {
			if ft.Name() != pf.typ && !strings.HasSuffix(ft.Name(), "Response") {
				t.Errorf("%s: field %q is a %s, the proto's %s", where, name, ft.Name(), pf.typ)
			}
			checkMessage(t, p, where+"."+name, ft, pf.typ, request)
		} else if ft.Kind() == reflect.String && pf.typ != "string" {
			t.Errorf("%s: field %q is a string, the proto's %s", where, name, pf.typ)
		}
		if request && (f.Tag.Get("mlflow") == "required") != pf.required {
			t.Errorf("%s: field %q required is %v in the fake, %v in the proto", where, name, f.Tag.Get("mlflow") == "required", pf.required)
		}
	}
	if request {
		for name, pf := range fields {
			if pf.required && !seen[name] {
				t.Errorf("%s: the proto requires %q, which the fake does not read", where, name)
			}
		}
	}
}

// TestParseProtoCatchesDrift: the parser finds a field or route that is
// not there, so TestFakeFollowsProto can fail.
func TestParseProtoCatchesDrift(t *testing.T) {
	p := parseProto(t, "testdata/model_registry.proto")
	if _, ok := p.endpoints["PUT /mlflow/registered-models/alias"]; ok {
		t.Error("PUT alias found")
	}
	if got := p.endpoints["DELETE /mlflow/registered-models/alias"]; got != [2]string{"DeleteRegisteredModelAlias", "DeleteRegisteredModelAlias.Response"} {
		t.Errorf("DELETE alias: %v", got)
	}
	if _, ok := p.messages["SetModelVersionTag"]["tag"]; ok {
		t.Error("SetModelVersionTag has no field tag")
	}
	if !p.messages["SetRegisteredModelAlias"]["version"].required || p.messages["UpdateModelVersion"]["description"].required {
		t.Errorf("required flags wrong: %v %v", p.messages["SetRegisteredModelAlias"], p.messages["UpdateModelVersion"])
	}
	if p.messages["GetModelVersionByAlias.Response"]["model_version"].typ != "ModelVersion" {
		t.Errorf("nested Response: %v", p.messages["GetModelVersionByAlias.Response"])
	}
	type Bogus struct {
		Name string `json:"name" mlflow:"required"`
		Tag  string `json:"tag"`
	}
	var got []string
	rec := &recorder{errs: &got}
	checkMessage(rec, p, "bogus", reflect.TypeFor[Bogus](), "SetModelVersionTag", true)
	if len(got) == 0 || !strings.Contains(strings.Join(got, "\n"), `field "tag" is not in message SetModelVersionTag`) {
		t.Errorf("checkMessage on a drifted type: %q", got)
	}
}
