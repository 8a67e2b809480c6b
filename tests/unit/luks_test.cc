// LUKS headers made by the real cryptsetup (luksFormat works on an image file
// without device-mapper), parsed and unlocked by our reader: LUKS1, LUKS2
// with PBKDF2 and with Argon2id, 4096-byte sectors, key files, a damaged
// primary LUKS2 header, and damaged or hostile headers as errors.
#include <catch2/catch.hpp>

#include "evidence/block_device.h"
#include "evidence/volume/encrypted_volume.h"
#include "formats/luks_header.h"
#include "formats/parse_error.h"
#include "support/test_support.h"

using namespace contraband;
using namespace contraband::testing;

namespace {

// A 20 MiB LUKS volume with passphrase "pw" (and `extra` cryptsetup options).
std::string Format(const TempDir& dir, const std::string& name,
                   const std::string& extra) {
  INFO("cryptsetup comes from the Debian package cryptsetup-bin");
  REQUIRE(HaveTool("cryptsetup"));
  const std::string path = dir.path() + "/" + name;
  RunResult r = Run("truncate -s 20M " + ShellQuote(path) +
                    " && printf pw | cryptsetup luksFormat -q " + extra + " " +
                    ShellQuote(path) + " -");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return path;
}

VolumeKey Password(const std::string& secret) {
  return {VolumeKey::Kind::kPassword, secret, "--password"};
}

std::string Head(const std::string& path, size_t n) {
  FileBlockDevice dev(path);
  return ReadHead(dev, 0, n);
}

}  // namespace

TEST_CASE("LUKS headers from cryptsetup parse and unlock", "[luks]") {
  TempDir dir;
  struct Case {
    const char* name;
    const char* options;
    int version;
    const char* kdf;
    uint32_t sector;
  };
  for (Case c :
       {Case{"luks1.img", "--type luks1 --iter-time 50", 1, "pbkdf2", 512},
        Case{"luks2-pbkdf2.img",
             "--type luks2 --pbkdf pbkdf2 --iter-time 50 --sector-size 512", 2,
             "pbkdf2", 512},
        Case{"luks2-argon.img",
             "--type luks2 --pbkdf argon2id --pbkdf-memory 32768 "
             "--pbkdf-force-iterations 4 --sector-size 4096",
             2, "argon2id", 4096},
        Case{"luks1-cbc.img",
             "--type luks1 --cipher aes-cbc-essiv:sha256 --key-size 256 "
             "--iter-time 50",
             1, "pbkdf2", 512}}) {
    DYNAMIC_SECTION(c.name) {
      const std::string path = Format(dir, c.name, c.options);
      const std::string head = Head(path, 4u << 20);
      LuksHeader h = ParseLuksHeader(head);
      CHECK(h.version == c.version);
      CHECK(h.sector_size == c.sector);
      REQUIRE(h.keyslots.size() == 1);
      CHECK(h.keyslots[0].kdf.type == c.kdf);
      CHECK(h.data_offset > 0);
      CHECK(h.uuid.size() == 36);

      auto dev = std::make_shared<FileBlockDevice>(path);
      UnlockResult open = OpenLuks(dev, {Password("wrong"), Password("pw")});
      INFO(open.problem);
      REQUIRE(open.device);
      CHECK(open.scheme.rfind("LUKS" + std::to_string(c.version), 0) == 0);
      // The decrypted volume ends where the device does.
      CHECK(open.device->size() == 20u * 1024 * 1024 - h.data_offset);

      UnlockResult closed = OpenLuks(dev, {Password("wrong")});
      CHECK_FALSE(closed.device);
      CHECK(closed.problem.find("none of the keys given opens it") !=
            std::string::npos);
      UnlockResult none = OpenLuks(dev, {});
      CHECK(none.problem.find("--password") != std::string::npos);
    }
  }
}

TEST_CASE("LUKS key files and secondary headers", "[luks]") {
  TempDir dir;
  const std::string path =
      Format(dir, "v.img", "--type luks2 --pbkdf pbkdf2 --iter-time 50");
  const std::string key = dir.Write("key.bin", std::string("k\0\xff\n2", 5));
  RunResult added =
      Run("printf pw | cryptsetup luksAddKey -q --pbkdf pbkdf2 --iter-time 50 " +
          ShellQuote(path) + " " + ShellQuote(key) + " --key-file -");
  INFO(added.err);
  REQUIRE(added.exit_code == 0);
  auto dev = std::make_shared<FileBlockDevice>(path);
  VolumeKey file{VolumeKey::Kind::kKeyFile, ReadHostFile(key), "--key-file"};
  CHECK(OpenLuks(dev, {file}).device);

  // Damage the primary header's JSON: the checksum fails and the copy at
  // 16 KiB is used, as cryptsetup does.
  REQUIRE(Run("printf XXXX | dd of=" + ShellQuote(path) +
              " bs=1 seek=5000 conv=notrunc status=none")
              .exit_code == 0);
  CHECK_THROWS_AS(ParseLuksHeader(Head(path, 1u << 20)), ParseError);
  CHECK(OpenLuks(std::make_shared<FileBlockDevice>(path), {Password("pw")})
            .device);
}

TEST_CASE("damaged and hostile LUKS headers are errors, not crashes",
          "[luks]") {
  TempDir dir;
  const std::string path = Format(dir, "v1.img", "--type luks1 --iter-time 50");
  std::string head = Head(path, 4096);
  // Cut short.
  CHECK_THROWS_AS(ParseLuksHeader(head.substr(0, 300)), ParseError);
  // A key size far beyond any cipher's.
  std::string big = head;
  big[108] = '\x7f';
  CHECK_THROWS_AS(ParseLuksHeader(big), ParseError);
  // An unknown version, and a LUKS2 header size that LUKS2 does not allow.
  std::string v3 = head;
  v3[7] = 3;
  CHECK_THROWS_AS(LuksHeaderBytes(v3), ParseError);
  std::string v2 = head;
  v2[7] = 2;
  for (int i = 8; i < 16; ++i) v2[i] = '\xff';
  CHECK_THROWS_AS(LuksHeaderBytes(v2), ParseError);
  // A cipher OpenSSL lacks (cryptsetup here cannot make one without the
  // kernel's crypto, so the LUKS1 header, which has no checksum, is edited)
  // is a problem named in the result.
  REQUIRE(Run("printf 'serpent\\0' | dd of=" + ShellQuote(path) +
              " bs=1 seek=8 conv=notrunc status=none")
              .exit_code == 0);
  UnlockResult r =
      OpenLuks(std::make_shared<FileBlockDevice>(path), {Password("pw")});
  CHECK_FALSE(r.device);
  CHECK(r.scheme == "LUKS1 (serpent-xts-plain64)");
  CHECK(r.problem.find("serpent-xts-plain64 is not supported") !=
        std::string::npos);
}
