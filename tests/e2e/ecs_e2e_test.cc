// End to end: --format ecs on a Debian root built with the real dpkg, every
// line checked against schemas/ecs.schema.json by Debian's python3-jsonschema
// (an independent validator), the ECS fields a SIEM keys on checked by value.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "support/test_support.h"

using namespace contraband::testing;
using nlohmann::json;

namespace {

std::vector<json> Lines(const std::string& text) {
  std::vector<json> out;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t nl = text.find('\n', pos);
    out.push_back(ParseJson(text.substr(pos, nl - pos)));
    pos = nl + 1;
  }
  return out;
}

// Validates every line of `file` against the schema; "" when all pass.
std::string SchemaErrors(const std::string& file) {
  const std::string script = R"(
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema)
bad = 0
for n, line in enumerate(open(sys.argv[2]), 1):
    for e in v.iter_errors(json.loads(line)):
        print("line", n, list(e.absolute_path), e.message); bad += 1
sys.exit(1 if bad else 0)
)";
  RunResult r = Run("/usr/bin/python3 -c " + ShellQuote(script) + " " +
                    ShellQuote(std::string(SOURCE_DIR) +
                               "/schemas/ecs.schema.json") +
                    " " + ShellQuote(file));
  if (r.exit_code == 0) return "";
  return "exit " + std::to_string(r.exit_code) + ": " + r.out + r.err;
}

}  // namespace

TEST_CASE("--format ecs: one schema-valid ECS line per finding, then a state "
          "line; event ids stable over runs",
          "[e2e][dpkg][ecs]") {
  INFO("the test needs Debian's python3-jsonschema");
  REQUIRE(Run("/usr/bin/python3 -c 'import jsonschema'").exit_code == 0);
  TempDir dir;
  BuildDebianRoot(dir);
  const std::string root = dir.path() + "/root";

  // As the live host (--as host), so host.* is filled as on an endpoint.
  RunResult r = RunContraband("scan --format ecs --hash --as host " +
                              ShellQuote(root));
  INFO(r.err);
  REQUIRE(r.exit_code == 1);
  const std::string file = dir.Write("ecs.ndjson", r.out);
  CHECK(SchemaErrors(file).empty());
  INFO(SchemaErrors(file));

  std::vector<json> lines = Lines(r.out);
  REQUIRE(lines.size() == 4);  // kaspersky, telegram, zoom, then the summary
  const json& kesl = lines[0];
  CHECK(kesl["event"]["kind"] == "alert");
  CHECK(kesl["event"]["severity"] == 73);
  CHECK(kesl["rule"]["id"] == "kaspersky");
  CHECK(kesl["rule"]["ruleset"] == "contraband catalog");
  CHECK(kesl["rule"]["reference"].get<std::string>().rfind("https://", 0) == 0);
  CHECK(kesl["package"]["name"] == "kesl");
  CHECK(kesl["package"]["version"] == "12.1.0-1297");
  CHECK(kesl["package"]["type"] == "dpkg");
  CHECK(kesl["file"]["path"] == "/var/lib/dpkg/status");
  CHECK(kesl["file"]["hash"]["sha256"].get<std::string>().size() == 64);
  CHECK(kesl["contraband"]["software"]["state"] == "installed");
  CHECK(kesl["host"]["name"] == Run("hostname").out.substr(0, Run("hostname").out.find('\n')));
  const json& summary = lines.back();
  CHECK(summary["event"]["kind"] == "state");
  CHECK(summary["contraband"]["verdict"] == "banned-installed");
  CHECK(summary["contraband"]["stats"]["findings"] == 3);
  CHECK(summary["contraband"]["stats"]["installed"] == 3);

  // Ids: distinct per finding, the same on a second run.
  std::vector<json> again =
      Lines(RunContraband("scan --format ecs --as host " + ShellQuote(root)).out);
  REQUIRE(again.size() == lines.size());
  for (size_t i = 0; i + 1 < lines.size(); ++i) {
    CHECK(lines[i]["event"]["id"] == again[i]["event"]["id"]);
    if (i > 0) CHECK(lines[i]["event"]["id"] != lines[i - 1]["event"]["id"]);
  }

  // A clean scan is one state line; a folder that is not the host has no host.*.
  TempDir clean;
  clean.Write("root/var/lib/dpkg/status",
              "Package: coreutils\nStatus: install ok installed\nVersion: 9\n");
  RunResult c = RunContraband("scan --format ecs " + ShellQuote(clean.path() + "/root"));
  CHECK(c.exit_code == 0);
  std::vector<json> one = Lines(c.out);
  REQUIRE(one.size() == 1);
  CHECK(one[0]["contraband"]["verdict"] == "clean");
  CHECK_FALSE(one[0].contains("host"));
  CHECK(SchemaErrors(clean.Write("ecs.ndjson", c.out)).empty());
}
