package forge

// Run is what a retraining or rollback backend started: a pipeline, a
// workflow run, a DAG run.
type Run struct {
	// Backend is gitlab, github or the HTTP backend's name.
	Backend string
	// Project is the GitLab project or GitHub repository.
	Project string
	// ExternalID is the pipeline or workflow run id (0 when the backend
	// does not say).
	ExternalID int64
	WebURL     string
	Status     string
	// Detail is free text for the audit log (a DAG run id).
	Detail string
}
