package intake

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"gitlab.com/mlgate/mlgate/internal/bot"
	"gitlab.com/mlgate/mlgate/internal/bot/store"
)

// BenchmarkAlertmanagerIntake measures POST /v1/alertmanager end to end
// (HTTP, auth, parsing, planning, durable SQLite commit), one new alert
// per request, from parallel clients.
func BenchmarkAlertmanagerIntake(b *testing.B) {
	cfg, err := bot.Load([]byte(testConfig))
	if err != nil {
		b.Fatal(err)
	}
	st, err := store.OpenSQLite(context.Background(), filepath.Join(b.TempDir(), "mlbot.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	reg := prometheus.NewRegistry()
	s := New(cfg, st, slog.New(slog.NewJSONHandler(io.Discard, nil)), reg)
	srv := httptest.NewServer(s.Handler(reg))
	defer srv.Close()
	tmpl := strings.Replace(firingBody(b), `"fingerprint":"a1b2c3d4e5f60718"`, `"fingerprint":"%d"`, 1)
	var n atomic.Int64
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest("POST", srv.URL+"/v1/alertmanager", bytes.NewBufferString(fmt.Sprintf(tmpl, n.Add(1))))
			req.Header.Set("Authorization", "Bearer am-token")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Fatalf("status %d", resp.StatusCode)
			}
		}
	})
}
