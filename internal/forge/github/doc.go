// Package github adapts GitHub's REST API, through
// github.com/google/go-github, to what mlgate needs of it: posting
// gate-runner's report on a pull request (one sticky comment found by its
// marker and a commit status per gate), and for mlbot dispatching
// retraining workflows (workflow_dispatch) and checking the signature of
// workflow_run webhooks. It speaks the shared words of package forge and
// imports nothing else of the project.
package github
