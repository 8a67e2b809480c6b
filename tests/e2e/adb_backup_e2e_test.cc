// adb backups scanned by the real binary: backups of WeChat (com.tencent.mm)
// written here by support/make_adb_backup.py (python3 and the openssl tool,
// following AOSP's format 5), signed by a throwaway certificate made by
// openssl; plain, zlib-compressed, and encrypted (AES-256) — scanned with
// the right password, with none (a warning naming --password, exit 3) and
// with a wrong one (exit 3 saying so).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "support/test_support.h"

using namespace contraband::testing;

namespace {

std::string MakeCert(const TempDir& tmp) {
  const std::string der = tmp.path() + "/cert.der";
  const RunResult r = Run("openssl req -x509 -newkey rsa:2048 -nodes -keyout " +
                          ShellQuote(tmp.path() + "/key.pem") +
                          " -subj /CN=Throwaway -days 2 -outform DER -out " +
                          ShellQuote(der) + " 2>&1");
  REQUIRE(r.exit_code == 0);
  return der;
}

std::string Sha256Of(const std::string& path) {
  const RunResult r = Run("sha256sum " + ShellQuote(path));
  REQUIRE(r.exit_code == 0);
  return r.out.substr(0, 64);
}

std::string MakeBackup(const TempDir& tmp, const std::string& name,
                       const std::string& password, bool compressed,
                       const std::string& der) {
  const std::string out = tmp.path() + "/" + name;
  const RunResult r =
      Run("python3 " + ShellQuote(std::string(SOURCE_DIR) +
                                  "/tests/support/make_adb_backup.py") +
          " " + ShellQuote(out) + " " + ShellQuote(password) + " " +
          (compressed ? "1" : "0") + " com.tencent.mm 2480 " +
          ShellQuote(der) + " 2>&1");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  return out;
}

}  // namespace

TEST_CASE("adb backup of WeChat: plain, compressed, encrypted",
          "[android][adb-backup][e2e]") {
  TempDir tmp;
  const std::string der = MakeCert(tmp);
  const std::string cert = Sha256Of(der);
  struct Form {
    std::string file, args, format;
  };
  const std::vector<Form> forms = {
      {MakeBackup(tmp, "plain.ab", "-", false, der), "", "ab v5"},
      {MakeBackup(tmp, "zlib.ab", "-", true, der), "", "ab v5.zlib"},
      {MakeBackup(tmp, "enc.ab", "s3cret pw", true, der),
       "--password wrong --password 's3cret pw'", "ab v5.zlib.aes256"},
  };
  for (const Form& f : forms) {
    INFO(f.file);
    const RunResult r = RunContraband("scan --format json --hash " + f.args +
                                      " " + ShellQuote(f.file));
    INFO(r.err);
    CHECK(r.exit_code == 1);
    const nlohmann::json report = ParseJson(r.out);
    const auto& ev = report["scan"]["evidence"][0];
    CHECK(ev["kind"] == "adb-backup");
    CHECK(ev["format"] == f.format);
    CHECK(ev["sha256"] == Sha256Of(f.file));
    REQUIRE(report["findings"].size() == 1);
    const auto& sw = report["findings"][0]["software"];
    CHECK(report["findings"][0]["product"] == "wechat");
    CHECK(sw["id"] == "com.tencent.mm");
    CHECK(sw["version"] == "2480");
    CHECK(sw["signer"]["cert_sha256"] == cert);
    CHECK(sw["source"] == "/apps/com.tencent.mm/_manifest");
  }

  const std::string enc = forms[2].file;
  RunResult none = RunContraband("scan " + ShellQuote(enc));
  CHECK(none.exit_code == 3);
  CHECK(none.err.find("--password") != std::string::npos);
  RunResult wrong = RunContraband("scan --password nope " + ShellQuote(enc));
  CHECK(wrong.exit_code == 3);
  CHECK(wrong.err.find("wrong --password") != std::string::npos);
}
