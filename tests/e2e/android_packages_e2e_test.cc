// Android packages in a full-filesystem extraction: packages.xml (text, and
// again as ABX written by support/abx_writer) lists WeChat installed for the
// owner (user 0), Telegram installed only in a work profile (user 10), TikTok
// installed for no user (its code left on the device: residue) and a notes
// app nobody bans; each signed by a throwaway certificate made here by the
// openssl tool. Scanned by the real binary with the embedded catalog, as a
// folder and as a zip whose tree lies under a "Dump/" prefix, as forensic
// suites export it.
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "formats/android_xml.h"
#include "support/abx_writer.h"
#include "support/test_support.h"

using namespace contraband::testing;

namespace {

namespace fs = std::filesystem;

std::string PackageXml(const std::string& name, const std::string& version,
                       const std::string& uid, const std::string& cert) {
  return "    <package name=\"" + name + "\" codePath=\"/data/app/" + name +
         "-Xy==\" ft=\"18a1b2c3d40\" it=\"18a1b2c3d40\" ut=\"18b00000000\" "
         "version=\"" + version + "\" userId=\"" + uid +
         "\" installer=\"com.android.vending\">\n"
         "        <sigs count=\"1\" schemeVersion=\"2\">\n"
         "            <cert index=\"0\"" + cert + " />\n"
         "        </sigs>\n    </package>\n";
}

std::string Restrictions(const std::string& pkgs) {
  return "<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n"
         "<package-restrictions>\n" + pkgs + "</package-restrictions>\n";
}

// The tree under `root`: text XML, or every XML file as ABX.
void WriteTree(const std::string& root, const std::string& cert_hex,
               bool abx) {
  const std::string key = " key=\"" + cert_hex + "\"";
  const std::string packages =
      "<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n<packages>\n" +
      PackageXml("com.tencent.mm", "2480", "10100", key) +
      PackageXml("org.telegram.messenger", "4000", "10101", "") +
      PackageXml("com.zhiliaoapp.musically", "300", "10102", "") +
      PackageXml("com.example.notes", "7", "10103", "") + "</packages>\n";
  const std::string user0 = Restrictions(
      "<pkg name=\"org.telegram.messenger\" inst=\"false\"/>\n"
      "<pkg name=\"com.zhiliaoapp.musically\" inst=\"false\"/>\n");
  const std::string user10 = Restrictions(
      "<pkg name=\"com.tencent.mm\" inst=\"false\"/>\n"
      "<pkg name=\"com.zhiliaoapp.musically\" inst=\"false\" stopped=\"true\"/>\n"
      "<pkg name=\"com.example.notes\" inst=\"false\"/>\n");
  auto encode = [&](const std::string& xml) {
    return abx ? AndroidXmlToAbx(contraband::ParseAndroidXml(xml).root) : xml;
  };
  const std::map<std::string, std::string> files = {
      {"/data/system/packages.xml", encode(packages)},
      {"/data/system/users/0/package-restrictions.xml", encode(user0)},
      {"/data/system/users/10/package-restrictions.xml", encode(user10)},
  };
  for (const auto& [path, data] : files) {
    fs::create_directories(fs::path(root + path).parent_path());
    WriteHostFile(root + path, data);
  }
}

void CheckFindings(const nlohmann::json& report, const std::string& cert,
                   bool residue) {
  std::map<std::string, nlohmann::json> found;  // product -> software
  for (const nlohmann::json& f : report["findings"]) {
    INFO(f.dump());
    const std::string product = f["product"];
    CHECK(found.count(product) == 0);  // one user each
    found[product] = f["software"];
  }
  REQUIRE(found.size() == (residue ? 3u : 2u));
  REQUIRE(found.count("wechat") == 1);
  REQUIRE(found.count("telegram") == 1);
  const nlohmann::json& wechat = found["wechat"];
  CHECK(wechat["ecosystem"] == "android");
  CHECK(wechat["id"] == "com.tencent.mm");
  CHECK(wechat["user"] == "0");
  CHECK(wechat["version"] == "2480");
  CHECK(wechat["state"] == "installed");
  CHECK(wechat["installed_at"] == "2023-08-22T02:56:38Z");
  CHECK(wechat["location"] == "/data/app/com.tencent.mm-Xy==");
  CHECK(wechat["signer"]["cert_sha256"] == cert);
  CHECK(wechat["signer"]["subject"] == "Throwaway");  // openssl -subj
  const nlohmann::json& telegram = found["telegram"];
  CHECK(telegram["user"] == "10");
  CHECK(telegram["state"] == "installed");
  CHECK(telegram["signer"]["cert_sha256"] == cert);  // by index only
  if (residue) {
    REQUIRE(found.count("tiktok") == 1);
    CHECK(found["tiktok"]["state"] == "residue");
    CHECK(found["tiktok"]["user"] == "");
  }
}

}  // namespace

TEST_CASE(
    "android-packages: per-user findings from packages.xml (text and ABX), "
    "as a folder and as a zip under Dump/",
    "[android][e2e]") {
  if (!HaveTool("openssl")) {
    WARN("openssl absent: skipped");
    return;
  }
  TempDir dir;
  RunResult made = Run(
      "cd " + ShellQuote(dir.path()) +
      " && openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem "
      "-subj /CN=Throwaway -days 2 -outform DER -out cert.der 2>/dev/null"
      " && od -An -v -tx1 cert.der | tr -d ' \\n' > cert.hex"
      " && sha256sum cert.der | cut -c1-64 > cert.sha256");
  REQUIRE(made.exit_code == 0);
  const std::string cert_hex = ReadHostFile(dir.path() + "/cert.hex");
  std::string cert = ReadHostFile(dir.path() + "/cert.sha256");
  cert.resize(64);
  REQUIRE(cert_hex.size() > 200);

  for (bool abx : {false, true}) {
    INFO((abx ? "ABX" : "text"));
    const std::string name = abx ? "abx" : "text";
    const std::string root = dir.path() + "/" + name + "/Dump";
    WriteTree(root, cert_hex, abx);

    RunResult folder =
        RunContraband("scan --format json " + ShellQuote(root));
    INFO(folder.err);
    CHECK(folder.exit_code == 1);
    CheckFindings(ParseJson(folder.out), cert, false);
    CHECK(folder.out.find("com.zhiliaoapp.musically is on the device but "
                          "installed for no user") != std::string::npos);
    RunResult with_residue =
        RunContraband("scan --residue --format json " + ShellQuote(root));
    CheckFindings(ParseJson(with_residue.out), cert, true);

    if (!HaveTool("zip")) {
      WARN("zip absent: the archive half is skipped");
      continue;
    }
    RunResult z = Run("cd " + ShellQuote(dir.path() + "/" + name) +
                      " && zip -qr ../" + name + ".zip Dump");
    REQUIRE(z.exit_code == 0);
    RunResult zipped = RunContraband(
        "scan --format json " + ShellQuote(dir.path() + "/" + name + ".zip"));
    INFO(zipped.err);
    CHECK(zipped.exit_code == 1);
    CheckFindings(ParseJson(zipped.out), cert, false);
  }
}
