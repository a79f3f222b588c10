// Package lineage records what a report was made from: the commit, a hash
// of every data file the gates read (or the md5 DVC recorded for it), and
// the training parameters of params.yaml.
package lineage
