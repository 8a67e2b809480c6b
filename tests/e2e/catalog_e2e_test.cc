// The catalog from the command line: --policy ca-tbs-2023 on a phone with
// WeChat, TikTok and WhatsApp reports only WeChat; a revoked policy warns;
// a signed catalog folder is verified, and one tampered byte is refused with
// exit status 2 naming the signature file; coverage shows no GAP for the
// seed products.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "support/test_support.h"

using namespace contraband::testing;

namespace {

namespace fs = std::filesystem;

std::string Package(const std::string& name, const std::string& uid) {
  return "    <package name=\"" + name + "\" codePath=\"/data/app/" + name +
         "-Ab==\" ft=\"18a1b2c3d40\" it=\"18a1b2c3d40\" ut=\"18b00000000\" "
         "version=\"100\" userId=\"" + uid +
         "\" installer=\"com.android.vending\" />\n";
}

// A phone extraction: WeChat, TikTok and WhatsApp installed for user 0.
std::string WritePhone(const TempDir& dir) {
  const std::string root = dir.path() + "/phone";
  fs::create_directories(root + "/data/system");
  WriteHostFile(root + "/data/system/packages.xml",
                "<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n<packages>\n" +
                    Package("com.tencent.mm", "10100") +
                    Package("com.zhiliaoapp.musically", "10101") +
                    Package("com.whatsapp", "10102") + "</packages>\n");
  return root;
}

std::string Signatures() { return std::string(SOURCE_DIR) + "/signatures"; }

}  // namespace

TEST_CASE("catalog e2e: --policy ca-tbs-2023 on a phone reports only WeChat",
          "[catalog][e2e]") {
  TempDir dir;
  const std::string phone = WritePhone(dir);
  RunResult all = RunContraband("scan --format json " + ShellQuote(phone));
  REQUIRE(all.exit_code == 1);
  CHECK(ParseJson(all.out)["findings"].size() == 3);

  RunResult r = RunContraband("scan --format json --policy ca-tbs-2023 " + ShellQuote(phone));
  INFO(r.err);
  REQUIRE(r.exit_code == 1);
  nlohmann::json report = ParseJson(r.out);
  REQUIRE(report["findings"].size() == 1);
  const nlohmann::json& f = report["findings"][0];
  CHECK(f["product"] == "wechat");
  CHECK(f["software"]["id"] == "com.tencent.mm");
  // Every policy naming WeChat, not only the one asked for.
  const nlohmann::json& pols = f["policies"];
  for (const char* id : {"ca-tbs-2023", "in-meity-2020", "ru-foreign-messengers-2023",
                         "tx-prohibited-tech", "us-eo-13943-2020", "us-eo-13971-2021"}) {
    INFO(id);
    CHECK(std::find(pols.begin(), pols.end(), id) != pols.end());
  }
  CHECK(report["warnings"].empty());
}

TEST_CASE("catalog e2e: --policy of a revoked executive order warns", "[catalog][e2e]") {
  TempDir dir;
  const std::string phone = WritePhone(dir);
  RunResult r = RunContraband("scan --format json --policy us-eo-13942-2020 " + ShellQuote(phone));
  REQUIRE(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("--policy us-eo-13942-2020"));
  CHECK_THAT(r.err, Catch::Contains("revoked on 2021-06-09"));
  nlohmann::json report = ParseJson(r.out);
  REQUIRE(report["findings"].size() == 1);
  CHECK(report["findings"][0]["product"] == "tiktok");
  REQUIRE(report["warnings"].size() == 1);
  CHECK(report["warnings"][0]["collector"] == "catalog");
  CHECK_THAT(report["warnings"][0]["message"].get<std::string>(),
             Catch::Contains("revoked on 2021-06-09"));
  // An in-force policy does not warn.
  RunResult ok = RunContraband("scan --format json --policy ca-tbs-2023 " + ShellQuote(phone));
  CHECK(ok.err.find("revoked") == std::string::npos);
}

TEST_CASE("catalog e2e: a signed catalog verifies and a tampered one is refused",
          "[catalog][e2e]") {
  if (!HaveTool("openssl")) {
    WARN("openssl not installed: skipped");
    return;
  }
  TempDir dir;
  const std::string cat = dir.path() + "/catalog";
  fs::copy(Signatures(), cat, fs::copy_options::recursive);
  const std::string priv = dir.path() + "/priv.pem", pub = dir.path() + "/pub.pem";
  REQUIRE(Run("openssl genpkey -algorithm ed25519 -out " + ShellQuote(priv)).exit_code == 0);
  REQUIRE(Run("openssl pkey -in " + ShellQuote(priv) + " -pubout -out " + ShellQuote(pub)).exit_code == 0);
  const std::string phone = WritePhone(dir);
  const std::string scan = "scan --format json --catalog " + ShellQuote(cat) +
                           " --catalog-key " + ShellQuote(pub) + " " + ShellQuote(phone);

  // Unsigned: refused, naming the missing signature file.
  RunResult unsigned_run = RunContraband(scan);
  CHECK(unsigned_run.exit_code == 2);
  CHECK_THAT(unsigned_run.err, Catch::Contains(cat + "/catalog.sig: missing"));

  RunResult s = RunContraband("catalog sign " + ShellQuote(cat) + " --key " + ShellQuote(priv));
  INFO(s.err);
  REQUIRE(s.exit_code == 0);
  CHECK(fs::file_size(cat + "/catalog.sig") == 64);
  RunResult v = RunContraband("catalog verify " + ShellQuote(cat) + " --key " + ShellQuote(pub));
  CHECK(v.exit_code == 0);
  CHECK_THAT(v.out, Catch::Contains("signature good"));
  RunResult good = RunContraband(scan);
  CHECK(good.exit_code == 1);
  CHECK(ParseJson(good.out)["findings"].size() == 3);

  // Another key: refused.
  const std::string other = dir.path() + "/other.pem", other_pub = dir.path() + "/other-pub.pem";
  REQUIRE(Run("openssl genpkey -algorithm ed25519 -out " + ShellQuote(other)).exit_code == 0);
  REQUIRE(Run("openssl pkey -in " + ShellQuote(other) + " -pubout -out " + ShellQuote(other_pub)).exit_code == 0);
  CHECK(RunContraband("catalog verify " + ShellQuote(cat) + " --key " + ShellQuote(other_pub)).exit_code == 2);

  // One byte of one product file changed (a letter of a bundle id): refused.
  const std::string zoom = cat + "/products/zoom.json";
  std::string bytes = ReadHostFile(zoom);
  const size_t at = bytes.find("us.zoom.xos");
  REQUIRE(at != std::string::npos);
  bytes[at] = 'U';
  WriteHostFile(zoom, bytes);
  RunResult tampered = RunContraband(scan);
  CHECK(tampered.exit_code == 2);
  CHECK_THAT(tampered.err, Catch::Contains(cat + "/catalog.sig: the signature does not match"));
  CHECK(tampered.out.empty());
  CHECK(RunContraband("catalog verify " + ShellQuote(cat) + " --key " + ShellQuote(pub)).exit_code == 2);
}

TEST_CASE("catalog e2e: coverage shows no GAP for the seed products", "[catalog][e2e]") {
  RunResult t = RunContraband("catalog coverage");
  REQUIRE(t.exit_code == 0);
  CHECK_THAT(t.out, Catch::Contains("PRODUCT"));
  RunResult r = RunContraband("catalog coverage --format json");
  REQUIRE(r.exit_code == 0);
  nlohmann::json j = ParseJson(r.out);
  int seeds = 0;
  for (const nlohmann::json& p : j["products"]) {
    const std::string id = p["id"];
    for (auto& [platform, cell] : p["platforms"].items()) {
      INFO(id << " " << platform << " " << cell.dump());
      // A shipped platform without a high rule always says why.
      if (cell["ships"] == true && cell["high"] == false) CHECK(cell.contains("reason"));
      if (id == "kaspersky" || id == "wechat" || id == "tiktok" || id == "whatsapp" ||
          id == "skype" || id == "zoom") {
        CHECK(cell["status"] != "gap");
        if (cell["ships"] == true) CHECK(cell["high"] == true);
      }
    }
    if (id == "zoom") {
      ++seeds;
      CHECK(p["platforms"]["macos"]["strongest"] == "signer");
    }
    if (id == "whatsapp") CHECK(p["platforms"]["linux"]["status"] == "n/a");
  }
  CHECK(seeds == 1);
}

TEST_CASE("catalog e2e: list shows ban counts and platforms, show groups rules by platform",
          "[catalog][e2e]") {
  RunResult l = RunContraband("catalog list");
  REQUIRE(l.exit_code == 0);
  CHECK_THAT(l.out, Catch::Contains("9 bans"));  // kaspersky
  CHECK_THAT(l.out, Catch::Contains("ships on: windows, macos, ios, android"));  // whatsapp
  CHECK_THAT(l.out, Catch::Contains("(REVOKED 2021-06-09)"));
  RunResult j = RunContraband("catalog show wechat");
  REQUIRE(j.exit_code == 0);
  nlohmann::json w = ParseJson(j.out);
  CHECK(w["rules_by_platform"].contains("linux"));
  CHECK(w["rules_by_platform"]["android"][0]["equals"][0] == "com.tencent.mm");
  CHECK(w["platforms"]["linux"]["ships"] == true);
  CHECK(w["bans"][1]["revoked_date"] == "2021-06-09");
  CHECK(w["bans"][1]["status"] == "revoked");
}
