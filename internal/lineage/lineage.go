package lineage

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

// Hash returns "md5:<hex> (dvc)" when a DVC file path.dvc lies beside
// path and names it (path itself need not be there), else "sha256:<hex>"
// of the file's bytes, read in a stream.
func Hash(path string) (string, error) {
	if md5, err := dvcMD5(path); err != nil {
		return "", err
	} else if md5 != "" {
		return "md5:" + md5 + " (dvc)", nil
	}
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("hash data file: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hash %s: %w", path, err)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

// dvcMD5 reads path.dvc and returns the md5 of the out whose path is the
// file's name (or of the only out); "" when there is no .dvc file.
func dvcMD5(path string) (string, error) {
	b, err := os.ReadFile(path + ".dvc")
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read %s.dvc: %w", path, err)
	}
	var d struct {
		Outs []struct {
			MD5  string `yaml:"md5"`
			Path string `yaml:"path"`
		} `yaml:"outs"`
	}
	if err := yaml.Unmarshal(b, &d); err != nil {
		return "", fmt.Errorf("%s.dvc: not a DVC file: %v", path, err)
	}
	for _, o := range d.Outs {
		if o.Path == filepath.Base(path) && o.MD5 != "" {
			return o.MD5, nil
		}
	}
	if len(d.Outs) == 1 && d.Outs[0].MD5 != "" {
		return d.Outs[0].MD5, nil
	}
	return "", fmt.Errorf("%s.dvc: no outs entry with path %s and an md5", path, filepath.Base(path))
}

// Params reads a params.yaml and flattens nested keys with "." (as DVC
// shows them: train.lr); lists keep their values.
func Params(path string) (map[string]any, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read params: %w", err)
	}
	var v map[string]any
	if err := yaml.Unmarshal(b, &v); err != nil {
		return nil, gate.Input(fmt.Errorf("%s: not a YAML mapping of parameters: %v", path, err))
	}
	out := map[string]any{}
	flatten(v, "", out)
	return out, nil
}

func flatten(v any, prefix string, out map[string]any) {
	m, ok := v.(map[string]any)
	if !ok {
		out[prefix] = v
		return
	}
	for k, x := range m {
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		flatten(x, key, out)
	}
}

// Collect builds the lineage of a report: commit and links, the hash of
// every file in files that exists or has a .dvc file beside it (a job
// that did not `dvc pull` still records the md5 DVC tracks; other missing
// files are skipped: a gate that could not read its file has said so),
// and the parameters of paramsFile when it exists. Inputs in object
// storage (s3:// URLs) are listed with NotHashed instead of a hash: they
// are not read again just to hash them.
func Collect(base gate.Lineage, files []string, paramsFile string) (*gate.Lineage, error) {
	l := base
	for _, f := range files {
		if isObject(f) {
			if l.Files == nil {
				l.Files = map[string]string{}
			}
			l.Files[f] = NotHashed
			continue
		}
		if !exists(f) && !exists(f+".dvc") {
			continue
		}
		h, err := Hash(f)
		if err != nil {
			return nil, err
		}
		if l.Files == nil {
			l.Files = map[string]string{}
		}
		l.Files[filepath.ToSlash(f)] = h
	}
	if paramsFile != "" {
		if _, err := os.Stat(paramsFile); err == nil {
			p, err := Params(paramsFile)
			if err != nil {
				return nil, err
			}
			l.Params, l.ParamsFile = p, filepath.ToSlash(paramsFile)
		}
	}
	return &l, nil
}

// ConfigFiles lists the files named by string fields of a config that
// exist or are tracked by a .dvc file beside them, and the s3:// URLs of data (any struct, walked through pointers, slices and maps): the
// data and metrics files the gates read. The list is sorted and has no
// duplicates.
func ConfigFiles(cfg any) []string {
	seen := map[string]bool{}
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer, reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Struct:
			for i := 0; i < v.NumField(); i++ {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i))
				}
			}
		case reflect.Slice, reflect.Array:
			for i := 0; i < v.Len(); i++ {
				walk(v.Index(i))
			}
		case reflect.Map:
			for _, k := range v.MapKeys() {
				walk(v.MapIndex(k))
			}
		case reflect.String:
			s := v.String()
			if s == "" || len(s) > 4096 || seen[s] {
				return
			}
			if dataExt[ext(s)] && (isObject(s) || exists(s) || exists(s+".dvc")) || isObject(s) && strings.HasSuffix(s, "/") {
				seen[s] = true
			}
		}
	}
	walk(reflect.ValueOf(cfg))
	out := make([]string, 0, len(seen))
	for s := range seen {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// NotHashed stands for the hash of an input in object storage: the
// record names it, without a hash.
const NotHashed = "not hashed (object storage)"

// isObject reports whether p is an object storage URL.
func isObject(p string) bool { return strings.HasPrefix(p, "s3://") }

// dataExt are the extensions of files gates read as data or metrics.
var dataExt = map[string]bool{".csv": true, ".tsv": true, ".jsonl": true, ".ndjson": true, ".json": true,
	".parquet": true, ".xml": true, ".yaml": true, ".yml": true}

// ext is the extension without a trailing .gz.
func ext(p string) string {
	e := filepath.Ext(p)
	if e == ".gz" {
		e = filepath.Ext(p[:len(p)-3])
	}
	return e
}

func exists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}
