package config

import "fmt"

// TestsGate configures Gate 1: JUnit XML reports of the model's tests.
type TestsGate struct {
	// JUnit are file globs of JUnit XML reports ("reports/*.xml", "**" for
	// any depth); --junit flags replace them.
	JUnit []string `yaml:"junit"`
	// MinTests is the fewest tests that must run, skipped ones not
	// counted; nil means 1.
	MinTests *int `yaml:"min_tests"`
}

// Min returns MinTests or its default, 1.
func (g *TestsGate) Min() int {
	if g == nil || g.MinTests == nil {
		return 1
	}
	return *g.MinTests
}

func (g *TestsGate) validate(file string) error {
	if g == nil {
		return nil
	}
	if g.MinTests != nil && *g.MinTests < 0 {
		return &Error{File: file, Msg: fmt.Sprintf("gates.tests.min_tests is %d, expected a number ≥ 0", *g.MinTests)}
	}
	for i, p := range g.JUnit {
		if p == "" {
			return &Error{File: file, Msg: fmt.Sprintf("gates.tests.junit[%d] is empty, expected a file glob such as reports/*.xml", i)}
		}
	}
	return nil
}
