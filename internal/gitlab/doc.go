// Package gitlab adapts GitLab's REST API, through the official client
// gitlab.com/gitlab-org/api/client-go, to what mlgate needs of it: reading a
// baseline artifact from the default branch, and (in other files) posting
// notes and commit statuses and creating pipelines.
package gitlab
