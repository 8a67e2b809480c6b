// End to end: `inventory --format cyclonedx` of a Debian root built with the
// real dpkg and of an rpm database, validated against the official CycloneDX
// 1.5 schema (vendored in tests/schemas/cyclonedx) by Debian's
// python3-jsonschema, with purls of the purl specification's own types.
#include <catch2/catch.hpp>

#include <map>

#include <nlohmann/json.hpp>

#include "support/test_support.h"

using namespace contraband::testing;
using nlohmann::json;

TEST_CASE("inventory --format cyclonedx: a valid CycloneDX 1.5 BOM, one "
          "component per installed record, purl types from the spec",
          "[e2e][dpkg][cyclonedx]") {
  TempDir dir;
  BuildDebianRoot(dir);
  const std::string root = ShellQuote(dir.path() + "/root");
  RunResult r = RunContraband("inventory --format cyclonedx " + root);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const std::string schema = "tests/schemas/cyclonedx/bom-1.5.SNAPSHOT.schema.json";
  const std::string errors = SchemaErrors(schema, r.out, false);
  INFO(errors);
  CHECK(errors.empty());

  json bom = ParseJson(r.out);
  CHECK(bom["bomFormat"] == "CycloneDX");
  CHECK(bom["specVersion"] == "1.5");
  CHECK(bom["metadata"]["tools"]["components"][0]["name"] == "contraband");
  std::map<std::string, std::string> purls;
  for (const json& c : bom["components"]) {
    std::string ecosystem;
    for (const json& p : c["properties"]) {
      if (p["name"] == "contraband:ecosystem") ecosystem = p["value"];
    }
    // dpkg records are pkg:deb; the /opt/zoom install marker (ecosystem
    // installer) has no purl type: pkg:generic.
    CHECK_THAT(c["purl"].get<std::string>(),
               Catch::StartsWith(ecosystem == "dpkg" ? "pkg:deb/" : "pkg:generic/"));
    if (ecosystem == "dpkg") purls[c["name"]] = c["purl"];
  }
  // kesl, zoom, telegram-desktop, xzoom, coreutils installed; skype's
  // leftover (config-files) is not a component.
  CHECK(purls.count("skypeforlinux") == 0);
  CHECK(purls.at("kesl") == "pkg:deb/kesl@12.1.0-1297?arch=amd64");
  CHECK(purls.size() == 5);
  bool left_out_counted = false;
  for (const json& p : bom["metadata"]["properties"]) {
    left_out_counted |= p["name"] == "contraband:not_installed_records" &&
                        p["value"] == "1";
  }
  CHECK(left_out_counted);
  // The same inventory, the same serial number and components.
  json again = ParseJson(RunContraband("inventory --format cyclonedx " + root).out);
  CHECK(again["serialNumber"] == bom["serialNumber"]);
  CHECK(again["components"] == bom["components"]);

  // The schema does reject: a component without a name.
  bom["components"][0].erase("name");
  CHECK_FALSE(SchemaErrors(schema, bom.dump(2), false).empty());

  // A version's special characters percent-encoded; scan --format cyclonedx
  // is the inventory too.
  // A snap has no purl type of its own: pkg:generic.
  TempDir other;
  other.Write("var/lib/dpkg/status",
              "Package: weird\nStatus: install ok installed\nVersion: 1:2.0+b1\n"
              "Architecture: all\n");
  WriteSkypeSnap(other);
  json w = ParseJson(RunContraband("scan --format cyclonedx " +
                                   ShellQuote(other.path())).out);
  std::map<std::string, std::string> by_name;
  for (const json& c : w["components"]) by_name[c["name"]] = c["purl"];
  CHECK(by_name.at("weird") == "pkg:deb/weird@1%3A2.0%2Bb1?arch=all");
  CHECK(by_name.at("skype") == "pkg:generic/skype@8.110.76.107?arch=amd64");
}
