// Android acquisitions without root, scanned by the real binary with the
// embedded catalog: MVT's androidqf collection (WhatsApp with its vendor
// certificate, from packages.json) as a folder and as a zip made here by
// python3's zipfile under a top folder; MVT's bugreport folder, the same as a
// zip, and its dumpstate.txt alone (kinds "androidqf", "bugreport").
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "support/test_support.h"

using namespace contraband::testing;

namespace {

namespace fs = std::filesystem;

nlohmann::json Scan(const std::string& evidence) {
  const RunResult r = RunContraband("scan --inventory --format json " +
                                    ShellQuote(evidence));
  INFO(r.err);
  REQUIRE((r.exit_code == 0 || r.exit_code == 1));
  return ParseJson(r.out);
}

void Zip(const std::string& from, const std::string& top,
         const std::string& zip) {
  const RunResult r = Run(
      "python3 -c 'import sys,zipfile,os\n"
      "src,top,out=sys.argv[1:4]\n"
      "with zipfile.ZipFile(out,\"w\",zipfile.ZIP_DEFLATED) as z:\n"
      "  for n in sorted(os.listdir(src)):\n"
      "    z.write(os.path.join(src,n),(top+\"/\" if top else \"\")+n)' " +
      ShellQuote(from) + " " + ShellQuote(top) + " " + ShellQuote(zip));
  REQUIRE(r.exit_code == 0);
}

}  // namespace

TEST_CASE("androidqf folder and zip: WhatsApp with its certificate",
          "[android][dumpsys][e2e]") {
  const auto dir = CorpusPath("android/mvt/androidqf");
  SKIP_UNLESS_CORPUS(dir);
  TempDir tmp;
  const std::string zip = tmp.path() + "/collection.zip";
  Zip(*dir, "2b3c8a1e-acquisition", zip);
  for (const std::string& evidence : {*dir, zip}) {
    INFO(evidence);
    const RunResult r = RunContraband("scan --inventory --format json " +
                                      ShellQuote(evidence));
    INFO(r.err);
    CHECK(r.exit_code == 1);  // WhatsApp is installed
    const nlohmann::json report = ParseJson(r.out);
    CHECK(report["scan"]["evidence"][0]["kind"] == "androidqf");
    size_t whatsapp = 0;
    for (const auto& f : report["findings"]) {
      INFO(f.dump());
      CHECK(f["product"] == "whatsapp");
      CHECK(f["software"]["signer"]["cert_sha256"] ==
            "3987d043d10aefaf5a8710b3671418fe57e0e19b653c9df82558feb5ffce5d44");
      CHECK(f["software"]["ecosystem"] == "android");
      ++whatsapp;
    }
    CHECK(whatsapp == 1);
    CHECK(report["stats"]["software"] == 9);
  }
}

TEST_CASE("bugreport folder, zip and bare dumpstate.txt",
          "[android][dumpsys][e2e]") {
  const auto dir = CorpusPath("android/mvt/bugreport");
  SKIP_UNLESS_CORPUS(dir);
  TempDir tmp;
  const std::string zip = tmp.path() + "/bugreport-x.zip";
  Zip(*dir, "", zip);
  for (const std::string& evidence :
       {*dir, zip, *dir + "/dumpstate.txt"}) {
    INFO(evidence);
    const nlohmann::json report = Scan(evidence);
    CHECK(report["scan"]["evidence"][0]["kind"] == "bugreport");
    bool instagram = false;
    for (const auto& s : report["software"]) {
      if (s["id"] != "com.instagram.android") continue;
      instagram = true;
      CHECK(s["version"] == "241.1.0.18.114");
      CHECK(s["user"] == "0");
      CHECK(s["installed_at"] == "2020-06-12T00:41:34");
    }
    CHECK(instagram);
    CHECK(report["stats"]["software"] == 2);
  }
}

TEST_CASE("a text file that is no Android dump is of no kind",
          "[android][dumpsys][e2e]") {
  TempDir tmp;
  const std::string path = tmp.Write("notes.txt", "Packages:\nnone\n");
  const RunResult r = RunContraband("scan " + ShellQuote(path));
  CHECK(r.exit_code == 3);
}
