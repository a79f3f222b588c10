// Package tests is Gate 1, the model's tests: it reads JUnit XML test
// reports as pytest, go-junit-report, Maven Surefire and GitLab write them
// (a testsuites root or a bare testsuite, nested suites, skipped tests,
// errors apart from failures) and turns them into the gate's verdict.
//
// Counts come from the test cases themselves, never from the suites'
// tests/failures attributes, which some writers get wrong.
package tests
