// End to end: a status file larger than one read (1 MiB) is streamed; the
// report without --inventory still counts every record, and --hash still
// digests the whole file.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "common/sha256.h"
#include "support/test_support.h"

using namespace contraband::testing;
using nlohmann::json;

namespace {

// 20,000 packages (about 2.3 MB): zoom and kesl installed, skypeforlinux
// left as config-files, one not-installed and one damaged stanza.
std::string BigStatus() {
  std::string s;
  for (int i = 1; i <= 20000; ++i) {
    std::string name = "pkg" + std::to_string(i);
    std::string status = "install ok installed";
    if (i == 777) name = "zoom";
    if (i == 12345) name = "kesl";
    if (i == 19999) {
      name = "skypeforlinux";
      status = "deinstall ok config-files";
    }
    if (i == 5000) status = "purge ok not-installed";
    s += "Package: " + name + "\nStatus: " + status +
         "\nPriority: optional\nSection: misc\nInstalled-Size: 12\n"
         "Maintainer: Someone <someone@example.com>\nArchitecture: amd64\n"
         "Version: 1.0-" +
         std::to_string(i) + "\nDescription: a synthetic package\n";
    if (i == 9000) s += "this line is damaged\n";
    s += "\n";
  }
  return s;
}

}  // namespace

TEST_CASE(
    "a streamed status file: exact counts without --inventory, whole-file hash",
    "[e2e][dpkg][stream]") {
  TempDir dir;
  const std::string status = BigStatus();
  REQUIRE(status.size() > (2u << 20));
  dir.Write("root/var/lib/dpkg/status", status);
  const std::string root = ShellQuote(dir.path() + "/root");

  RunResult r =
      RunContraband("scan --no-progress --format json --hash " + root);
  INFO(r.err);
  REQUIRE(r.exit_code == 1);
  json j = ParseJson(r.out);
  // 20,000 stanzas, less the not-installed one; the damaged one keeps its
  // Status and is reported with a warning.
  CHECK(j["stats"]["software"] == 19999);
  CHECK(j["stats"]["files_read"] == 1);
  CHECK(j["stats"]["bytes_read"] == status.size());
  CHECK_FALSE(j.contains("software"));
  REQUIRE(j["warnings"].size() == 1);
  CHECK(j["warnings"][0]["message"].get<std::string>().find("pkg9000") !=
        std::string::npos);
  std::vector<std::string> ids;
  for (const json& f : j["findings"]) {
    ids.push_back(f["software"]["id"]);
    CHECK(f["software"]["source_sha256"] == contraband::Sha256::Of(status));
  }
  CHECK(ids ==
        std::vector<std::string>{"kesl", "zoom"});  // residue: no finding

  json inv = ParseJson(
      RunContraband("scan --no-progress --format json --inventory --residue " +
                    root)
          .out);
  CHECK(inv["stats"]["software"] == 19999);
  REQUIRE(inv["software"].size() == 19999);
  CHECK(inv["findings"].size() == 3);
  CHECK_FALSE(inv["software"][0].contains("source_sha256"));  // no --hash

  RunResult text = RunContraband("inventory --no-progress " + root);
  CHECK(text.exit_code == 0);
  CHECK(text.out.find("19999 software records") != std::string::npos);
}
