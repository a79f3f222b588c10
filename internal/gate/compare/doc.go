// Package compare is Gate 3, offline metrics: it reads the candidate's
// and production's metrics (metrics files, or predictions and labels it
// evaluates) and holds the candidate to the config's rules, against
// production where there is a baseline and on absolute bounds alone for a
// first model. Remote baselines (GitLab artifacts, the MLflow registry)
// come from the runner through the Baselines interface.
package compare
