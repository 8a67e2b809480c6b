#include "formats/axml.h"

#include <optional>
#include <vector>

#include "common/text.h"
#include "formats/byte_reader.h"
#include "formats/parse_error.h"

namespace contraband {
namespace {

// Chunk types (ResourceTypes.h ResChunk_header::type).
constexpr uint16_t kStringPoolType = 0x0001;
constexpr uint16_t kXmlType = 0x0003;
constexpr uint16_t kXmlStartNamespace = 0x0100;
constexpr uint16_t kXmlEndNamespace = 0x0101;
constexpr uint16_t kXmlStartElement = 0x0102;
constexpr uint16_t kXmlEndElement = 0x0103;
constexpr uint16_t kXmlResourceMap = 0x0180;

constexpr uint32_t kStringPoolUtf8 = 1u << 8;
constexpr uint32_t kNoIndex = 0xFFFFFFFFu;

// Res_value::dataType.
constexpr uint8_t kTypeReference = 0x01;
constexpr uint8_t kTypeAttribute = 0x02;
constexpr uint8_t kTypeString = 0x03;
constexpr uint8_t kTypeDynamicReference = 0x07;
constexpr uint8_t kTypeIntDec = 0x10;
constexpr uint8_t kTypeIntHex = 0x11;
constexpr uint8_t kTypeIntBoolean = 0x12;

// android:attr resource ids (frameworks/base/core/res/res/values/public.xml).
constexpr uint32_t kAttrLabel = 0x01010001;
constexpr uint32_t kAttrMinSdkVersion = 0x0101020c;
constexpr uint32_t kAttrVersionCode = 0x0101021b;
constexpr uint32_t kAttrVersionName = 0x0101021c;

// Elements nest a few levels in real manifests; far deeper is hostile.
constexpr int kMaxDepth = 256;
// A decoded string longer than this is cut (a package name is < 256).
constexpr size_t kMaxStringBytes = 64u << 10;

std::string Hex32(uint32_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "0x";
  for (int shift = 28; shift >= 0; shift -= 4)
    out += kDigits[(v >> shift) & 0xF];
  return out;
}

class StringPool {
 public:
  StringPool() = default;
  // `chunk` is the whole string pool chunk, header included.
  explicit StringPool(std::string_view chunk) : chunk_(chunk) {
    ByteReader r(chunk);
    r.skip(2, "string pool type");
    const uint16_t header_size = r.le<uint16_t>("string pool header size");
    r.skip(4, "string pool size");
    count_ = r.le<uint32_t>("string pool string count");
    r.skip(4, "string pool style count");
    flags_ = r.le<uint32_t>("string pool flags");
    strings_start_ = r.le<uint32_t>("string pool strings start");
    if (header_size < 28 || header_size > chunk.size()) {
      throw ParseError("string pool header size " +
                       std::to_string(header_size) + " is out of range");
    }
    // Every string needs a 4-byte offset inside the chunk.
    if (count_ > (chunk.size() - header_size) / 4) {
      throw ParseError("string pool claims " + std::to_string(count_) +
                       " strings, more than its " +
                       std::to_string(chunk.size()) + " bytes can hold");
    }
    offsets_ = header_size;
    if (strings_start_ > chunk.size()) {
      throw ParseError("string pool strings start lies past its chunk");
    }
  }

  uint32_t count() const { return count_; }

  // String `index` as UTF-8; nullopt when the index or its bytes are bad.
  std::optional<std::string> Get(uint32_t index) const {
    if (index >= count_) return std::nullopt;
    try {
      ByteReader r(chunk_);
      r.seek(offsets_ + 4ull * index, "string offset");
      const uint64_t at = static_cast<uint64_t>(strings_start_) +
                          r.le<uint32_t>("string offset");
      r.seek(at, "string");
      return (flags_ & kStringPoolUtf8) ? Utf8At(r) : Utf16At(r);
    } catch (const ParseError&) {
      return std::nullopt;
    }
  }

 private:
  static std::string Utf8At(ByteReader& r) {
    // Two lengths, each one byte or, with the high bit set, two: the length
    // in UTF-16 units (unused here), then in bytes.
    auto length = [&r]() -> uint32_t {
      uint32_t n = r.le<uint8_t>("string length");
      if (n & 0x80) n = ((n & 0x7F) << 8) | r.le<uint8_t>("string length");
      return n;
    };
    (void)length();
    const uint32_t bytes = length();
    std::string_view s = r.bytes(bytes, "string bytes");
    return Clean(
        std::string(s.substr(0, std::min<size_t>(s.size(), kMaxStringBytes))));
  }

  static std::string Utf16At(ByteReader& r) {
    uint32_t n = r.le<uint16_t>("string length");
    if (n & 0x8000) n = ((n & 0x7FFF) << 16) | r.le<uint16_t>("string length");
    std::string_view units = r.bytes(2ull * n, "string characters");
    std::string out;
    for (size_t i = 0; i + 1 < units.size() && out.size() < kMaxStringBytes;
         i += 2) {
      uint32_t cp =
          static_cast<unsigned char>(units[i]) |
          (static_cast<uint32_t>(static_cast<unsigned char>(units[i + 1]))
           << 8);
      if (cp >= 0xD800 && cp < 0xDC00 && i + 3 < units.size()) {
        const uint32_t low =
            static_cast<unsigned char>(units[i + 2]) |
            (static_cast<uint32_t>(static_cast<unsigned char>(units[i + 3]))
             << 8);
        if (low >= 0xDC00 && low < 0xE000) {
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          i += 2;
        }
      }
      AppendUtf8(out, cp);
    }
    return Clean(std::move(out));
  }

  // The platform reads strings as C strings in places: text after a NUL is
  // not part of the name (an obfuscation trick pads names with NULs).
  static std::string Clean(std::string s) {
    const size_t nul = s.find('\0');
    if (nul != std::string::npos) s.resize(nul);
    return s;
  }

  std::string_view chunk_;
  uint32_t count_ = 0;
  uint32_t flags_ = 0;
  uint32_t strings_start_ = 0;
  uint64_t offsets_ = 0;
};

struct Attribute {
  uint32_t ns = kNoIndex;
  uint32_t name = kNoIndex;
  uint32_t raw = kNoIndex;
  uint8_t type = 0;
  uint32_t data = 0;
};

class Parser {
 public:
  explicit Parser(std::string_view bytes) : bytes_(bytes) {}

  AxmlManifest Parse() {
    if (bytes_.size() > kMaxAxmlBytes) {
      throw ParseError("the manifest is " + std::to_string(bytes_.size()) +
                       " bytes, over the " + std::to_string(kMaxAxmlBytes) +
                       "-byte limit");
    }
    ByteReader r(bytes_);
    const uint16_t type = r.le<uint16_t>("XML chunk type");
    const uint16_t header_size = r.le<uint16_t>("XML chunk header size");
    const uint32_t size = r.le<uint32_t>("XML chunk size");
    if (type != kXmlType) {
      throw ParseError("not a binary XML resource (chunk type " + Hex32(type) +
                       ")");
    }
    if (header_size < 8 || header_size > size || size > bytes_.size()) {
      throw ParseError("the XML chunk's sizes (header " +
                       std::to_string(header_size) + ", chunk " +
                       std::to_string(size) + ") do not fit the " +
                       std::to_string(bytes_.size()) + "-byte file");
    }
    uint64_t at = header_size;
    while (at + 8 <= size && !done_) {
      ByteReader c(bytes_);
      c.seek(at, "chunk");
      const uint16_t chunk_type = c.le<uint16_t>("chunk type");
      const uint16_t chunk_header = c.le<uint16_t>("chunk header size");
      const uint32_t chunk_size = c.le<uint32_t>("chunk size");
      if (chunk_size < 8 || chunk_header < 8 || chunk_header > chunk_size ||
          chunk_size > size - at) {
        throw ParseError("chunk at offset " + std::to_string(at) +
                         " has sizes (header " + std::to_string(chunk_header) +
                         ", chunk " + std::to_string(chunk_size) +
                         ") outside its parent");
      }
      const std::string_view chunk =
          ByteReader::Slice(bytes_, at, chunk_size, "chunk");
      switch (chunk_type) {
        case kStringPoolType:
          if (!have_pool_) {  // the first pool is the one the tree uses
            pool_ = StringPool(chunk);
            have_pool_ = true;
          }
          break;
        case kXmlResourceMap:
          if (resource_ids_.empty()) ReadResourceMap(chunk, chunk_header);
          break;
        case kXmlStartElement:
          StartElement(chunk, chunk_header);
          break;
        case kXmlEndElement:
          if (depth_ > 0) --depth_;
          if (depth_ == 0 && saw_manifest_) done_ = true;
          break;
        case kXmlStartNamespace:
        case kXmlEndNamespace:
        default:
          break;  // namespaces need no tracking: ids say what an attribute is
      }
      at += chunk_size;
    }
    if (!saw_manifest_) throw ParseError("no <manifest> element");
    if (out_.package.empty()) {
      throw ParseError("the <manifest> element names no package");
    }
    return out_;
  }

 private:
  void ReadResourceMap(std::string_view chunk, uint16_t header_size) {
    ByteReader r(chunk);
    r.seek(header_size, "resource map");
    const size_t n = std::min<size_t>(r.remaining() / 4, pool_.count());
    resource_ids_.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      resource_ids_.push_back(r.le<uint32_t>("resource id"));
    }
  }

  uint32_t ResourceIdOf(uint32_t name) const {
    return name < resource_ids_.size() ? resource_ids_[name] : 0;
  }

  std::string StringAt(uint32_t index) const {
    if (index == kNoIndex) return {};
    return pool_.Get(index).value_or(std::string());
  }

  // The attribute's value as text, as aapt shows it.
  std::string ValueText(const Attribute& a) const {
    switch (a.type) {
      case kTypeString:
        return StringAt(a.data);
      case kTypeReference:
      case kTypeDynamicReference:
        return "@" + Hex32(a.data);
      case kTypeAttribute:
        return "?" + Hex32(a.data);
      case kTypeIntDec:
        return std::to_string(a.data);
      case kTypeIntHex:
        return Hex32(a.data);
      case kTypeIntBoolean:
        return a.data ? "true" : "false";
      default:
        // A raw string value (versionName stays text) else the number.
        if (a.raw != kNoIndex) return StringAt(a.raw);
        return std::to_string(a.data);
    }
  }

  void StartElement(std::string_view chunk, uint16_t header_size) {
    if (++depth_ > kMaxDepth) {
      throw ParseError("elements nest deeper than " +
                       std::to_string(kMaxDepth));
    }
    if (depth_ > 2) return;  // only <manifest> and its children matter
    ByteReader r(chunk);
    r.seek(header_size, "element");
    r.skip(4, "element namespace");
    const std::string name = StringAt(r.le<uint32_t>("element name"));
    const uint16_t attribute_start = r.le<uint16_t>("attribute start");
    const uint16_t attribute_size = r.le<uint16_t>("attribute size");
    const uint16_t attribute_count = r.le<uint16_t>("attribute count");
    if (depth_ == 1) {
      if (saw_manifest_) return;
      saw_manifest_ = true;  // the root is the manifest, whatever its name
    } else if (name != "application" && name != "uses-sdk") {
      return;
    }
    if (attribute_size < 20) return;  // no room for a Res_value
    const uint64_t first = static_cast<uint64_t>(header_size) + attribute_start;
    // The count is bounded by the bytes the node has.
    const uint64_t room =
        first <= chunk.size() ? (chunk.size() - first) / attribute_size : 0;
    const uint64_t n = std::min<uint64_t>(attribute_count, room);
    for (uint64_t i = 0; i < n; ++i) {
      ByteReader a(chunk);
      a.seek(first + i * attribute_size, "attribute");
      Attribute attr;
      attr.ns = a.le<uint32_t>("attribute namespace");
      attr.name = a.le<uint32_t>("attribute name");
      attr.raw = a.le<uint32_t>("attribute raw value");
      a.skip(3, "attribute value size");
      attr.type = a.le<uint8_t>("attribute value type");
      attr.data = a.le<uint32_t>("attribute value");
      Apply(depth_ == 1 ? std::string_view("manifest") : std::string_view(name),
            attr);
    }
  }

  void Apply(std::string_view element, const Attribute& a) {
    const uint32_t id = ResourceIdOf(a.name);
    // A number in hexadecimal form is still a number: versions are decimal.
    const bool integer = a.type >= kTypeIntDec && a.type <= 0x1f;
    if (element == "manifest") {
      if (id == kAttrVersionCode) {
        out_.version_code = integer ? std::to_string(a.data) : ValueText(a);
      } else if (id == kAttrVersionName) {
        out_.version_name = ValueText(a);
      } else if (id == 0 && a.ns == kNoIndex && StringAt(a.name) == "package") {
        out_.package = ValueText(a);
      }
    } else if (element == "application" && id == kAttrLabel) {
      if (out_.label.empty()) out_.label = ValueText(a);
    } else if (element == "uses-sdk" && id == kAttrMinSdkVersion) {
      if (out_.min_sdk.empty()) {
        out_.min_sdk = integer ? std::to_string(a.data) : ValueText(a);
      }
    }
  }

  std::string_view bytes_;
  StringPool pool_;
  bool have_pool_ = false;
  std::vector<uint32_t> resource_ids_;
  int depth_ = 0;
  bool saw_manifest_ = false;
  bool done_ = false;
  AxmlManifest out_;
};

}  // namespace

AxmlManifest ParseAxmlManifest(std::string_view bytes) {
  return Parser(bytes).Parse();
}

}  // namespace contraband
