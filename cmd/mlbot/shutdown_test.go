package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot/store"
	"gitlab.com/mlgate/mlgate/internal/testenv"
)

// TestGracefulShutdown stops mlbot while a request is half sent: the
// request still completes and its alert is stored; new connections are
// refused.
func TestGracefulShutdown(t *testing.T) {
	testenv.Slow(t, "builds mlbot and runs it as a process")
	dir := t.TempDir()
	db := filepath.Join(dir, "mlbot.db")
	cfg := writeConfig(t, dir, "sqlite", db, "http://127.0.0.1:1", "1h", "")
	m := NewMain()
	m.Stdout, m.Stderr = io.Discard, io.Discard
	m.Listening = make(chan string, 1)
	if err := m.ParseFlags([]string{"serve", "--config", cfg}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	addr := <-m.Listening

	body := amMessage("g", "firing", time.Now().UTC(), "fp-inflight")
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /v1/alertmanager HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer am-token\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(body))
	half := len(body) / 2
	io.WriteString(conn, body[:half])
	time.Sleep(100 * time.Millisecond) // the server is reading the body
	cancel()
	time.Sleep(200 * time.Millisecond) // shutdown has begun
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Error("new connection accepted during shutdown")
	}
	io.WriteString(conn, body[half:])
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("in-flight request got %d, want 200", resp.StatusCode)
	}
	if err := <-done; err != nil {
		t.Errorf("serve: %v", err)
	}
	m.Close()
	st, err := store.OpenSQLite(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.GetAlert(context.Background(), 1); err != nil {
		t.Errorf("in-flight alert not stored: %v", err)
	}
}
