// contrib/elastic and contrib/splunk, checked structurally (there is no
// Elasticsearch or Splunk here) by tests/contrib/check_siem_configs.py: the
// index template covers every field of schemas/ecs.schema.json with a
// compatible type and every field of real ECS lines the binary writes
// (findings, summary with --baseline, host fields with --as host); Filebeat's
// YAML parses; the Splunk add-on parses as INI and maps to CIM Alerts.
#include <catch2/catch.hpp>

#include "support/test_support.h"

using namespace contraband::testing;

namespace {

const std::string kSource = SOURCE_DIR;

RunResult Check(const std::string& source, const std::string& lines) {
  return Run("/usr/bin/python3 " + ShellQuote(kSource + "/tests/contrib/check_siem_configs.py") +
             " " + ShellQuote(source) + " " + lines + " 2>&1");
}

}  // namespace

TEST_CASE("Elastic index template and Filebeat config cover the ECS schema and "
          "real ECS lines, and the Splunk add-on parses and maps to CIM Alerts",
          "[e2e][contrib][elastic][splunk]") {
  INFO("the test needs python3-yaml");
  REQUIRE(Run("/usr/bin/python3 -c 'import yaml'").exit_code == 0);
  TempDir dir;
  BuildDebianRoot(dir);
  const std::string root = ShellQuote(dir.path() + "/root");
  const std::string d = dir.path();
  // Real lines of every kind: findings with sha256 and baseline status, a
  // summary with a baseline and unreadable evidence, host.* of a live scan.
  REQUIRE(RunContraband("scan --format json -o " + ShellQuote(d + "/base.json") +
                        " " + root).exit_code == 1);
  CHECK(RunContraband("scan --format ecs --hash --baseline " + ShellQuote(d + "/base.json") +
                      " -o " + ShellQuote(d + "/baseline.ecs.jsonl") + " " + root + " " +
                      ShellQuote(d + "/gone")).exit_code == 3);
  CHECK(RunContraband("scan --format ecs --as host -o " + ShellQuote(d + "/host.ecs.jsonl") +
                      " " + root).exit_code == 1);
  const std::string lines = ShellQuote(d + "/baseline.ecs.jsonl") + " " +
                            ShellQuote(d + "/host.ecs.jsonl");
  RunResult ok = Check(kSource, lines);
  INFO(ok.out);
  CHECK(ok.exit_code == 0);
  CHECK_THAT(ok.out, Catch::Contains("schema fields and 8 real lines checked"));

  // The checks bite: a copy with a field dropped from the template, a field
  // mapped with the wrong type, and the alert tag gone fails on each.
  const std::string copy = d + "/copy";
  REQUIRE(Run("mkdir -p " + ShellQuote(copy) + " && cp -r " +
              ShellQuote(kSource + "/schemas") + " " + ShellQuote(kSource + "/contrib") +
              " " + ShellQuote(copy))
              .exit_code == 0);
  REQUIRE(Run("cd " + ShellQuote(copy + "/contrib") + " && python3 -c '"
              "import json; p=\"elastic/index-template.json\"; t=json.load(open(p)); "
              "m=t[\"template\"][\"mappings\"][\"properties\"]; "
              "del m[\"package\"][\"properties\"][\"version\"]; "
              "m[\"contraband\"][\"properties\"][\"baseline_status\"]={\"type\":\"long\"}; "
              "json.dump(t, open(p, \"w\"))' && "
              "sed -i \"s/^alert = enabled/alert = disabled/\" splunk/TA-contraband/default/tags.conf")
              .exit_code == 0);
  RunResult bad = Check(copy, lines);
  INFO(bad.out);
  CHECK(bad.exit_code == 1);
  CHECK_THAT(bad.out, Catch::Contains("package.version (schema package.version, alert line) not mapped"));
  CHECK_THAT(bad.out, Catch::Contains("contraband.baseline_status mapped long, schema says"));
  CHECK_THAT(bad.out, Catch::Contains("not tagged alert"));
}
