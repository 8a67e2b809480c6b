// A tiny Windows program built in the test with MinGW (x86_64-w64-mingw32-gcc
// and a windres version resource that names no vendor), signed with
// osslsigncode by a throwaway certificate whose subject is Zoom's, renamed
// setup.exe and put in alice's Downloads; bob's Downloads has the same
// program unsigned. Scanned by the real binary as a folder and as a zip with
// a test catalog whose only rule is on the signer: alice's file is found (by
// signer alone), bob's is not, and the signer read is the one osslsigncode
// verify prints and the certificate digest the one openssl computes.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/test_support.h"

using namespace contraband::testing;

namespace {

constexpr const char* kSubjectCn = "Zoom Video Communications, Inc.";

// A version resource that says nothing about Zoom: only the signer can.
constexpr const char* kVersionRc = R"(1 VERSIONINFO
FILEVERSION 1,2,3,4
PRODUCTVERSION 1,2,3,4
BEGIN
  BLOCK "StringFileInfo"
  BEGIN
    BLOCK "040904b0"
    BEGIN
      VALUE "CompanyName", "Example Tools"
      VALUE "FileDescription", "Tiny test program"
      VALUE "FileVersion", "1.2.3.4"
      VALUE "OriginalFilename", "tiny.exe"
      VALUE "ProductName", "Tiny"
      VALUE "ProductVersion", "1.2.3"
    END
  END
  BLOCK "VarFileInfo"
  BEGIN
    VALUE "Translation", 0x409, 1200
  END
END
)";

struct Built {
  std::string signed_exe;
  std::string unsigned_exe;
  std::string cert_sha256;     ///< openssl x509 -fingerprint -sha256, lower hex
  std::string verify_subject;  ///< CN as osslsigncode verify prints it
};

std::string Trim(std::string s) {
  while (!s.empty() &&
         (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) {
    s.pop_back();
  }
  return s;
}

Built BuildSignedProgram(const TempDir& dir) {
  const std::string d = ShellQuote(dir.path());
  dir.Write("tiny.c", "int main(void) { return 0; }\n");
  dir.Write("version.rc", kVersionRc);
  RunResult cc = Run("cd " + d +
                     " && x86_64-w64-mingw32-windres version.rc -O coff -o "
                     "version.o && x86_64-w64-mingw32-gcc -O2 -s tiny.c "
                     "version.o -o tiny.exe");
  INFO(cc.err);
  REQUIRE(cc.exit_code == 0);
  RunResult cert =
      Run("cd " + d +
          " && openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out "
          "cert.pem -days 2 -subj '/CN=" +
          std::string(kSubjectCn) + "/O=" + kSubjectCn + "' 2>&1");
  INFO(cert.out);
  REQUIRE(cert.exit_code == 0);
  RunResult sign = Run("cd " + d +
                       " && osslsigncode sign -certs cert.pem -key key.pem -h "
                       "sha256 -n Tiny -in tiny.exe -out signed.exe");
  INFO(sign.out + sign.err);
  REQUIRE(sign.exit_code == 0);

  Built b;
  b.signed_exe = dir.path() + "/signed.exe";
  b.unsigned_exe = dir.path() + "/tiny.exe";
  // The certificate digest the way an examiner gets it from the file.
  RunResult fp =
      Run("cd " + d +
          " && osslsigncode extract-signature -in signed.exe -out sig.p7 "
          ">/dev/null && openssl pkcs7 -inform DER -in sig.p7 -print_certs | "
          "openssl x509 -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | "
          "tr A-F a-f");
  REQUIRE(fp.exit_code == 0);
  b.cert_sha256 = Trim(fp.out);
  REQUIRE(b.cert_sha256.size() == 64);
  // osslsigncode verify fails on the untrusted chain but prints the signer:
  // "Subject: /CN=Zoom Video Communications, Inc./O=...".
  RunResult verify =
      Run("osslsigncode verify -in " + ShellQuote(b.signed_exe) + " 2>&1");
  const std::string& out = verify.out;
  const size_t at = out.find("Subject: /CN=");
  INFO(out);
  REQUIRE(at != std::string::npos);
  const size_t from = at + std::string("Subject: /CN=").size();
  b.verify_subject = out.substr(from, out.find("/O=", from) - from);
  return b;
}

std::string BuildTree(const TempDir& dir, const Built& b) {
  namespace fs = std::filesystem;
  const std::string root = dir.path() + "/root";
  fs::create_directories(root + "/Windows/System32");
  fs::create_directories(root + "/Users/alice/Downloads");
  fs::create_directories(root + "/Users/bob/Downloads");
  fs::copy_file(b.signed_exe, root + "/Users/alice/Downloads/setup.exe");
  fs::copy_file(b.unsigned_exe, root + "/Users/bob/Downloads/setup.exe");
  return root;
}

// A catalog with one product whose one rule is `field` equal to `value`,
// for installer records only.
std::string WriteCatalog(const TempDir& dir, const std::string& name,
                         const std::string& field, const std::string& value) {
  const std::string products = "catalog-" + name + "/products";
  nlohmann::json product = {{"schema", "contraband/product/v1"},
                            {"id", "zoom"},
                            {"name", "Zoom"},
                            {"vendor", "Zoom Video Communications"},
                            {"rules",
                             {{{"ecosystem", "installer"},
                               {"field", field},
                               {"equals", {value}},
                               {"confidence", "high"}}}}};
  dir.Write(products + "/zoom.json", product.dump());
  return dir.path() + "/" + products;
}

void CheckFoundBySigner(const RunResult& r, const Built& b) {
  INFO(r.err);
  CHECK(r.exit_code == 1);
  const nlohmann::json report = ParseJson(r.out);
  REQUIRE(report["findings"].size() == 1);  // alice's, never bob's
  const nlohmann::json& f = report["findings"][0];
  CHECK(f["product"] == "zoom");
  const nlohmann::json& sw = f["software"];
  CHECK(sw["ecosystem"] == "installer");
  CHECK(sw["source"] == "/Users/alice/Downloads/setup.exe");
  CHECK(sw["user"] == "alice");
  CHECK(sw["id"] == "tiny.exe");  // OriginalFilename survives the rename
  CHECK(sw["name"] == "Tiny");
  CHECK(sw["version"] == "1.2.3");
  CHECK(sw["publisher"] == "Example Tools");
  CHECK(sw["signer"]["subject"] == b.verify_subject);
  CHECK(sw["signer"]["subject"] == kSubjectCn);
  CHECK(sw["signer"]["cert_sha256"] == b.cert_sha256);
}

}  // namespace

TEST_CASE("windows executables: a signed setup.exe found by its signer alone",
          "[e2e][windows-executables]") {
  for (const char* tool :
       {"x86_64-w64-mingw32-gcc", "x86_64-w64-mingw32-windres", "osslsigncode",
        "openssl"}) {
    if (!HaveTool(tool)) {
      WARN(std::string(tool) + " absent: skipped");
      return;
    }
  }
  TempDir dir;
  const Built b = BuildSignedProgram(dir);
  CHECK(b.verify_subject == kSubjectCn);
  const std::string root = BuildTree(dir, b);
  const std::string by_subject =
      WriteCatalog(dir, "subject", "subject", kSubjectCn);
  const std::string by_cert =
      WriteCatalog(dir, "cert", "cert_sha256", b.cert_sha256);

  SECTION("as a folder, matched on the subject") {
    CheckFoundBySigner(
        RunContraband("scan --format json --catalog " + ShellQuote(by_subject) +
                      " " + ShellQuote(root)),
        b);
  }
  SECTION("as a folder, matched on the certificate digest") {
    CheckFoundBySigner(
        RunContraband("scan --format json --catalog " + ShellQuote(by_cert) +
                      " " + ShellQuote(root)),
        b);
  }
  SECTION("bob's unsigned copy is inventory, not a finding") {
    RunResult inv =
        RunContraband("inventory --format json --catalog " +
                      ShellQuote(by_subject) + " " + ShellQuote(root));
    INFO(inv.err);
    const nlohmann::json inventory = ParseJson(inv.out);
    bool bob = false;
    for (const nlohmann::json& sw : inventory["software"]) {
      if (sw["source"] != "/Users/bob/Downloads/setup.exe") continue;
      bob = true;
      CHECK(sw["user"] == "bob");
      CHECK(sw["id"] == "tiny.exe");
      CHECK(sw["signer"]["subject"] == "");
      CHECK(sw["signer"]["cert_sha256"] == "");
    }
    CHECK(bob);
  }
  SECTION("as a zip") {
    if (!HaveTool("zip")) {
      WARN("zip absent: the archive half is skipped");
      return;
    }
    RunResult z = Run("cd " + ShellQuote(root) +
                      " && zip -qr ../windows.zip Windows Users");
    REQUIRE(z.exit_code == 0);
    CheckFoundBySigner(
        RunContraband("scan --format json --catalog " + ShellQuote(by_subject) +
                      " " + ShellQuote(dir.path() + "/windows.zip")),
        b);
  }
  SECTION("in a FAT file system image (read in place, ranges only)") {
    if (!HaveTool("mkfs.fat") || !HaveTool("mcopy")) {
      WARN("mkfs.fat or mcopy absent: the image half is skipped");
      return;
    }
    RunResult img = Run("cd " + ShellQuote(dir.path()) +
                        " && truncate -s 32M fat.img && mkfs.fat fat.img "
                        ">/dev/null && mcopy -s -i fat.img root/Windows "
                        "root/Users ::/");
    INFO(img.out + img.err);
    REQUIRE(img.exit_code == 0);
    RunResult r =
        RunContraband("scan --format json --catalog " + ShellQuote(by_subject) +
                      " " + ShellQuote(dir.path() + "/fat.img"));
    INFO(r.err);
    CHECK(r.exit_code == 1);
    const nlohmann::json report = ParseJson(r.out);
    REQUIRE(report["findings"].size() == 1);
    const nlohmann::json& sw = report["findings"][0]["software"];
    CHECK(sw["source"] == "/Users/alice/Downloads/setup.exe");
    CHECK(sw["signer"]["subject"] == b.verify_subject);
    CHECK(sw["signer"]["cert_sha256"] == b.cert_sha256);
  }
}
