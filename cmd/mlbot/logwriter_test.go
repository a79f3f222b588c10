package main

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer that counts its writes.
type syncBuffer struct {
	mu     sync.Mutex
	b      bytes.Buffer
	writes int
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writes++
	return s.b.Write(p)
}

func (s *syncBuffer) state() (string, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String(), s.writes
}

func TestLogWriter(t *testing.T) {
	out := &syncBuffer{}
	lw := newLogWriter(out, 50*time.Millisecond)
	log := slog.New(flushHandler{slog.NewJSONHandler(lw, nil), lw}).With("service", "mlbot")

	for i := range 100 {
		log.Info("request", "n", i)
	}
	if got, _ := out.state(); got != "" {
		t.Fatalf("information lines were written at once: %q", got)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		got, writes := out.state()
		if strings.Count(got, "\n") == 100 {
			if writes != 1 {
				t.Errorf("100 lines took %d writes, want 1", writes)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 5 s the lines were not written (delay 50 ms): %d lines", strings.Count(got, "\n"))
		}
		time.Sleep(10 * time.Millisecond)
	}

	// A warning is written at once, with the line before it, in order.
	log.Info("before")
	log.With("k", "v").WithGroup("g").Warn("trouble", "x", 1)
	got, _ := out.state()
	i, j := strings.Index(got, `"msg":"before"`), strings.Index(got, `"msg":"trouble"`)
	if i < 0 || j < i || !strings.Contains(got, `"k":"v","g":{"x":1}`) {
		t.Fatalf("a warning and the line before it were not written at once, in order:\n%s", got)
	}

	// A batch's worth of lines is written without waiting.
	long := strings.Repeat("x", 1024)
	for range logBatch/1024 + 1 {
		log.Info(long)
	}
	if got, _ := out.state(); strings.Count(got, long) < logBatch/2048 {
		t.Errorf("%d KiB of lines were not written at once", logBatch>>10)
	}

	// Flush (at shutdown) writes the rest.
	log.Info("last")
	lw.Flush()
	if got, _ := out.state(); !strings.Contains(got, `"msg":"last"`) {
		t.Error("Flush did not write the last line")
	}

	// A delay of 0 writes each line at once.
	out0 := &syncBuffer{}
	slog.New(slog.NewJSONHandler(newLogWriter(out0, 0), nil)).Info("now")
	if got, writes := out0.state(); writes != 1 || !strings.Contains(got, `"msg":"now"`) {
		t.Errorf("delay 0: %d writes, %q", writes, got)
	}
}
