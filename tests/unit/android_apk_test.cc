// The Android APK readers on the corpus (../shared/corpus/android_apk).
// Expected values from real tools:
//   manifests: aapt dump badging / aapt dump xmltree (the standalone AXML
//     files zipped alone as AndroidManifest.xml)
//   signers:   apksigner verify -v --print-certs --min-sdk-version 24 FILE
#include <catch2/catch.hpp>
#include <string>

#include "formats/apk_signature.h"
#include "formats/apk_zip.h"
#include "formats/axml.h"
#include "formats/parse_error.h"
#include "support/test_support.h"

using namespace contraband;
using namespace contraband::testing;

namespace {

AxmlManifest ManifestOf(const std::string& rel) {
  return ParseAxmlManifest(ReadHostFile(*CorpusPath(rel)));
}

struct CountedApk {
  ApkSignature signature;
  AxmlManifest manifest;
  uint64_t bytes_read = 0;
};

// Signature and manifest, read as the collector reads them, counting bytes.
CountedApk ReadCounting(const std::string& bytes) {
  CountedApk out;
  const ZipReadAt read_at = [&](uint64_t offset, uint64_t length) {
    if (offset >= bytes.size()) return std::string();
    std::string part = bytes.substr(offset, length);
    out.bytes_read += part.size();
    return part;
  };
  const ZipCentralDirectory dir =
      ReadZipCentralDirectory(read_at, bytes.size());
  for (const ZipEntry& e : dir.entries) {
    if (e.name == "AndroidManifest.xml") {
      out.manifest = ParseAxmlManifest(
          ReadZipEntry(read_at, bytes.size(), e, kMaxAxmlBytes));
    }
  }
  out.signature = ReadApkSignature(read_at, bytes.size(), dir);
  return out;
}

constexpr const char* kRsa2048 =
    "fb5dbd3c669af9fc236c6991e6387b7f11ff0590997f22d0f5c74ff40e04fca8";

}  // namespace

TEST_CASE("axml: UTF-16 manifest, label a resource reference", "[android]") {
  auto path = CorpusPath("android_apk/androguard_axml/AndroidManifest.xml");
  SKIP_UNLESS_CORPUS(path);
  const AxmlManifest m = ParseAxmlManifest(ReadHostFile(*path));
  CHECK(m.package == "org.t0t0.androguard.TC");
  CHECK(m.version_code == "1");
  CHECK(m.version_name == "1.0");
  CHECK(m.label == "@0x7f040000");
  CHECK(m.min_sdk.empty());
}

TEST_CASE("axml: UTF-8 string pool, minSdkVersion", "[android]") {
  auto path =
      CorpusPath("android_apk/androguard_axml/AndroidManifestUTF8Strings.xml");
  SKIP_UNLESS_CORPUS(path);
  const AxmlManifest m = ParseAxmlManifest(ReadHostFile(*path));
  CHECK(m.package == "com.easylocker.bbottles.zt");
  CHECK(m.version_code == "5");
  CHECK(m.version_name == "1.2.1");
  CHECK(m.label == "@0x7f060001");
  CHECK(m.min_sdk == "14");
}

TEST_CASE("axml: a plain-string label in Chinese", "[android]") {
  auto path =
      CorpusPath("android_apk/androguard_axml/AndroidManifest-Chinese.xml");
  SKIP_UNLESS_CORPUS(path);
  const AxmlManifest m =
      ManifestOf("android_apk/androguard_axml/AndroidManifest-Chinese.xml");
  CHECK(m.package == "com.hotel");
  CHECK(m.version_code == "8");
  CHECK(m.version_name == "1.7.2");
  CHECK(m.label == "经济酒店");
}

TEST_CASE("axml: double namespace, null bytes, Liapp obfuscation",
          "[android]") {
  auto dbl = CorpusPath(
      "android_apk/androguard_axml/AndroidManifestDoubleNamespace.xml");
  auto nul =
      CorpusPath("android_apk/androguard_axml/AndroidManifestNullbytes.xml");
  auto liapp =
      CorpusPath("android_apk/androguard_axml/AndroidManifestLiapp.xml");
  SKIP_UNLESS_CORPUS(dbl, nul, liapp);
  const AxmlManifest d = ParseAxmlManifest(ReadHostFile(*dbl));
  CHECK(d.package == "com.tencent.weread");
  CHECK(d.version_code == "10122117");
  CHECK(d.version_name == "2.0.1");
  CHECK(d.min_sdk == "19");
  CHECK(d.label == "@0x7f120001");
  const AxmlManifest n = ParseAxmlManifest(ReadHostFile(*nul));
  CHECK(n.package == "com.ditc.automobilityxxxxxxxxxxxx");
  CHECK(n.version_code == "2");
  CHECK(n.version_name == "0.0");
  // Liapp renames the attribute strings; the resource ids still tell them.
  const AxmlManifest l = ParseAxmlManifest(ReadHostFile(*liapp));
  CHECK(l.package == "kc.dotoritv.android.air");
  CHECK(l.version_code == "6");
  CHECK(l.version_name == "4.0.4");
  CHECK(l.min_sdk == "14");
  CHECK(l.label == "@0x7f070040");
}

TEST_CASE("axml: damaged input is a ParseError", "[android]") {
  CHECK_THROWS_AS(ParseAxmlManifest(""), ParseError);
  CHECK_THROWS_AS(
      ParseAxmlManifest(std::string("\x03\x00\x08\x00\xff\xff\x00\x00", 8)),
      ParseError);
  CHECK_THROWS_AS(ParseAxmlManifest("<manifest package=\"x\"/>"), ParseError);
  auto path = CorpusPath("android_apk/androguard_axml/AndroidManifest.xml");
  SKIP_UNLESS_CORPUS(path);
  const std::string bytes = ReadHostFile(*path);
  // Cut anywhere: an error or a result, never a crash or a hang.
  for (size_t n = 0; n < bytes.size(); n += 7) {
    try {
      (void)ParseAxmlManifest(bytes.substr(0, n));
    } catch (const ParseError&) {
    }
  }
}

TEST_CASE("apk signature: v1, v2, v1+v2+v3 name the same signer", "[android]") {
  auto v1 =
      CorpusPath("android_apk/androguard_apksig/golden-aligned-v1-out.apk");
  auto v2 =
      CorpusPath("android_apk/androguard_apksig/golden-aligned-v2-out.apk");
  auto v123 =
      CorpusPath("android_apk/androguard_apksig/golden-aligned-v1v2v3-out.apk");
  SKIP_UNLESS_CORPUS(v1, v2, v123);
  const CountedApk a = ReadCounting(ReadHostFile(*v1));
  CHECK(a.signature.scheme == "v1");
  CHECK(a.signature.cert_sha256 == kRsa2048);
  CHECK(a.signature.subject == "CN=rsa-2048");
  CHECK(a.manifest.package == "android.appsecurity.cts.tinyapp");
  CHECK(a.manifest.version_name == "1.0");
  const CountedApk b = ReadCounting(ReadHostFile(*v2));
  CHECK(b.signature.scheme == "v2");
  CHECK(b.signature.cert_sha256 == kRsa2048);
  const CountedApk c = ReadCounting(ReadHostFile(*v123));
  CHECK(c.signature.scheme == "v3");
  CHECK(c.signature.cert_sha256 == kRsa2048);
  CHECK(c.signature.subject == "CN=rsa-2048");
  CHECK(c.signature.lineage_sha256.empty());
  CHECK(c.signature.problems.empty());
}

TEST_CASE("apk signature: v1-only DSA and ECDSA", "[android]") {
  auto dsa = CorpusPath(
      "android_apk/androguard_apksig/"
      "v1-only-with-dsa-sha256-2.16.840.1.101.3.4.3.2-2048.apk");
  auto ec = CorpusPath(
      "android_apk/androguard_apksig/"
      "v1-only-with-ecdsa-sha256-1.2.840.10045.4.3.2-p256.apk");
  SKIP_UNLESS_CORPUS(dsa, ec);
  const CountedApk d = ReadCounting(ReadHostFile(*dsa));
  CHECK(d.signature.scheme == "v1");
  CHECK(d.signature.cert_sha256 ==
        "97cce0bab292c2d5afb9de90e1810b41a5d25c006a10d10982896aa12ab35a9e");
  CHECK(d.signature.subject == "CN=dsa-2048");
  const CountedApk e = ReadCounting(ReadHostFile(*ec));
  CHECK(e.signature.scheme == "v1");
  CHECK(e.signature.cert_sha256 ==
        "6a8b96e278e58f62cfe3584022cec1d0527fcb85a9e5d2e1694eb0405be5b599");
}

TEST_CASE(
    "apk signature: signed both ways, the v2 signer, unsigned, no manifest",
    "[android]") {
  auto both = CorpusPath("android_apk/androguard/TestActivity_signed_both.apk");
  auto unsigned_apk =
      CorpusPath("android_apk/androguard/TestActivity_unsigned.apk");
  auto chain = CorpusPath("android_apk/androguard/CertChain.apk");
  SKIP_UNLESS_CORPUS(both, unsigned_apk, chain);
  const std::string bytes = ReadHostFile(*both);
  const CountedApk b = ReadCounting(bytes);
  CHECK(b.signature.scheme == "v2");
  CHECK(b.signature.cert_sha256 ==
        "b39038a91d8880fb01d2f6bdaeb22d39c1b7c447cef69e779bad544e9a3ec6a3");
  CHECK(b.manifest.package == "tests.androguard");
  // Only the directory, the manifest and the signing block were read.
  CHECK(b.bytes_read < bytes.size() / 2);
  const CountedApk u = ReadCounting(ReadHostFile(*unsigned_apk));
  CHECK(u.signature.scheme.empty());
  CHECK(u.signature.cert_sha256.empty());
  CHECK(u.manifest.package == "tests.androguard");
  // CertChain.apk is a signed zip with no manifest: its v1 signer still reads.
  const CountedApk c = ReadCounting(ReadHostFile(*chain));
  CHECK(c.manifest.package.empty());
  CHECK(c.signature.scheme == "v1");
  CHECK(c.signature.cert_sha256.size() == 64);
}

TEST_CASE("apk zip: a comment holding the EOCD magic", "[android]") {
  auto path =
      CorpusPath("android_apk/androguard_apksig/golden-aligned-v2-out.apk");
  SKIP_UNLESS_CORPUS(path);
  std::string bytes = ReadHostFile(*path);
  // Give the EOCD record (its comment length is the last two bytes) a
  // comment that itself looks like an EOCD record.
  const std::string comment =
      std::string("PK\x05\x06", 4) + std::string(18, '\0') + "tail";
  bytes[bytes.size() - 2] = static_cast<char>(comment.size());
  bytes += comment;
  const CountedApk a = ReadCounting(bytes);
  CHECK(a.manifest.package == "android.appsecurity.cts.tinyapp");
  CHECK(a.signature.cert_sha256 == kRsa2048);
  CHECK_THROWS_AS(
      ReadZipCentralDirectory(ZipReadAtBytes("not a zip at all, no"), 20),
      ParseError);
}
