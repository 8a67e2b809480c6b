#include "formats/appx_manifest.h"

#include <cstring>
#include <pugixml.hpp>

#include "common/sha256.h"
#include "common/text.h"
#include "formats/parse_error.h"

namespace contraband {
namespace {

constexpr char kCrockford[] = "0123456789abcdefghjkmnpqrstvwxyz";

// The element's name without its namespace prefix ("uap:DisplayName" ->
// "DisplayName"): manifests put the same elements under several prefixes.
std::string_view LocalName(const pugi::xml_node& node) {
  std::string_view name = node.name();
  const size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

pugi::xml_node Child(const pugi::xml_node& parent, std::string_view local) {
  for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && LocalName(c) == local) return c;
  }
  return {};
}

std::string Text(const pugi::xml_node& node) {
  return std::string(TrimAscii(node.child_value(), " \t\r\n"));
}

// A DOCTYPE can declare entities; manifests never have one (Windows refuses
// it), so its presence alone ends the read, before any parser sees it: in
// UTF-8 or either UTF-16 order.
bool HasDoctype(std::string_view xml) {
  static const std::string kUtf16Le("<\0!\0D\0O\0C\0T\0Y\0P\0E\0", 18);
  static const std::string kUtf16Be("\0<\0!\0D\0O\0C\0T\0Y\0P\0E", 18);
  return xml.find("<!DOCTYPE") != std::string_view::npos ||
         xml.find(kUtf16Le) != std::string_view::npos ||
         xml.find(kUtf16Be) != std::string_view::npos;
}

// UTF-8 to UTF-16LE bytes; a malformed sequence is one U+FFFD per bad byte.
std::string Utf16Le(std::string_view s) {
  std::string out;
  out.reserve(s.size() * 2);
  auto unit = [&](uint32_t u) {
    out += static_cast<char>(u & 0xff);
    out += static_cast<char>(u >> 8);
  };
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    size_t len = b < 0x80         ? 1
                 : (b >> 5) == 6  ? 2
                 : (b >> 4) == 14 ? 3
                 : (b >> 3) == 30 ? 4
                                  : 0;
    uint32_t cp = len == 1   ? b
                  : len == 2 ? (b & 0x1f)
                  : len == 3 ? (b & 0x0f)
                             : (b & 0x07);
    bool ok = len > 0 && i + len <= s.size();
    for (size_t k = 1; ok && k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xc0) != 0x80) ok = false;
      cp = (cp << 6) | (c & 0x3f);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (ok &&
        (cp < kMin[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))) {
      ok = false;
    }
    if (!ok) {
      unit(0xfffd);
      ++i;
      continue;
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      unit(0xd800 + (cp >> 10));
      unit(0xdc00 + (cp & 0x3ff));
    } else {
      unit(cp);
    }
    i += len;
  }
  return out;
}

bool IsPublisherId(std::string_view id) {
  if (id.size() != 13) return false;
  for (char c : id) {
    if (std::strchr(kCrockford, c) == nullptr || c == '\0') return false;
  }
  return true;
}

}  // namespace

std::string AppxPublisherId(std::string_view publisher) {
  const std::string hex = Sha256::Of(Utf16Le(publisher));
  // First 8 bytes, big-endian as written, then a zero bit: 65 bits, 13
  // groups of 5 from the top.
  const uint64_t bits = std::stoull(hex.substr(0, 16), nullptr, 16);
  std::string out;
  for (int i = 0; i < 13; ++i) {
    const int shift = 59 - 5 * i;  // in `bits`: one less than in the 65
    const uint64_t group = shift >= 0 ? (bits >> shift) & 31 : (bits << 1) & 31;
    out += kCrockford[group];
  }
  return out;
}

std::string AppxManifest::FamilyName() const {
  return name + "_" + AppxPublisherId(publisher);
}

std::string AppxManifest::FullName() const {
  return name + "_" + version + "_" + architecture + "_" +
         (bundle ? std::string("~") : resource_id) + "_" +
         AppxPublisherId(publisher);
}

AppxManifest ParseAppxManifest(std::string_view xml) {
  if (xml.size() > kMaxAppxManifestBytes) {
    throw ParseError("manifest is " + std::to_string(xml.size()) +
                     " bytes, over the " +
                     std::to_string(kMaxAppxManifestBytes) + "-byte limit");
  }
  if (HasDoctype(xml)) {
    throw ParseError(
        "manifest has a DOCTYPE (entity declarations), which package "
        "manifests never have; not read");
  }
  pugi::xml_document doc;
  const pugi::xml_parse_result parsed = doc.load_buffer(
      xml.data(), xml.size(), pugi::parse_default, pugi::encoding_auto);
  if (!parsed) {
    throw ParseError(std::string("manifest is not well-formed XML: ") +
                     parsed.description() + " at byte " +
                     std::to_string(parsed.offset));
  }
  const pugi::xml_node root = doc.document_element();
  AppxManifest m;
  if (LocalName(root) == "Bundle") {
    m.bundle = true;
  } else if (LocalName(root) != "Package") {
    throw ParseError("manifest's root element is <" + std::string(root.name()) +
                     ">, not <Package> or <Bundle>");
  }
  const pugi::xml_node identity = Child(root, "Identity");
  if (!identity) throw ParseError("manifest has no <Identity>");
  m.name = identity.attribute("Name").value();
  m.publisher = identity.attribute("Publisher").value();
  if (m.name.empty() || m.publisher.empty()) {
    throw ParseError("manifest's <Identity> has no Name or no Publisher");
  }
  m.version = identity.attribute("Version").value();
  m.architecture = identity.attribute("ProcessorArchitecture").value();
  if (m.architecture.empty()) m.architecture = "neutral";
  m.resource_id = identity.attribute("ResourceId").value();
  const pugi::xml_node props = Child(root, "Properties");
  m.display_name = Text(Child(props, "DisplayName"));
  m.publisher_display_name = Text(Child(props, "PublisherDisplayName"));
  return m;
}

std::optional<AppxFullName> ParseAppxFullName(std::string_view full_name) {
  AppxFullName out;
  std::string* parts[] = {&out.name, &out.version, &out.architecture,
                          &out.resource_id, &out.publisher_id};
  size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    const size_t end = i == 4 ? full_name.size() : full_name.find('_', start);
    if (end == std::string_view::npos) return std::nullopt;
    *parts[i] = std::string(full_name.substr(start, end - start));
    start = end + 1;
  }
  if (out.name.empty() || !IsPublisherId(out.publisher_id)) {
    return std::nullopt;
  }
  return out;
}

bool IsAppxResourceReference(std::string_view text) {
  constexpr std::string_view kPrefix = "ms-resource:";
  if (text.substr(0, 2) == "@{") return true;
  if (text.size() < kPrefix.size()) return false;
  for (size_t i = 0; i < kPrefix.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    if (c != kPrefix[i]) return false;
  }
  return true;
}

}  // namespace contraband
