package main

import (
	"fmt"
	"regexp"
	"time"
)

var sectionName = regexp.MustCompile(`[^a-zA-Z0-9_.-]`)

// section opens a collapsible section of the GitLab job log when running in
// GitLab CI (GITLAB_CI set) and returns the function that closes it with the
// time taken. Outside GitLab it prints nothing.
// See https://docs.gitlab.com/ci/jobs/job_logs/#custom-collapsible-sections.
func (m *Main) section(name, header string) func() {
	if m.Getenv("GITLAB_CI") == "" {
		return func() {}
	}
	id := "mlgate_" + sectionName.ReplaceAllString(name, "_")
	start := m.Now()
	fmt.Fprintf(m.Stderr, "\x1b[0Ksection_start:%d:%s[collapsed=true]\r\x1b[0K%s\n", start.Unix(), id, header)
	return func() {
		end := m.Now()
		fmt.Fprintf(m.Stderr, "%s took %s\n", header, end.Sub(start).Round(time.Millisecond))
		fmt.Fprintf(m.Stderr, "\x1b[0Ksection_end:%d:%s\r\x1b[0K\n", end.Unix(), id)
	}
}
