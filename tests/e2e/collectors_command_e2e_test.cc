// End to end: `contraband collectors [--requests] [--format json]` lists
// every registered collector and the very requests the scan core gets from
// it (fleet tooling builds remote collection lists from this JSON).
#include <catch2/catch.hpp>

#include <set>

#include <nlohmann/json.hpp>

#include "catalog/catalog.h"
#include "collectors/registry.h"
#include "support/test_support.h"

using namespace contraband;
using namespace contraband::testing;
using nlohmann::json;

TEST_CASE("collectors command lists every registered collector with its "
          "platform, and with --requests the patterns Requests() returns",
          "[e2e][collectors]") {
  RunResult plain = RunContraband("collectors --format json");
  INFO(plain.err);
  REQUIRE(plain.exit_code == 0);
  json listed = ParseJson(plain.out);
  REQUIRE(listed["collectors"].size() == AllCollectors().size());
  CHECK_FALSE(listed["collectors"][0].contains("requests"));

  RunResult full = RunContraband("collectors --requests --format json");
  INFO(full.err);
  REQUIRE(full.exit_code == 0);
  json j = ParseJson(full.out);
  REQUIRE(j["collectors"].size() == AllCollectors().size());
  CHECK(j["catalog"]["sha256"].get<std::string>().size() == 64);

  // Each collector's requests, compared with what the collector itself says
  // (the embedded catalog drives the install markers).
  const Catalog& catalog = EmbeddedCatalog();
  size_t i = 0;
  std::set<std::string> platforms;
  for (const CollectorInfo& info : AllCollectors()) {
    const json& c = j["collectors"][i++];
    INFO(info.name);
    CHECK(c["name"] == std::string(info.name));
    CHECK(c["ecosystem"] == std::string(info.ecosystem));
    platforms.insert(c["platform"].get<std::string>());
    std::vector<FileRequest> want = Instantiate(info, &catalog)->Requests();
    REQUIRE(c["requests"].size() == want.size());
    for (size_t k = 0; k < want.size(); ++k) {
      CHECK(c["requests"][k]["pattern"] == want[k].pattern);
      CHECK(c["requests"][k]["max_bytes"] == want[k].max_bytes);
      CHECK(c["requests"][k]["ranges"] == want[k].ranges);
      CHECK(c["requests"][k]["name_only"] == want[k].name_only);
    }
  }
  CHECK(platforms.count("linux") == 1);
  CHECK(platforms.count("windows") == 1);
  CHECK(platforms.count("macos") == 1);

  // Specific facts a Windows collection relies on.
  auto find = [&](const std::string& name) -> const json& {
    for (const json& c : j["collectors"]) {
      if (c["name"] == name) return c;
    }
    FAIL("no collector " << name);
    return j;
  };
  const json& registry = find("windows-registry");
  CHECK(registry["platform"] == "windows");
  bool has_log = false;
  for (const json& r : registry["requests"]) {
    if (r["pattern"].get<std::string>().find(".LOG[12]") != std::string::npos) {
      has_log = true;
    }
  }
  CHECK(has_log);
  CHECK(find("macos-receipts")["platform"] == "macos");
  CHECK(find("dpkg")["platform"] == "linux");
  CHECK(find("install-marker")["needs_catalog"] == true);

  // The text form: one line per collector, requests indented under it.
  RunResult text = RunContraband("collectors --requests");
  REQUIRE(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::Contains("dpkg                linux/dpkg"));
  CHECK_THAT(text.out, Catch::Contains("    /var/lib/dpkg/status"));
  // A broken --catalog is a usage error only when the requests need it.
  TempDir bad;
  bad.Write("broken.json", "{");
  CHECK(RunContraband("collectors --catalog " +
                      ShellQuote(bad.path() + "/broken.json"))
            .exit_code == 0);
  CHECK(RunContraband("collectors --requests --catalog " +
                      ShellQuote(bad.path() + "/broken.json"))
            .exit_code == 2);
}
