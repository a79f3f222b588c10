// Package gx reads Great Expectations validation results (the JSON files
// Great Expectations writes, 0.x and 1.x layouts) and turns each
// expectation into a check of the data gate.
//
// Forms read (Parse says which it found):
//
//   - a suite's validation result (ExpectationSuiteValidationResult:
//     "results", as stored under uncommitted/validations/ and returned by
//     validator.validate());
//   - its describe() summary ("expectations" whose entries have "success");
//   - a checkpoint result: "run_results" (0.x CheckpointResult and
//     validation operator results, each run's "validation_result"; or the
//     validation results themselves) or describe()'s "validation_results";
//   - one expectation's result (ExpectationValidationResult:
//     "expectation_config" and "success").
//
// GE 0.x names an expectation's type "expectation_type" and a suite
// "expectation_suite_name" (in meta); 1.x says "type" and "suite_name".
// Python's json module writes NaN, Infinity and -Infinity for floats that
// JSON cannot hold (a KL partition's open ends); they are read as those
// numbers.
//
// The status of a check: success true passes; success false fails, or
// warns when the expectation's severity says warning (see Severity). An
// expectation whose type this package does not know is kept, with its
// result as Great Expectations wrote it.
package gx
