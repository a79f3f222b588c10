package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gitlab.com/mlgate/mlgate/internal/dataset/blob/s3test"
	"gitlab.com/mlgate/mlgate/internal/testenv"
)

// s3Rows is the size of the drift bench's files in these tests: above the
// 16,384 values from which drift counts numeric samples in buckets, the
// path whose sums depend most on how the data was read.
const s3Rows = 40000

// benchFiles writes the drift bench's reference and current CSV files
// (bench/drift_gen.py) and the same rows as Parquet: whole, and the
// current file cut into 8 Parquet parts under parts/.
func benchFiles(t *testing.T, dir string) (refCSV, curCSV, refPQ, curPQ string, parts []string) {
	t.Helper()
	testenv.MustBeSlow(t, "generating the drift bench's files and building csv2parquet")
	if _, err := os.Stat("/usr/bin/python3"); err != nil {
		t.Skip("/usr/bin/python3 with pandas is needed for bench/drift_gen.py (apt-get install python3-pandas)")
	}
	refCSV, curCSV = filepath.Join(dir, "ref.csv"), filepath.Join(dir, "cur.csv")
	gen := exec.Command("/usr/bin/python3", "../../bench/drift_gen.py", fmt.Sprint(s3Rows), refCSV, curCSV)
	if out, err := gen.CombinedOutput(); err != nil {
		t.Skipf("bench/drift_gen.py (needs python3-pandas): %v\n%s", err, out)
	}
	conv := filepath.Join(dir, "csv2parquet")
	if out, err := exec.Command("go", "build", "-o", conv, "../../bench/csv2parquet").CombinedOutput(); err != nil {
		t.Fatalf("build csv2parquet: %v\n%s", err, out)
	}
	toParquet := func(in, out string) {
		if b, err := exec.Command(conv, "-rowgroup", "8192", in, out).CombinedOutput(); err != nil {
			t.Fatalf("csv2parquet %s: %v\n%s", in, err, b)
		}
	}
	refPQ, curPQ = filepath.Join(dir, "ref.parquet"), filepath.Join(dir, "cur.parquet")
	toParquet(refCSV, refPQ)
	toParquet(curCSV, curPQ)
	// The current file in 8 parts of about equal rows.
	b, err := os.ReadFile(curCSV)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(strings.TrimSuffix(string(b), "\n"), "\n")
	header, rows := lines[0], lines[1:]
	if err := os.MkdirAll(filepath.Join(dir, "parts"), 0o755); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 8; i++ {
		lo, hi := i*len(rows)/8, (i+1)*len(rows)/8
		csvPart := filepath.Join(dir, "parts", fmt.Sprintf("part-%05d.csv", i))
		body := header + strings.Join(rows[lo:hi], "")
		if !strings.HasSuffix(body, "\n") {
			body += "\n"
		}
		if err := os.WriteFile(csvPart, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		pq := strings.TrimSuffix(csvPart, ".csv") + ".parquet"
		toParquet(csvPart, pq)
		parts = append(parts, pq)
	}
	return refCSV, curCSV, refPQ, curPQ, parts
}

// driftFeatures runs drift and returns its exit code and the features of
// results.json's drift details, numbers as written (json.Number), so that
// two runs compare bit for bit.
func driftFeatures(t *testing.T, out string, args ...string) (int, []map[string]any, string) {
	t.Helper()
	code, stdout, stderr := runMain(t, nil, append([]string{"drift", "--format", "json", "--out", out}, args...)...)
	if code > 1 {
		t.Fatalf("drift %v: exit %d\n%s%s", args, code, stdout, stderr)
	}
	b, err := os.ReadFile(filepath.Join(out, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var res struct {
		Gates []struct {
			Details struct {
				Features []map[string]any `json:"features"`
				RefRows  json.Number      `json:"reference_rows"`
				CurRows  json.Number      `json:"current_rows"`
			} `json:"details"`
		} `json:"gates"`
	}
	if err := dec.Decode(&res); err != nil {
		t.Fatalf("results.json: %v", err)
	}
	if len(res.Gates) != 1 || len(res.Gates[0].Details.Features) == 0 {
		t.Fatalf("results.json has no drift features:\n%.600s", b)
	}
	d := res.Gates[0].Details
	return code, d.Features, string(d.RefRows) + "/" + string(d.CurRows)
}

// sameFeatures checks that two drift runs report the same statistics,
// every number's text equal.
func sameFeatures(t *testing.T, what string, got, want []map[string]any) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if !bytes.Equal(g, w) {
		t.Errorf("%s: the features differ from the local run's\ngot  %.1500s\nwant %.1500s", what, g, w)
	}
}

// TestDriftFromS3 is issue #15's acceptance case: the drift bench's files
// uploaded to a real S3 server (versitygw) give bit for bit the results
// of the same files on disk, as CSV, gzip CSV and Parquet, and 8 Parquet
// objects under a prefix (or matched by a pattern) read as one dataset
// give the results of the whole file; stored profiles are read from S3
// too.
func TestDriftFromS3(t *testing.T) {
	testenv.Slow(t, "starts versitygw and generates the drift bench's files")
	dir := t.TempDir()
	refCSV, curCSV, refPQ, curPQ, parts := benchFiles(t, dir)
	s := s3test.Start(t)
	s.Env(t)
	s.Bucket(t, "mlgate-data")
	put := func(key, path string) string {
		s.PutFile(t, "mlgate-data", key, path)
		return s3test.URL("mlgate-data", key)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	b, _ := os.ReadFile(curCSV)
	zw.Write(b)
	zw.Close()
	curGZ := filepath.Join(dir, "cur.csv.gz")
	if err := os.WriteFile(curGZ, gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for i, p := range parts {
		put(fmt.Sprintf("cur/day=2026-12-0%d/part-%05d.parquet", i+1, i), p)
	}
	s.Put(t, "mlgate-data", "cur/_SUCCESS", nil)

	local := func(name string, args ...string) ([]map[string]any, string) {
		code, f, rows := driftFeatures(t, filepath.Join(dir, "out-local-"+name), args...)
		if code != 1 {
			t.Fatalf("local %s: exit %d, want 1 (the bench's files drift)", name, code)
		}
		return f, rows
	}
	csvWant, csvRows := local("csv", "--reference", refCSV, "--current", curCSV)
	pqWant, pqRows := local("parquet", "--reference", refPQ, "--current", curPQ)
	if csvRows != fmt.Sprintf("%d/%d", s3Rows, s3Rows) || pqRows != csvRows {
		t.Fatalf("rows: CSV %s, Parquet %s, want %d each", csvRows, pqRows, s3Rows)
	}
	cases := []struct {
		name     string
		ref, cur string
		want     []map[string]any
	}{
		{"CSV", put("ref.csv", refCSV), put("cur.csv", curCSV), csvWant},
		{"gzip CSV", put("ref.csv", refCSV), put("cur.csv.gz", curGZ), csvWant},
		{"local reference, S3 current", refCSV, put("cur.csv", curCSV), csvWant},
		{"Parquet", put("ref.parquet", refPQ), put("cur.parquet", curPQ), pqWant},
		{"8 Parquet objects by prefix", put("ref.parquet", refPQ), "s3://mlgate-data/cur/", pqWant},
		{"8 Parquet objects by pattern", put("ref.parquet", refPQ), "s3://mlgate-data/cur/day=2026-12-0*/part-*.parquet", pqWant},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, got, rows := driftFeatures(t, filepath.Join(dir, fmt.Sprintf("out-s3-%d", i)), "--reference", c.ref, "--current", c.cur)
			if code != 1 {
				t.Errorf("exit %d, want 1 as locally", code)
			}
			if rows != csvRows {
				t.Errorf("rows %s, want %s", rows, csvRows)
			}
			sameFeatures(t, c.name, got, c.want)
		})
	}

	t.Run("profile from S3 and drift against the stored profile in S3", func(t *testing.T) {
		profLocal := filepath.Join(dir, "local", "ref.profile.json")
		if code, out, errs := runMain(t, nil, "profile", "--data", refCSV, "--out", profLocal); code != 0 {
			t.Fatalf("profile local: exit %d\n%s%s", code, out, errs)
		}
		profS3 := filepath.Join(dir, "s3", "ref.profile.json")
		if code, out, errs := runMain(t, nil, "profile", "--data", "s3://mlgate-data/ref.csv", "--out", profS3); code != 0 {
			t.Fatalf("profile s3: exit %d\n%s%s", code, out, errs)
		}
		a, _ := os.ReadFile(profLocal)
		b, _ := os.ReadFile(profS3)
		if !bytes.Equal(bytes.ReplaceAll(b, []byte("s3://mlgate-data/ref.csv"), []byte(refCSV)), a) {
			t.Errorf("the profile of s3://mlgate-data/ref.csv differs from that of the local file:\n%.800s\n%.800s", b, a)
		}
		want, _ := local("profile", "--reference", profLocal, "--current", curCSV)
		_, got, _ := driftFeatures(t, filepath.Join(dir, "out-s3-profile"), "--reference", put("ref.profile.json", profLocal), "--current", "s3://mlgate-data/cur.csv")
		sameFeatures(t, "profile", got, want)
	})
	// With --memory 1 the file (10 MB, three 4 MiB blocks when mapped) is
	// streamed twice; the object arrives cut into other blocks, and the
	// workers take them in any order, yet the profile is the same bytes.
	t.Run("streamed profile from S3 is the local one", func(t *testing.T) {
		profLocal := filepath.Join(dir, "streamed-local", "ref.profile.json")
		profS3 := filepath.Join(dir, "streamed-s3", "ref.profile.json")
		for path, out := range map[string]string{refCSV: profLocal, "s3://mlgate-data/ref.csv": profS3} {
			if code, o, errs := runMain(t, nil, "profile", "--memory", "1", "--data", path, "--out", out); code != 0 {
				t.Fatalf("profile --memory 1 %s: exit %d\n%s%s", path, code, o, errs)
			}
		}
		a, _ := os.ReadFile(profLocal)
		b, _ := os.ReadFile(profS3)
		if !bytes.Equal(bytes.ReplaceAll(b, []byte("s3://mlgate-data/ref.csv"), []byte(refCSV)), a) {
			t.Errorf("the streamed profile of s3://mlgate-data/ref.csv differs from that of the local file:\n%.800s\n%.800s", b, a)
		}
	})
	// The sharded profile of the drift-check component reads its objects
	// through the same expansion as local globs: 2 shards of the 8 objects
	// matched by a pattern, merged, give the drift of the same 2 shards of
	// the 8 local files.
	t.Run("profile shards of a pattern, merged", func(t *testing.T) {
		merged := map[string]string{}
		for _, src := range []struct{ name, data string }{
			{"local", filepath.Join(filepath.Dir(parts[0]), "*.parquet")},
			{"s3", "s3://mlgate-data/cur/day=2026-12-0*/part-*.parquet"},
		} {
			var shards []string
			for i := 1; i <= 2; i++ {
				out := filepath.Join(dir, "shards-"+src.name, fmt.Sprintf("%d.profile.json", i))
				if code, o, errs := runMain(t, nil, "profile", "--data", src.data, "--shard", fmt.Sprintf("%d/2", i), "--out", out); code != 0 {
					t.Fatalf("profile %s shard %d/2: exit %d\n%s%s", src.name, i, code, o, errs)
				} else if !strings.Contains(o, "4 files") && !strings.Contains(o, "of 8 files") {
					t.Errorf("profile %s shard %d/2 does not say it took its share of 8 files:\n%s", src.name, i, o)
				}
				shards = append(shards, out)
			}
			merged[src.name] = filepath.Join(dir, "shards-"+src.name, "merged.profile.json")
			if code, o, errs := runMain(t, nil, append([]string{"profile", "merge", "--out", merged[src.name]}, shards...)...); code != 0 {
				t.Fatalf("profile merge %s: exit %d\n%s%s", src.name, code, o, errs)
			}
		}
		_, want, _ := driftFeatures(t, filepath.Join(dir, "out-shards-local"), "--reference", merged["local"], "--current", curCSV)
		_, got, _ := driftFeatures(t, filepath.Join(dir, "out-shards-s3"), "--reference", merged["s3"], "--current", curCSV)
		sameFeatures(t, "merged shards", got, want)
	})
}

// TestS3Errors checks that each failure of object storage is one line on
// stderr naming the URL and the S3 error code (or the endpoint that could
// not be reached), with exit code 2 and no secret in it.
func TestS3Errors(t *testing.T) {
	testenv.Slow(t, "starts versitygw")
	dir := t.TempDir()
	s := s3test.Start(t)
	s.Env(t)
	s.Bucket(t, "mlgate-data")
	ref := driftCSV(t, dir, "ref.csv", 300, 0)
	s.PutFile(t, "mlgate-data", "ref.csv", ref)
	cases := []struct {
		name    string
		env     func(t testing.TB)
		args    []string
		want    []string
		secrets []string
	}{
		{"NoSuchKey", s.Env, []string{"drift", "--reference", "s3://mlgate-data/nope.csv", "--current", ref},
			[]string{"s3://mlgate-data/nope.csv: NoSuchKey"}, []string{s.Secret}},
		{"NoSuchBucket", s.Env, []string{"drift", "--reference", "s3://no-such-bucket/ref.csv", "--current", ref},
			[]string{"s3://no-such-bucket/ref.csv: NoSuchBucket"}, []string{s.Secret}},
		{"AccessDenied", func(t testing.TB) { s.EnvAs(t, s.OtherAccess, s.OtherSecret) },
			[]string{"drift", "--reference", "s3://mlgate-data/ref.csv", "--current", ref},
			[]string{"s3://mlgate-data/ref.csv: AccessDenied"}, []string{s.OtherSecret, s.Secret}},
		{"AccessDenied listing", func(t testing.TB) { s.EnvAs(t, s.OtherAccess, s.OtherSecret) },
			[]string{"data", "--data", "s3://mlgate-data/ref*.csv"},
			[]string{"s3://mlgate-data/ref*.csv: AccessDenied"}, []string{s.OtherSecret, s.Secret}},
		{"wrong secret", func(t testing.TB) { s.EnvAs(t, s.Access, "not-the-secret-key") },
			[]string{"drift", "--reference", "s3://mlgate-data/ref.csv", "--current", ref},
			[]string{"s3://mlgate-data/ref.csv: SignatureDoesNotMatch"}, []string{"not-the-secret-key", s.Secret}},
		{"wrong endpoint", func(t testing.TB) { s3test.SetEnv(t, "http://127.0.0.1:"+closedPort(t), s.Access, s.Secret) },
			[]string{"drift", "--reference", "s3://mlgate-data/ref.csv", "--current", ref},
			[]string{"s3://mlgate-data/ref.csv: cannot reach the S3 endpoint http://127.0.0.1:", "connection refused"}, []string{s.Secret}},
		{"pattern matches nothing", s.Env, []string{"profile", "--data", "s3://mlgate-data/day=*/part-*.parquet", "--out", filepath.Join(dir, "p")},
			[]string{"s3://mlgate-data/day=*/part-*.parquet: matches no object"}, nil},
		{"not gzip", s.Env, []string{"drift", "--reference", "s3://mlgate-data/ref.csv.gz", "--current", ref},
			[]string{"s3://mlgate-data/ref.csv.gz: not gzip data"}, nil},
	}
	s.PutFile(t, "mlgate-data", "ref.csv.gz", ref)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.env(t)
			code, stdout, stderr := runMain(t, nil, append(c.args, "--out", filepath.Join(dir, "out"))...)
			if code != 2 {
				t.Fatalf("exit %d, want 2\n%s%s", code, stdout, stderr)
			}
			msg := strings.TrimSpace(stderr)
			t.Log(msg)
			if n := strings.Count(msg, "\n"); n != 0 {
				t.Errorf("stderr has %d lines, want one:\n%s", n+1, msg)
			}
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("stderr %q does not say %q", msg, w)
				}
			}
			for _, secret := range c.secrets {
				if strings.Contains(stdout+stderr, secret) {
					t.Errorf("a secret key is printed: %q", msg)
				}
			}
		})
	}
}

// closedPort returns a loopback port nothing listens on.
func closedPort(t testing.TB) string {
	t.Helper()
	return strings.TrimPrefix(s3test.FreeAddr(t), "127.0.0.1:")
}
