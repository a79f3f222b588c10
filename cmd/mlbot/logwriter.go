package main

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"
)

// logWriter gathers log lines and writes them in batches: under load
// mlbot logs a line for every request, and a write system call a line
// cost about a twentieth of an alert's intake (bench/bench-mlbot.sh's
// profile). A line waits at most delay before it is written; a warning or
// an error is written at once with everything before it (see
// flushHandler), and Close writes what is left. A crash (kill -9) can lose
// the information lines of the last delay; what mlbot stored is in its
// database, whose audit log records every decision.
type logWriter struct {
	mu    sync.Mutex
	w     io.Writer
	buf   []byte
	delay time.Duration
	timer *time.Timer
	armed bool
}

// logBatch is the size at which gathered lines are written without
// waiting for the delay.
const logBatch = 64 << 10

func newLogWriter(w io.Writer, delay time.Duration) *logWriter {
	l := &logWriter{w: w, delay: delay}
	l.timer = time.AfterFunc(time.Hour, l.Flush)
	l.timer.Stop()
	return l
}

func (l *logWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.delay <= 0 {
		return l.w.Write(p)
	}
	l.buf = append(l.buf, p...)
	if len(l.buf) >= logBatch {
		l.flushLocked()
	} else if !l.armed {
		l.armed = true
		l.timer.Reset(l.delay)
	}
	return len(p), nil
}

// Flush writes the lines gathered so far.
func (l *logWriter) Flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.flushLocked()
}

func (l *logWriter) flushLocked() {
	if l.armed {
		l.timer.Stop()
		l.armed = false
	}
	if len(l.buf) == 0 {
		return
	}
	// A failed write (stderr closed) loses these lines, as an unbuffered
	// write would; there is nowhere else to report it.
	l.w.Write(l.buf)
	if cap(l.buf) > 4*logBatch {
		l.buf = nil
	} else {
		l.buf = l.buf[:0]
	}
}

// flushHandler writes a warning or an error, and the lines before it, as
// soon as it is logged.
type flushHandler struct {
	slog.Handler
	w *logWriter
}

func (h flushHandler) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if r.Level >= slog.LevelWarn {
		h.w.Flush()
	}
	return err
}

func (h flushHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return flushHandler{h.Handler.WithAttrs(as), h.w}
}

func (h flushHandler) WithGroup(name string) slog.Handler {
	return flushHandler{h.Handler.WithGroup(name), h.w}
}
