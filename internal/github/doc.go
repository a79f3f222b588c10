// Package github adapts GitHub's REST API through go-github: it dispatches
// retraining workflows (workflow_dispatch) and checks the signature of
// workflow_run webhooks.
package github
