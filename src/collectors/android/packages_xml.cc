#include "collectors/android/packages_xml.h"

#include <charconv>
#include <cstdint>
#include <functional>
#include <memory>
#include <openssl/err.h>
#include <openssl/x509.h>

#include "collectors/windows/windows_time.h"
#include "common/sha256.h"
#include "common/text.h"
#include "formats/parse_error.h"

namespace contraband {
namespace {

constexpr size_t kMaxProblems = 50;

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "3082..." (upper or lower case) -> bytes; false when not whole hex bytes.
bool DecodeHex(std::string_view hex, std::string& out) {
  if (hex.empty() || hex.size() % 2 != 0) return false;
  out.clear();
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = HexDigit(hex[i]), lo = HexDigit(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out += static_cast<char>((hi << 4) | lo);
  }
  return true;
}

bool IsTrue(std::string_view v) { return v == "true"; }

// One DER element at the front of `in`: its tag, its contents and the
// whole element (tag and length included); `in` moves past it. False when
// the length is malformed or runs past the input.
bool NextDer(std::string_view& in, uint8_t& tag, std::string_view& contents,
             std::string_view& whole) {
  if (in.size() < 2) return false;
  tag = static_cast<uint8_t>(in[0]);
  size_t length = static_cast<uint8_t>(in[1]);
  size_t header = 2;
  if (length & 0x80) {
    const size_t bytes = length & 0x7F;
    if (bytes == 0 || bytes > 4 || in.size() < 2 + bytes) return false;
    length = 0;
    for (size_t i = 0; i < bytes; ++i) {
      length = (length << 8) | static_cast<uint8_t>(in[2 + i]);
    }
    header += bytes;
  }
  if (length > in.size() - header) return false;
  contents = in.substr(header, length);
  whole = in.substr(0, header + length);
  in.remove_prefix(header + length);
  return true;
}

// The subject Name of a DER certificate, as the whole DER element; "" when
// the bytes are not shaped as Certificate { TBSCertificate { [0] version
// (optional), serialNumber, signature, issuer, validity, subject, ... } }.
std::string_view SubjectDer(std::string_view der) {
  uint8_t tag = 0;
  std::string_view certificate, tbs, whole;
  if (!NextDer(der, tag, certificate, whole) || tag != 0x30) return {};
  if (!NextDer(certificate, tag, tbs, whole) || tag != 0x30) return {};
  std::string_view field;
  if (!NextDer(tbs, tag, field, whole)) return {};
  if (tag == 0xA0 && !NextDer(tbs, tag, field, whole)) return {};  // version
  if (tag != 0x02) return {};                                       // serial
  for (uint8_t want : {0x30, 0x30, 0x30, 0x30}) {  // signature .. subject
    if (!NextDer(tbs, tag, field, whole) || tag != want) return {};
  }
  return whole;
}

// The certificate's subject CN (else O) as UTF-8; "" when the DER is not a
// certificate. Who a key belongs to says more to a reader than its digest.
// Only the subject is decoded: d2i_X509 of a whole certificate also decodes
// its public key through OpenSSL 3's provider look-ups, about a million
// instructions a certificate (bench/README.md, Android).
std::string SubjectName(std::string_view der) {
  struct NameFree {
    void operator()(X509_NAME* x) const { X509_NAME_free(x); }
  };
  const std::string_view subject_der = SubjectDer(der);
  if (subject_der.empty()) return {};
  const auto* p = reinterpret_cast<const unsigned char*>(subject_der.data());
  std::unique_ptr<X509_NAME, NameFree> subject(
      d2i_X509_NAME(nullptr, &p, static_cast<long>(subject_der.size())));
  ERR_clear_error();
  if (!subject) return {};
  for (int nid : {NID_commonName, NID_organizationName}) {
    const int index = X509_NAME_get_index_by_NID(subject.get(), nid, -1);
    if (index < 0) continue;
    unsigned char* utf8 = nullptr;
    const int n = ASN1_STRING_to_UTF8(
        &utf8,
        X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject.get(), index)));
    if (n < 0) continue;
    std::string out(reinterpret_cast<char*>(utf8), static_cast<size_t>(n));
    OPENSSL_free(utf8);
    return out;
  }
  return {};
}

void Problem(AndroidPackages& out, std::string message) {
  if (out.problems.size() < kMaxProblems) {
    out.problems.push_back(std::move(message));
  } else if (out.problems.size() == kMaxProblems) {
    out.problems.push_back("further problems not listed");
  }
}

// Android numbers every distinct certificate in packages.xml once, at the
// first <cert index="n" key="hex DER"/>; later <cert index="n"/> refer back.
// The table is built over the whole file first, so a reference read before
// its key (a shared user written before its packages) still resolves.
class CertTable {
 public:
  void Collect(const AndroidXmlElement& e, AndroidPackages& out) {
    if (e.name == "cert") {
      const std::string* index = e.Attribute("index");
      const std::string* key = e.Attribute("key");
      if (index && key && !by_index_.count(*index)) {
        std::string der;
        if (DecodeHex(*key, der)) {
          by_index_[*index] = Sha256::Of(der);
          subjects_[by_index_[*index]] = SubjectName(der);
        } else {
          Problem(out, "certificate " + *index + " is not hex DER; skipped");
        }
      }
    }
    for (const AndroidXmlElement& c : e.children) Collect(c, out);
  }

  // The digests of a <sigs> or <past-sigs> element's certificates.
  std::vector<std::string> Resolve(const AndroidXmlElement& sigs,
                                   const std::string& owner,
                                   AndroidPackages& out) const {
    std::vector<std::string> digests;
    for (const AndroidXmlElement& c : sigs.children) {
      if (c.name != "cert") continue;
      const std::string index(c.AttributeOr("index"));
      auto it = by_index_.find(index);
      if (it == by_index_.end()) {
        Problem(out, owner + ": certificate index \"" + index +
                         "\" names no certificate in the file");
        continue;
      }
      digests.push_back(it->second);
    }
    return digests;
  }

  /// The subject CN (or O) of a certificate of the file, by digest.
  std::string SubjectOf(const std::string& digest) const {
    auto it = subjects_.find(digest);
    return it == subjects_.end() ? std::string() : it->second;
  }

 private:
  std::map<std::string, std::string> by_index_;
  std::map<std::string, std::string> subjects_;  ///< digest -> subject
};

const AndroidXmlElement* Child(const AndroidXmlElement& e,
                               std::string_view name) {
  for (const AndroidXmlElement& c : e.children) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

}  // namespace

std::string AndroidHexMillisToRfc3339(std::string_view hex) {
  uint64_t millis = 0;
  if (hex.empty() || hex.size() > 16) return {};
  const auto res = std::from_chars(hex.data(), hex.data() + hex.size(), millis, 16);
  if (res.ec != std::errc() || res.ptr != hex.data() + hex.size()) return {};
  return UnixSecondsToRfc3339(static_cast<int64_t>(millis / 1000));
}

AndroidPackages ReadAndroidPackagesXml(const AndroidXmlDocument& doc) {
  const AndroidXmlElement& root = doc.root;
  if (root.name != "packages") {
    throw ParseError("root element is <" + root.name + ">, not <packages>");
  }
  AndroidPackages out;
  CertTable certs;
  certs.Collect(root, out);

  // Shared users (several packages under one uid) carry the signatures
  // their packages share: by uid.
  std::map<std::string, std::vector<std::string>> shared_certs;
  std::map<std::string, bool> updated;  // names with an <updated-package>
  for (const AndroidXmlElement& e : root.children) {
    if (e.name == "shared-user") {
      if (const AndroidXmlElement* sigs = Child(e, "sigs")) {
        shared_certs[std::string(e.AttributeOr("userId"))] = certs.Resolve(
            *sigs, "shared user " + std::string(e.AttributeOr("name")), out);
      }
    } else if (e.name == "updated-package") {
      updated[std::string(e.AttributeOr("name"))] = true;
    }
  }

  for (const AndroidXmlElement& e : root.children) {
    if (e.name != "package") continue;
    AndroidPackage p;
    p.name = e.AttributeOr("name");
    if (p.name.empty()) {
      Problem(out, "a <package> without a name; skipped");
      continue;
    }
    p.version_name = e.AttributeOr("versionName");
    p.version_code = e.AttributeOr("version");
    p.code_path = e.AttributeOr("codePath");
    p.installer = e.AttributeOr("installer");
    p.install_initiator = e.AttributeOr("installInitiator");
    p.user_id = e.AttributeOr("userId");
    p.shared_user_id = e.AttributeOr("sharedUserId");
    p.first_installed = AndroidHexMillisToRfc3339(e.AttributeOr("it"));
    p.last_updated = AndroidHexMillisToRfc3339(e.AttributeOr("ut"));
    p.timestamp = AndroidHexMillisToRfc3339(e.AttributeOr("ft"));
    if (const AndroidXmlElement* sigs = Child(e, "sigs")) {
      p.cert_sha256 = certs.Resolve(*sigs, "package " + p.name, out);
    } else if (!p.shared_user_id.empty()) {
      auto it = shared_certs.find(p.shared_user_id);
      if (it != shared_certs.end()) p.cert_sha256 = it->second;
    }
    if (const AndroidXmlElement* past = Child(e, "past-sigs")) {
      p.past_cert_sha256 = certs.Resolve(*past, "package " + p.name, out);
    }
    if (!p.cert_sha256.empty()) {
      p.cert_subject = certs.SubjectOf(p.cert_sha256.front());
    }
    p.updated_system_app = updated.count(p.name) > 0;
    out.packages.push_back(std::move(p));
  }
  return out;
}

AndroidPackages ReadAndroidPackagesXmlBytes(std::string_view bytes) {
  // None of these holds a <cert>: certificates are written in <sigs> and
  // <past-sigs> only (PackageManager's writeSigs).
  return ReadAndroidPackagesXml(ParseAndroidXml(
      bytes, {"perms", "permissions", "permission-trees", "keyset-settings",
              "domain-verification"}));
}

AndroidPackageRestrictions ReadAndroidPackageRestrictions(
    const AndroidXmlDocument& doc) {
  if (doc.root.name != "package-restrictions") {
    throw ParseError("root element is <" + doc.root.name +
                     ">, not <package-restrictions>");
  }
  AndroidPackageRestrictions out;
  for (const AndroidXmlElement& e : doc.root.children) {
    if (e.name != "pkg") continue;
    const std::string name(e.AttributeOr("name"));
    if (name.empty()) continue;
    AndroidPackageUserState s;
    s.installed = e.AttributeOr("inst") != "false";
    s.hidden = IsTrue(e.AttributeOr("hidden")) ||
               IsTrue(e.AttributeOr("blocked"));  // hidden's old name
    s.suspended = IsTrue(e.AttributeOr("suspended"));
    s.stopped = IsTrue(e.AttributeOr("stopped"));
    out[name] = s;
  }
  return out;
}

AndroidPackages ReadAndroidPackagesList(std::string_view text) {
  AndroidPackages out;
  LineReader lines(text);
  std::string_view line;
  while (lines.Next(line)) {
    if (TrimAscii(line).empty()) continue;
    std::vector<std::string_view> cols;
    size_t at = 0;
    while (at <= line.size() && cols.size() < 16) {
      const size_t space = line.find(' ', at);
      const size_t end = space == std::string_view::npos ? line.size() : space;
      if (end > at) cols.push_back(line.substr(at, end - at));
      at = end + 1;
    }
    uint64_t uid = 0;
    if (cols.size() < 2 ||
        std::from_chars(cols[1].data(), cols[1].data() + cols[1].size(), uid)
                .ptr != cols[1].data() + cols[1].size()) {
      Problem(out, "line " + std::to_string(lines.line_no()) +
                       " is not \"name uid ...\"; skipped");
      continue;
    }
    AndroidPackage p;
    p.name = cols[0];
    p.user_id = cols[1];
    // The version code is the eighth column since Android 9.
    if (cols.size() >= 8) p.version_code = cols[7];
    out.packages.push_back(std::move(p));
  }
  return out;
}

}  // namespace contraband
