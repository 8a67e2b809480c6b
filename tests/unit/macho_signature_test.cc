// Mach-O code signatures on Google Santa's real codesign-signed test
// binaries. Expected values were taken independently: the CMS blob carved
// from each file (magic 0xfade0b01) and read with `openssl pkcs7
// -print_certs`, each certificate's SHA-256 from `openssl x509 -outform DER
// | sha256sum`, team ids and identifiers from `strings` and santa's tests.
#include "formats/macho_signature.h"

#include <catch2/catch.hpp>
#include <string>

#include "formats/parse_error.h"
#include "support/test_support.h"

using namespace contraband;
using namespace contraband::testing;

namespace {

MachOFile Parse(const std::string& path) {
  return ParseMachOBytes(ReadHostFile(path));
}

// A fat header (either byte order) holding `slice` at offset 4096.
std::string Fat(const std::string& slice, bool little_endian) {
  std::string out(4096, '\0');
  auto put = [&](size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) {
      const int shift = little_endian ? 8 * i : 8 * (3 - i);
      out[at + static_cast<size_t>(i)] = static_cast<char>((v >> shift) & 0xFF);
    }
  };
  put(0, 0xcafebabe);
  put(4, 1);
  put(8, 0x01000007);  // x86_64
  put(12, 3);
  put(16, 4096);
  put(20, static_cast<uint32_t>(slice.size()));
  put(24, 12);
  return out + slice;
}

}  // namespace

TEST_CASE("santa binaries: Team ID, identifier and CMS leaf",
          "[apple][macho]") {
  const auto banned = CorpusPath("macos/santa_binaryrules/banned_teamid");
  const auto allowed = CorpusPath("macos/santa_binaryrules/allowed_teamid");
  const auto fat = CorpusPath(
      "macos/santa_binaryrules/cert_hash_allowed_signingid_blocked");
  SKIP_UNLESS_CORPUS(banned, allowed, fat);

  const MachOFile b = Parse(*banned);
  CHECK_FALSE(b.fat);
  REQUIRE(b.slices.size() == 1);
  const MachOSignature& bs = b.slices[0];
  CHECK(bs.signed_code);
  CHECK(bs.identifier == "banned_teamid");
  CHECK(bs.team_id == "EQHXZ8M8AV");
  CHECK(bs.has_cms);
  CHECK(bs.signer.common_name ==
        "Apple Development: Google Development (69FHSU289T)");
  CHECK(bs.signer.organizational_unit == "EQHXZ8M8AV");
  CHECK(bs.signer.organization == "Google LLC");
  CHECK(bs.signer.cert_sha256 ==
        "0b3182a3e24d7dd77aa6db2aca087602f89f5d7a0412cee67681f6a8ee6c6642");
  CHECK(b.problems.empty());

  const MachOFile a = Parse(*allowed);
  REQUIRE(a.Primary());
  CHECK(a.Primary()->identifier == "com.google.custom_signing_id");
  CHECK(a.Primary()->team_id == "TJNVEKW352");
  CHECK(a.Primary()->signer.common_name ==
        "Mac Developer: Peter Markowsky (FV2V32499P)");
  CHECK(a.Primary()->signer.cert_sha256 ==
        "e56cf41976af3a8d99af33d81eac8ae8f9bf321bb02fcd1186c8736a326b8390");

  const MachOFile f = Parse(*fat);
  CHECK(f.fat);
  REQUIRE(f.slices.size() == 2);
  for (const MachOSignature& s : f.slices) {
    CHECK(s.identifier == "com.google.blocked_signing_id");
    CHECK(s.team_id == "EQHXZ8M8AV");
    CHECK(s.signer.organization == "Google LLC");
  }
  // The first slice's CMS leaf (the first CMS blob in the file).
  CHECK(f.Primary()->signer.cert_sha256 ==
        "9fc3cda3603fa000d28388dd168ea8d7fbf067237615ec000ab300d7c6d48cf6");
}

TEST_CASE("ad-hoc and self-signed santa binaries name no Team ID",
          "[apple][macho]") {
  const auto adhoc = CorpusPath("macos/santa_binaryrules/allowed_cdhash");
  const auto self = CorpusPath("macos/santa_binaryrules/goodcert");
  SKIP_UNLESS_CORPUS(adhoc, self);
  const MachOFile a = Parse(*adhoc);
  REQUIRE(a.slices.size() == 1);
  CHECK(a.slices[0].signed_code);
  CHECK(a.slices[0].team_id.empty());
  CHECK_FALSE(a.slices[0].has_cms);
  CHECK(a.slices[0].code_directory_flags == 0x20002);

  // The certificate's OU looks like Google's Team ID; the CodeDirectory has
  // none, and the OU must not be taken for one.
  const MachOFile s = Parse(*self);
  REQUIRE(s.Primary());
  CHECK(s.Primary()->identifier == "goodcert");
  CHECK(s.Primary()->team_id.empty());
  CHECK(s.Primary()->has_cms);
  CHECK(s.Primary()->signer.common_name == "localhost");
  CHECK(s.Primary()->signer.organizational_unit == "EQHXZ8M8AV");
  CHECK(s.Primary()->signer.cert_sha256 ==
        "f95da936093f58bdbd38986528f5ed00ee0f618572cd1ddb96024cc3d28b8aa2");
}

TEST_CASE("fat headers in both byte orders, only header, commands and "
          "signature are read",
          "[apple][macho]") {
  const auto banned = CorpusPath("macos/santa_binaryrules/banned_teamid");
  SKIP_UNLESS_CORPUS(banned);
  const std::string thin = ReadHostFile(*banned);
  for (bool little : {false, true}) {
    INFO("little-endian fat header: " << little);
    const MachOFile m = ParseMachOBytes(Fat(thin, little));
    CHECK(m.fat);
    REQUIRE(m.slices.size() == 1);
    CHECK(m.slices[0].team_id == "EQHXZ8M8AV");
  }
  uint64_t read = 0;
  const MachOReadAt counting = [&](uint64_t offset, uint64_t length) {
    read += length;
    return thin.substr(offset, length);
  };
  CHECK(ParseMachO(counting, thin.size()).slices[0].team_id == "EQHXZ8M8AV");
  CHECK(read < 12000);  // of 68256 bytes: the signature's CMS is ~4.8 KiB
}

TEST_CASE("damaged Mach-Os are ParseErrors or problems, never crashes",
          "[apple][macho]") {
  CHECK_THROWS_AS(ParseMachOBytes("MZ not a mach-o at all, not at all"),
                  ParseError);
  // A Java class file shares the fat magic.
  CHECK_THROWS_AS(
      ParseMachOBytes(std::string("\xca\xfe\xba\xbe\x00\x00\x00\x34", 8) +
                      std::string(64, '\0')),
      ParseError);
  const auto banned = CorpusPath("macos/santa_binaryrules/banned_teamid");
  SKIP_UNLESS_CORPUS(banned);
  std::string bytes = ReadHostFile(*banned);
  // Truncated inside the signature: the headers read, the signature is a
  // problem, no Team ID is made up.
  const MachOFile cut = ParseMachOBytes(bytes.substr(0, bytes.size() - 3000));
  REQUIRE(cut.slices.size() == 1);
  CHECK(cut.slices[0].team_id.empty());
  CHECK_FALSE(cut.problems.empty());
  // sizeofcmds beyond the file.
  std::string huge = bytes;
  huge[20] = '\xff';
  huge[21] = '\xff';
  huge[22] = '\xff';
  CHECK_THROWS_AS(ParseMachOBytes(huge), ParseError);
}
