// The PE parser on the real signed executables of the corpus
// (../shared/corpus/windows_pe). Expected values from real tools:
//   version strings: exiftool -CompanyName -ProductName ... FILE
//   signer: osslsigncode extract-signature -in FILE -out sig.p7
//           openssl pkcs7 -inform DER -in sig.p7 -print_certs > certs.pem
//           (the certificate whose serial osslsigncode verify names as
//           "Signer #0"): openssl x509 -noout -subject -serial
//           -fingerprint -sha256 -nameopt RFC2253
#include "formats/pe_file.h"

#include <catch2/catch.hpp>
#include <string>

#include "formats/parse_error.h"
#include "support/test_support.h"

using namespace contraband;
using namespace contraband::testing;

namespace {

// Reads through ParsePeFile and counts what the parser asked for.
struct CountedParse {
  PeFile pe;
  uint64_t bytes = 0;
  int reads = 0;
};

CountedParse ParseCounting(const std::string& bytes) {
  CountedParse out;
  const PeReadAt read_at = [&](uint64_t offset, uint64_t length) {
    ++out.reads;
    if (offset >= bytes.size()) return std::string();
    std::string part = bytes.substr(offset, length);
    out.bytes += part.size();
    return part;
  };
  out.pe = ParsePeFile(read_at, bytes.size());
  return out;
}

}  // namespace

TEST_CASE("pe: Apple Software Update, version resource and signer", "[pe]") {
  auto path = CorpusPath("windows_pe/signify_apple_SoftwareUpdate.exe");
  SKIP_UNLESS_CORPUS(path);
  const std::string bytes = ReadHostFile(*path);
  const CountedParse parsed = ParseCounting(bytes);
  const PeFile& pe = parsed.pe;
  INFO(pe.problems.size());
  CHECK(pe.problems.empty());
  CHECK(pe.machine == 0x14c);
  CHECK_FALSE(pe.pe32_plus);
  CHECK(pe.version.company_name == "Apple Inc.");
  CHECK(pe.version.product_name == "Apple Software Update");
  CHECK(pe.version.file_version == "2.1.1.116");
  CHECK(pe.version.product_version == "2.1.1.116");
  CHECK(pe.version.original_filename == "SoftwareUpdate.exe");
  CHECK(pe.version.file_description == "Apple Software Update");
  CHECK(pe.version.internal_name == "Apple Software Update");
  CHECK(pe.version.fixed_file_version == "2.1.1.116");
  REQUIRE(pe.has_signature);
  CHECK(pe.signer.common_name == "Apple Inc.");
  CHECK(pe.signer.organization == "Apple Inc.");
  CHECK(pe.signer.subject ==
        "CN=Apple Inc.,OU=Digital ID Class 3 - Microsoft Software Validation "
        "v2,O=Apple Inc.,L=Cupertino,ST=California,C=US");
  CHECK(pe.signer.serial_hex == "095E20A80B54A45D36F6C06B9B02F93A");
  CHECK(pe.signer.cert_sha256 ==
        "b1051131e0e53e8457dc3518f5b3fd22c6367457cd1da6a09eba5724eb05a7d6");
  // Only headers, the version resource and the certificate table were read.
  CHECK(parsed.bytes < bytes.size() / 10);
}

TEST_CASE("pe: Spotify (UPX-packed), version resource and signer", "[pe]") {
  auto path = CorpusPath("windows_pe/signify_spotify_sample.exe");
  SKIP_UNLESS_CORPUS(path);
  const PeFile pe = ParsePeBytes(ReadHostFile(*path));
  CHECK(pe.problems.empty());
  CHECK(pe.version.company_name == "Spotify Ltd");
  CHECK(pe.version.product_name == "Spotify");
  CHECK(pe.version.file_version == "0,0,0,0");
  CHECK(pe.version.product_version == "0.9.11.27.g2b1a638c");
  CHECK(pe.version.original_filename == "SpotifyInstaller.exe");
  CHECK(pe.version.file_description == "Spotify Installer");
  CHECK(pe.version.fixed_file_version == "0.9.11.27");
  REQUIRE(pe.has_signature);
  CHECK(pe.signer.common_name == "Spotify AB");
  CHECK(pe.signer.organization == "Spotify AB");
  CHECK(pe.signer.serial_hex == "D346B753DC51B7C9A690B3D2EE769139");
  CHECK(pe.signer.cert_sha256 ==
        "99be6ecd33a9923a7124fc4e60937d2ce4e6e53c097873a301c9d0344e4085c8");
}

TEST_CASE("pe: Binalyze driver (PE32+, no version resource), signer", "[pe]") {
  auto path = CorpusPath("windows_pe/velociraptor_winpmem_x64.sys");
  SKIP_UNLESS_CORPUS(path);
  const PeFile pe = ParsePeBytes(ReadHostFile(*path));
  CHECK(pe.problems.empty());
  CHECK(pe.machine == 0x8664);
  CHECK(pe.pe32_plus);
  CHECK(pe.version.empty());
  REQUIRE(pe.has_signature);
  CHECK(pe.signer.common_name == "Binalyze LLC");
  CHECK(pe.signer.organization == "Binalyze LLC");
  CHECK(pe.signer.serial_hex == "1B5EC28C23900FF153CD554B");
  CHECK(pe.signer.cert_sha256 ==
        "61222282c862f20dc4aafb14a399991c4ddaaddfa4d5577c43038a02376ced12");
}

TEST_CASE("pe: damage is a problem or a ParseError, never a crash", "[pe]") {
  CHECK_THROWS_AS(ParsePeBytes(""), ParseError);
  CHECK_THROWS_AS(ParsePeBytes(std::string(64, 'M')), ParseError);
  auto path = CorpusPath("windows_pe/signify_apple_SoftwareUpdate.exe");
  SKIP_UNLESS_CORPUS(path);
  const std::string bytes = ReadHostFile(*path);
  // Cut inside the certificate table: headers and version still read.
  const PeFile cut =
      ParsePeBytes(std::string_view(bytes).substr(0, bytes.size() - 100));
  CHECK(cut.version.product_name == "Apple Software Update");
  CHECK_FALSE(cut.has_signature);
  REQUIRE(cut.problems.size() == 1);
  CHECK(cut.problems[0].find("certificate table") == 0);
  // The PKCS#7 bytes damaged: the signature is a problem, not a signer.
  std::string broken = bytes;
  for (size_t i = bytes.size() - 3000; i < bytes.size() - 2000; ++i)
    broken[i] = 'x';
  const PeFile bad = ParsePeBytes(broken);
  CHECK(bad.signer.cert_sha256.empty());
  CHECK_FALSE(bad.problems.empty());
}
