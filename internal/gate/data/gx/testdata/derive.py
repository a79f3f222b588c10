#!/usr/bin/env python3
"""Writes the derived fixtures (derived.*.json) from Great Expectations' own
files beside this script; see README.md. Each change is one key, so the
files stay what Great Expectations wrote apart from it.

Run from this directory: python3 derive.py
"""
import json


def load(name):
    with open(name) as f:
        return json.load(f)


def write(name, doc):
    with open(name, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")


# A failed expectation whose meta says severity warning (GE 0.x layout).
doc = load("titanic_expected_data_asset_validate_results.json")
assert doc["results"][3]["expectation_config"]["expectation_type"] == "expect_column_values_to_be_in_set"
assert doc["results"][3]["success"] is False
doc["results"][3]["expectation_config"]["meta"]["severity"] = "warning"
write("derived.titanic_severity_warning.json", doc)

# Expectation types mlgate does not know (GE 1.x layout): the names of the
# custom expectations in Great Expectations' docs
# (docs/docusaurus/docs/snippets/expect_column_values_to_equal_three.py and
# expect_column_max_to_be_between_custom.py), on a failing column map result
# and a passing aggregate one.
doc = load("expected_cli_results_default.json")
assert doc["results"][3]["expectation_config"]["type"] == "expect_column_values_to_be_in_set"
assert doc["results"][5]["expectation_config"]["type"] == "expect_column_mean_to_be_between"
doc["results"][3]["expectation_config"]["type"] = "expect_column_values_to_equal_three"
doc["results"][5]["expectation_config"]["type"] = "expect_column_max_to_be_between_custom"
write("derived.custom_types.json", doc)

# A checkpoint result in GE 1.x's CheckpointResult layout: run_results maps
# each ValidationResultIdentifier to the validation result itself (0.x put
# it under "validation_result").
runs = {
    "ValidationResultIdentifier::default/__none__/20241024T000000.000000Z/titanic":
        load("expected_cli_results_default.json"),
    "ValidationResultIdentifier::default/__none__/20241024T000001.000000Z/events":
        load("datetime_column_evrs.json"),
}
write("derived.checkpoint_run_results_1x.json", {
    "run_id": {"run_name": None, "run_time": "2024-10-24T00:00:00+00:00"},
    "run_results": runs,
    "checkpoint_config": {"name": "my_checkpoint"},
    "success": False,
})
