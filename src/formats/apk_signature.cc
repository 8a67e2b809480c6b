#include "formats/apk_signature.h"

#include <openssl/x509.h>

#include <algorithm>
#include <memory>
#include <optional>

#include "common/sha256.h"
#include "common/wildcard.h"
#include "formats/byte_reader.h"
#include "formats/parse_error.h"
#include "formats/pe_file.h"

namespace contraband {
namespace {

constexpr std::string_view kBlockMagic = "APK Sig Block 42";
constexpr uint32_t kSchemeV2 = 0x7109871a;
constexpr uint32_t kSchemeV3 = 0xf05368c0;
constexpr uint32_t kSchemeV31 = 0x1b93ad61;
constexpr uint32_t kProofOfRotation = 0x3ba06f8c;
// Signers and lineage nodes per scheme: real APKs have one or two signers
// and a handful of rotations.
constexpr size_t kMaxSigners = 64;
constexpr size_t kMaxLineage = 64;

// A u32-length-prefixed slice, as every v2/v3 field is.
std::string_view Prefixed(ByteReader& r, const char* what) {
  const uint32_t n = r.le<uint32_t>(what);
  return r.bytes(n, what);
}

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};

// The subject of a DER certificate, RFC 2253; "" when it does not decode.
std::string SubjectOf(std::string_view der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<X509, X509Free> cert(
      d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert) return {};
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()),
                                                &BIO_free);
  if (!bio) return {};
  X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert.get()), 0,
                     XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return n > 0 ? std::string(data, static_cast<size_t>(n)) : std::string();
}

struct SchemeSigner {
  std::string cert_der;  // first certificate of the signed data
  uint32_t max_sdk = 0xFFFFFFFF;
  std::vector<std::string> lineage_der;
};

// v3 proof-of-rotation: version, then nodes of (signed data (certificate,
// algorithm), flags, algorithm, signature).
std::vector<std::string> ReadLineage(std::string_view value) {
  ByteReader r(value);
  r.skip(4, "lineage version");
  std::vector<std::string> out;
  while (r.remaining() > 0) {
    if (out.size() >= kMaxLineage) {
      throw ParseError("the rotation lineage has over " +
                       std::to_string(kMaxLineage) + " certificates");
    }
    ByteReader node(Prefixed(r, "lineage node"));
    ByteReader signed_data(Prefixed(node, "lineage signed data"));
    out.emplace_back(Prefixed(signed_data, "lineage certificate"));
  }
  return out;
}

// The signers of one scheme value. v3 and v3.1 signed data carry min/max
// SDK and attributes after the certificates; v2's carries attributes only.
std::vector<SchemeSigner> ReadSigners(std::string_view value, bool v3) {
  ByteReader r(value);
  ByteReader signers(Prefixed(r, "signers"));
  std::vector<SchemeSigner> out;
  while (signers.remaining() > 0) {
    if (out.size() >= kMaxSigners) {
      throw ParseError("over " + std::to_string(kMaxSigners) + " signers");
    }
    ByteReader signer(Prefixed(signers, "signer"));
    ByteReader signed_data(Prefixed(signer, "signed data"));
    (void)Prefixed(signed_data, "digests");
    ByteReader certificates(Prefixed(signed_data, "certificates"));
    SchemeSigner s;
    if (certificates.remaining() == 0) {
      throw ParseError("a signer lists no certificate");
    }
    s.cert_der = std::string(Prefixed(certificates, "certificate"));
    if (v3) {
      signed_data.skip(4, "signed data min SDK");
      s.max_sdk = signed_data.le<uint32_t>("signed data max SDK");
      ByteReader attributes(Prefixed(signed_data, "additional attributes"));
      while (attributes.remaining() > 0) {
        ByteReader attribute(Prefixed(attributes, "attribute"));
        if (attribute.le<uint32_t>("attribute id") == kProofOfRotation) {
          s.lineage_der =
              ReadLineage(attribute.bytes(attribute.remaining(), "lineage"));
        }
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::string SchemeName(uint32_t id) {
  return id == kSchemeV31 ? "v3.1" : id == kSchemeV3 ? "v3" : "v2";
}

}  // namespace

ApkSignature ParseApkSigningBlock(std::string_view block) {
  if (block.size() > kMaxApkSigningBlockBytes) {
    throw ParseError("the APK Signing Block is over the limit");
  }
  if (block.size() < 32) throw ParseError("the APK Signing Block is too short");
  ByteReader head(block);
  const uint64_t size_first = head.le<uint64_t>("signing block size");
  ByteReader tail(block);
  tail.seek(block.size() - 24, "signing block footer");
  const uint64_t size_last = tail.le<uint64_t>("signing block size");
  if (tail.bytes(16, "signing block magic") != kBlockMagic) {
    throw ParseError("no APK Signing Block magic");
  }
  if (size_first != size_last || size_first != block.size() - 8) {
    throw ParseError("the APK Signing Block's size fields disagree");
  }
  // Pairs: u64 length, u32 id, value.
  ByteReader pairs(ByteReader::Slice(block, 8, block.size() - 32, "pairs"));
  std::optional<std::string_view> values[3];  // v3.1, v3, v2
  while (pairs.remaining() >= 8) {
    const uint64_t length = pairs.le<uint64_t>("pair length");
    if (length < 4 || length > pairs.remaining()) {
      throw ParseError("a signing block pair of " + std::to_string(length) +
                       " bytes does not fit the block");
    }
    const uint32_t id = pairs.le<uint32_t>("pair id");
    const std::string_view value = pairs.bytes(length - 4, "pair value");
    if (id == kSchemeV31 && !values[0]) values[0] = value;
    if (id == kSchemeV3 && !values[1]) values[1] = value;
    if (id == kSchemeV2 && !values[2]) values[2] = value;
  }
  ApkSignature out;
  constexpr uint32_t kIds[] = {kSchemeV31, kSchemeV3, kSchemeV2};
  for (int i = 0; i < 3; ++i) {
    if (!values[i]) continue;
    std::vector<SchemeSigner> signers;
    try {
      signers = ReadSigners(*values[i], kIds[i] != kSchemeV2);
    } catch (const ParseError& e) {
      out.problems.push_back("scheme " + SchemeName(kIds[i]) + ": " + e.what());
      continue;
    }
    if (signers.empty()) continue;
    // v3 may name one signer per platform range: the newest platforms'.
    const SchemeSigner* chosen = &signers.front();
    for (const SchemeSigner& s : signers) {
      if (s.max_sdk > chosen->max_sdk) chosen = &s;
    }
    if (kIds[i] == kSchemeV2 && signers.size() > 1) {
      out.problems.push_back("scheme v2: " + std::to_string(signers.size()) +
                             " signers; the first is reported");
    }
    out.scheme = SchemeName(kIds[i]);
    out.cert_sha256 = Sha256::Of(chosen->cert_der);
    out.subject = SubjectOf(chosen->cert_der);
    for (const std::string& der : chosen->lineage_der) {
      out.lineage_sha256.push_back(Sha256::Of(der));
    }
    return out;
  }
  return out;
}

ApkSignature ParseJarSignature(std::string_view pkcs7_der) {
  const PeSigner signer = ParseAuthenticodeSigner(pkcs7_der);  // same PKCS#7
  ApkSignature out;
  out.scheme = "v1";
  out.cert_sha256 = signer.cert_sha256;
  out.subject = signer.subject;
  return out;
}

ApkSignature ReadApkSignature(const ZipReadAt& read_at, uint64_t file_size,
                              const ZipCentralDirectory& directory) {
  ApkSignature out;
  // The block ends where the central directory starts: its footer first.
  if (directory.offset >= 24 && directory.offset <= file_size) {
    const std::string footer = read_at(directory.offset - 24, 24);
    if (footer.size() == 24 && footer.substr(8) == kBlockMagic) {
      ByteReader r(footer);
      const uint64_t size = r.le<uint64_t>("signing block size");
      if (size > kMaxApkSigningBlockBytes || size + 8 > directory.offset ||
          size < 24) {
        out.problems.push_back("the APK Signing Block size " +
                               std::to_string(size) + " is out of range");
      } else {
        const std::string block =
            read_at(directory.offset - size - 8, size + 8);
        try {
          out = ParseApkSigningBlock(block);
          if (!out.scheme.empty()) return out;
        } catch (const ParseError& e) {
          out.problems.push_back(std::string("APK Signing Block: ") + e.what());
        }
      }
    }
  }
  // v1: the first signature block file of META-INF.
  std::vector<const ZipEntry*> candidates;
  for (const ZipEntry& e : directory.entries) {
    const std::string lower = AsciiLower(e.name);
    if (lower.rfind("meta-inf/", 0) != 0 ||
        lower.find('/', 9) != std::string::npos) {
      continue;
    }
    for (std::string_view ext : {".rsa", ".dsa", ".ec"}) {
      if (lower.size() > ext.size() &&
          lower.compare(lower.size() - ext.size(), ext.size(), ext) == 0) {
        candidates.push_back(&e);
      }
    }
  }
  std::sort(
      candidates.begin(), candidates.end(),
      [](const ZipEntry* a, const ZipEntry* b) { return a->name < b->name; });
  for (const ZipEntry* e : candidates) {
    try {
      ApkSignature v1 = ParseJarSignature(
          ReadZipEntry(read_at, file_size, *e, kMaxJarSignatureBytes));
      v1.problems = std::move(out.problems);
      return v1;
    } catch (const ParseError& err) {
      out.problems.push_back(e->name + ": " + err.what());
    }
  }
  return out;
}

}  // namespace contraband
