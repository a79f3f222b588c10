// Package config loads .mlgate.yml, gate-runner's one config file.
//
// Decoding is strict: an unknown key is an error that names the file, the
// line and the key, and lists the keys allowed there. Load parses bytes,
// LoadFile a path; defaults and cross-field checks live in Validate. Each
// gate's section has its own file (compare.go, drift.go, …).
package config
