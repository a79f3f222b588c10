package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// replica is one mlbot serve process on a fixed address; a kill and a
// restart keep the address, so the traffic goes on to the same URL (and
// is refused while the process is down).
type replica struct {
	name, bin, cfg, addr, logPath string

	mu       sync.Mutex
	cmd      *exec.Cmd
	up       bool
	restarts int
}

func newReplica(name, bin, cfg, dir string) (*replica, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	return &replica{name: name, bin: bin, cfg: cfg, addr: addr, logPath: filepath.Join(dir, name+".log")}, nil
}

// start runs the process and waits until /readyz answers 200.
func (r *replica) start() error {
	logf, err := os.OpenFile(r.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	cmd := exec.Command(r.bin, "serve", "--config", r.cfg)
	cmd.Env = append(os.Environ(), "MLBOT_LISTEN="+r.addr)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("start %s: %w", r.name, err)
	}
	go func() { cmd.Wait(); logf.Close() }()
	r.mu.Lock()
	r.cmd = cmd
	r.mu.Unlock()
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get("http://" + r.addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				r.mu.Lock()
				r.up = true
				r.mu.Unlock()
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not answer /readyz within 60s (log %s)", r.name, r.logPath)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// kill ends the process with SIGKILL: no graceful shutdown, leases held,
// requests cut off mid-way.
func (r *replica) kill() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.up = false
	r.restarts++
	if err := r.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		return fmt.Errorf("kill %s: %w", r.name, err)
	}
	// Wait for the kernel to release the port before the restart binds.
	for i := 0; i < 100; i++ {
		if syscall.Kill(r.cmd.Process.Pid, 0) != nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	return nil
}

// stop ends the process gracefully (SIGTERM) at the end of the soak.
func (r *replica) stop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cmd != nil && r.up {
		r.cmd.Process.Signal(syscall.SIGTERM)
		r.up = false
	}
}

func (r *replica) isUp() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.up
}

func (r *replica) pid() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cmd.Process.Pid
}

// usage is a process's resident memory and open file descriptors.
type usage struct {
	RSSKiB int64
	FDs    int
}

func (u usage) max(v usage) usage { return usage{max(u.RSSKiB, v.RSSKiB), max(u.FDs, v.FDs)} }

func (u usage) String() string {
	return fmt.Sprintf("RSS %.1f MiB, %d fds", float64(u.RSSKiB)/1024, u.FDs)
}

// sample reads /proc/PID/status VmRSS and counts /proc/PID/fd.
func (r *replica) sample() (usage, error) {
	pid := r.pid()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return usage{}, err
	}
	var u usage
	for _, line := range strings.Split(string(status), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			u.RSSKiB, _ = strconv.ParseInt(f[1], 10, 64)
		}
	}
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return usage{}, err
	}
	u.FDs = len(fds)
	return u, nil
}
