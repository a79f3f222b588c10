package main

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ownsConn reports whether process pid holds the client end of a TCP
// connection on loopback whose local address is remote (the RemoteAddr
// a server saw): it finds the socket's inode in /proc/net/tcp and looks
// for it among the process's open files.
func ownsConn(pid int, remote string) bool {
	_, portText, err := net.SplitHostPort(remote)
	if err != nil {
		return false
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		return false
	}
	table, err := os.ReadFile("/proc/net/tcp")
	if err != nil {
		return false
	}
	want := fmt.Sprintf(":%04X", port)
	inode := ""
	for _, line := range strings.Split(string(table), "\n")[1:] {
		f := strings.Fields(line)
		if len(f) > 9 && strings.HasSuffix(f[1], want) {
			inode = f[9]
			break
		}
	}
	if inode == "" {
		return false
	}
	fds, _ := filepath.Glob(fmt.Sprintf("/proc/%d/fd/*", pid))
	for _, fd := range fds {
		if l, err := os.Readlink(fd); err == nil && l == "socket:["+inode+"]" {
			return true
		}
	}
	return false
}
