// adb backups (formats/adb_backup): MVT's real samples (an unencrypted
// zlib backup of SMS data, and an encrypted format-5 backup whose password,
// "123456", MVT's tests give; the expected certificate digest was computed
// with python3's cryptography module, decrypting independently), headers
// and manifests written here, and damaged input.
#include <catch2/catch.hpp>

#include "formats/adb_backup.h"
#include "support/test_support.h"

using namespace contraband;
using contraband::testing::CorpusPath;
using contraband::testing::ReadHostFile;

namespace {

struct Read {
  std::vector<AdbBackupMember> members;
  std::string damage;
};

Read ReadAll(const std::string& file, const std::string* password) {
  const AdbBackupHeader h = ParseAdbBackupHeader(file);
  size_t at = h.payload_offset;
  Read r;
  r.damage = ReadAdbBackupPayload(
      h, password,
      [&](char* buf, size_t n) {
        const size_t got = std::min(n, file.size() - at);
        std::copy_n(file.data() + at, got, buf);
        at += got;
        return got;
      },
      [](std::string_view name) { return name.ends_with("_manifest"); },
      [&](AdbBackupMember m) { r.members.push_back(std::move(m)); });
  return r;
}

}  // namespace

TEST_CASE("adb backup: MVT's plain and encrypted samples",
          "[android][adb-backup]") {
  const auto plain = CorpusPath("android/mvt/android_backup/backup.ab");
  const auto enc = CorpusPath("android/mvt/android_backup/backup_encrypted.ab");
  SKIP_UNLESS_CORPUS(plain, enc);
  const std::string p = ReadHostFile(*plain);
  const AdbBackupHeader ph = ParseAdbBackupHeader(p);
  CHECK(ph.version == 1);
  CHECK(ph.compressed);
  CHECK_FALSE(ph.encrypted);
  const Read pr = ReadAll(p, nullptr);
  CHECK(pr.damage.empty());
  CHECK(pr.members.empty());  // SMS data only, no _manifest

  const std::string e = ReadHostFile(*enc);
  const AdbBackupHeader eh = ParseAdbBackupHeader(e);
  CHECK(eh.version == 5);
  CHECK(eh.encrypted);
  CHECK_FALSE(eh.compressed);
  CHECK(eh.rounds == 10000);
  CHECK(eh.user_salt.size() == 64);
  CHECK_THROWS_WITH(ReadAll(e, nullptr), Catch::Contains("--password"));
  const std::string wrong = "654321";
  CHECK_THROWS_AS(ReadAll(e, &wrong), AdbBackupWrongPassword);
  const std::string right = "123456";
  const Read er = ReadAll(e, &right);
  CHECK(er.damage.empty());
  REQUIRE(er.members.size() == 1);
  CHECK(er.members[0].name == "apps/com.android.providers.telephony/_manifest");
  const AdbBackupApp app = ParseAdbBackupManifest(er.members[0].data);
  CHECK(app.package == "com.android.providers.telephony");
  CHECK(app.version_code == "29");
  CHECK(app.platform_sdk == "29");
  CHECK(app.installer.empty());
  CHECK_FALSE(app.has_apk);
  CHECK(app.cert_sha256 ==
        std::vector<std::string>{
            "34df0e7a9f1cf1892e45c056b4973cd81ccf148a4050d11aea4ac5a65f900a42"});

  // Cut short: what was read before is kept, the damage is said.
  const Read cut = ReadAll(e.substr(0, eh.payload_offset + 1500), &right);
  CHECK_FALSE(cut.damage.empty());
}

TEST_CASE("adb backup headers and manifests refuse damage",
          "[android][adb-backup]") {
  CHECK_FALSE(LooksLikeAdbBackup("ANDROID BACKUP"));
  CHECK_THROWS_AS(ParseAdbBackupHeader("ANDROID BACKUP\n5\n"), ParseError);
  CHECK_THROWS_AS(ParseAdbBackupHeader("ANDROID BACKUP\nx\n1\nnone\n"),
                  ParseError);
  CHECK_THROWS_WITH(ParseAdbBackupHeader("ANDROID BACKUP\n5\n1\nDES\n"),
                    Catch::Contains("unknown encryption"));
  CHECK_THROWS_AS(ParseAdbBackupHeader(
                      "ANDROID BACKUP\n5\n1\nAES-256\nzz\n00\n1\n00\n00\n"),
                  ParseError);
  CHECK_THROWS_WITH(
      ParseAdbBackupHeader("ANDROID BACKUP\n5\n1\nAES-256\n00\n00\n"
                           "99999999999\n00\n00\n"),
      Catch::Contains("rounds"));
  const AdbBackupHeader h = ParseAdbBackupHeader("ANDROID BACKUP\n3\n0\nnone\n");
  CHECK(h.payload_offset == 24);
  // Not a tar at all.
  std::string junk = "ANDROID BACKUP\n3\n0\nnone\n" + std::string(1024, 'x');
  CHECK_FALSE(ReadAll(junk, nullptr).damage.empty());
  // Bad zlib.
  junk = "ANDROID BACKUP\n3\n1\nnone\n" + std::string(64, 'x');
  CHECK(ReadAll(junk, nullptr).damage.find("zlib") != std::string::npos);

  CHECK_THROWS_AS(ParseAdbBackupManifest("1\ncom.a\n"), ParseError);
  CHECK_THROWS_AS(ParseAdbBackupManifest("1\ncom.a\n1\n33\n\n0\n99\n"),
                  ParseError);
  CHECK_THROWS_AS(ParseAdbBackupManifest("1\ncom.a\n1\n33\n\n0\n1\nxyz\n"),
                  ParseError);
  const AdbBackupApp a =
      ParseAdbBackupManifest("1\ncom.a\n7\n33\ncom.android.vending\n1\n1\n00\n");
  CHECK(a.installer == "com.android.vending");
  CHECK(a.has_apk);
  // SHA-256 of the one byte 0x00.
  CHECK(a.cert_sha256 ==
        std::vector<std::string>{
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"});
}
