// Package experiment reads an A/B test's data, from Prometheus or from an
// events file, into the abtest.Input that Gate 4 decides on. It knows the
// config's words (gates.abtest) and the sources' failure modes: no data is a
// metric without data (the decision continues), a wrong query or file is an
// input error.
package experiment
