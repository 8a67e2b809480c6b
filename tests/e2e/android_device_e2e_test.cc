// Which phone the evidence is, in the report's evidence summary: a
// full-filesystem extraction with /system/build.prop, and an androidqf-style
// folder whose getprop.txt is what `adb shell getprop` prints, scanned by the
// real binary (JSON, text, HTML) as folders and as a zip.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "support/test_support.h"

using namespace contraband::testing;

namespace {
namespace fs = std::filesystem;

constexpr char kFingerprint[] =
    "samsung/a52qxx/a52q:13/TP1A.220624.014/A525FXXU6DWB1:user/release-keys";

void Write(const std::string& path, const std::string& data) {
  fs::create_directories(fs::path(path).parent_path());
  WriteHostFile(path, data);
}
}  // namespace

TEST_CASE(
    "android device: maker, model, version, serial in the evidence "
    "summary",
    "[android][device][e2e]") {
  TempDir dir;
  const std::string extraction = dir.path() + "/extraction/Dump";
  Write(
      extraction + "/system/build.prop",
      std::string("# begin build properties\nro.product.system.model=SM-A525F\n"
                  "ro.product.system.manufacturer=samsung\n"
                  "ro.system.build.version.release=13\n"
                  "ro.system.build.fingerprint=") +
          kFingerprint + "\n");
  Write(extraction + "/data/system/packages.list",
        "com.example.notes 10100 0 /data/user/0/com.example.notes\n");
  const std::string qf = dir.path() + "/androidqf";
  Write(qf + "/getprop.txt",
        "[ro.product.model]: [Pixel 7]\n[ro.product.manufacturer]: [Google]\n"
        "[ro.build.version.release]: [14]\n[ro.serialno]: [28131FDH2000AB]\n");
  Write(qf + "/packages.json", "[]");

  RunResult json = RunContraband("scan --format json " +
                                 ShellQuote(extraction) + " " + ShellQuote(qf));
  INFO(json.err);
  CHECK(json.exit_code == 0);
  const nlohmann::json report = ParseJson(json.out);
  const nlohmann::json& evidence = report["scan"]["evidence"];
  REQUIRE(evidence.size() == 2);
  REQUIRE(evidence[0]["devices"].size() == 1);
  const nlohmann::json& phone = evidence[0]["devices"][0];
  CHECK(phone["manufacturer"] == "samsung");
  CHECK(phone["model"] == "SM-A525F");
  CHECK(phone["os_version"] == "13");
  CHECK(phone["build_fingerprint"] == kFingerprint);
  CHECK(phone["serial"] == "");
  CHECK(phone["source"] == "/system/build.prop");
  REQUIRE(evidence[1]["devices"].size() == 1);
  CHECK(evidence[1]["devices"][0]["serial"] == "28131FDH2000AB");
  CHECK(evidence[1]["devices"][0]["source"] == "/getprop.txt");

  RunResult text = RunContraband("scan " + ShellQuote(qf));
  CHECK(text.out.find("  device: Google Pixel 7, Android 14, serial "
                      "28131FDH2000AB (/getprop.txt)\n") != std::string::npos);
  RunResult html = RunContraband("scan --format html " + ShellQuote(qf));
  CHECK(html.out.find("device: Google Pixel 7, Android 14") !=
        std::string::npos);

  if (!HaveTool("zip")) {
    WARN("zip absent: the archive half is skipped");
    return;
  }
  REQUIRE(Run("cd " + ShellQuote(dir.path() + "/extraction") +
              " && zip -qr ../extraction.zip Dump")
              .exit_code == 0);
  RunResult zipped = RunContraband("scan --format json " +
                                   ShellQuote(dir.path() + "/extraction.zip"));
  INFO(zipped.err);
  const nlohmann::json z = ParseJson(zipped.out);
  REQUIRE(z["scan"]["evidence"][0]["devices"].size() == 1);
  CHECK(z["scan"]["evidence"][0]["devices"][0]["model"] == "SM-A525F");
}
