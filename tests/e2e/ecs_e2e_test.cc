// End to end: --format ecs on a Debian root built with the real dpkg, every
// line checked against schemas/ecs.schema.json by Debian's python3-jsonschema
// (an independent validator), the ECS fields a SIEM keys on checked by value.
// The JSON report's schema is applied by RunContraband to every report any
// test makes; here it is shown to reject a report that breaks it.
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

}  // namespace

TEST_CASE("ECS format: one schema-valid ECS line per finding, then a state "
          "line, event ids stable over runs",
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
  // (RunContraband checks every line against the schema too.)
  const std::string errors = SchemaErrors("schemas/ecs.schema.json", r.out, true);
  INFO(errors);
  CHECK(errors.empty());

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
  CHECK(SchemaErrors("schemas/ecs.schema.json", c.out, true).empty());
  json report = ParseJson(RunContraband("scan --format json " +
                                        ShellQuote(root)).out);
  CHECK(SchemaErrors("schemas/report.schema.json", report.dump(2), false).empty());
  report["findings"][0]["confidence"] = "certain";
  CHECK_THAT(SchemaErrors("schemas/report.schema.json", report.dump(2), false),
             Catch::Contains("findings/0/confidence"));
  // The validator does reject: a severity of the wrong type.
  std::string wrong = lines[0].dump();
  wrong.replace(wrong.find("\"severity\":73"), 14, "\"severity\":\"73\"");
  CHECK_FALSE(SchemaErrors("schemas/ecs.schema.json", wrong + "\n", true).empty());
}
