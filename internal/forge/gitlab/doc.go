// Package gitlab adapts GitLab's REST API, through the official client
// gitlab.com/gitlab-org/api/client-go, to what mlgate needs of it: reading a
// baseline artifact from the default branch, posting notes, commit
// statuses and chart uploads for gate-runner's report (Poster), and
// creating retraining and rollback pipelines for mlbot (Pipelines,
// Rollbacks). It speaks the shared words of package forge and imports
// nothing else of the project, so either program links it alone.
package gitlab
