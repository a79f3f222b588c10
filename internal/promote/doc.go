// Package promote acts on the gates' decision: a model version whose gate
// results pass becomes its registered model's champion, the version that
// held the alias before stays reachable as previous, and the version
// records its validation (validation_status, one tag per gate, the
// pipeline); a version whose gates failed is refused and recorded as
// failed. Rollback turns previous back into champion.
//
// It writes through Registry: MLflow (MLflowRegistry: aliases, version
// tags, descriptions over MLflow's REST API 2.0) or GitLab's model registry
// (GitLabRegistry: GitLab's MLflow-compatible API has neither aliases nor
// tag writes, so the champion and previous are recorded in the registered
// model's description and the validation tags in the version's
// description; see docs/promotion.md).
package promote
