// Package forge holds the words both mlgate programs share with the forges
// they talk to (GitLab, GitHub and the generic HTTP backend): a commit
// status and its states, a sticky comment, a retraining or rollback task,
// the pipeline run it started, and the error classes that say whether an
// answer is worth retrying. It is a leaf: it imports nothing of the
// project, so that gate-runner and mlbot can each use the forge adapters
// (forge/gitlab, forge/github) without linking the other program's code.
// Each consumer declares the narrow interface it needs over these types.
package forge
