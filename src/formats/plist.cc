#include "formats/plist.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <cstdio>
#include <pugixml.hpp>

#include "formats/byte_reader.h"
#include "formats/parse_error.h"

namespace contraband {

const PlistValue* PlistValue::Find(std::string_view key) const {
  if (type != Type::kDict) return nullptr;
  for (size_t i = 0; i < keys.size() && i < items.size(); ++i) {
    if (keys[i] == key) return &items[i];
  }
  return nullptr;
}

std::string PlistValue::StringAt(std::string_view key) const {
  const PlistValue* v = Find(key);
  return v && v->is_string() ? v->text : std::string();
}

namespace {

// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
void CivilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// UTF-16 big-endian code units to UTF-8; a lone surrogate is U+FFFD.
std::string Utf16BeToUtf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  const size_t n = bytes.size() / 2;
  auto unit = [&](size_t i) {
    return static_cast<uint32_t>(static_cast<unsigned char>(bytes[2 * i]) << 8 |
                                 static_cast<unsigned char>(bytes[2 * i + 1]));
  };
  for (size_t i = 0; i < n; ++i) {
    uint32_t u = unit(i);
    if (u >= 0xD800 && u < 0xDC00 && i + 1 < n && unit(i + 1) >= 0xDC00 &&
        unit(i + 1) < 0xE000) {
      u = 0x10000 + ((u - 0xD800) << 10) + (unit(i + 1) - 0xDC00);
      ++i;
    } else if (u >= 0xD800 && u < 0xE000) {
      u = 0xFFFD;
    }
    AppendUtf8(out, u);
  }
  return out;
}

uint64_t BigEndian(std::string_view bytes) {
  uint64_t v = 0;
  for (char c : bytes) v = v << 8 | static_cast<unsigned char>(c);
  return v;
}

// XML has no UID element: Apple writes one as {CF$UID: n}, and tools that
// convert XML to binary (libplist) may keep that dict. Both read as a UID.
void FoldUidDict(PlistValue& v) {
  if (v.type == PlistValue::Type::kDict && v.keys.size() == 1 &&
      v.items.size() == 1 && v.keys[0] == "CF$UID" &&
      v.items[0].type == PlistValue::Type::kInteger) {
    const int64_t uid = v.items[0].integer;
    v = PlistValue();
    v.type = PlistValue::Type::kUid;
    v.integer = uid;
  }
}

// ---- binary ---------------------------------------------------------------

class BinaryPlistReader {
 public:
  explicit BinaryPlistReader(std::string_view bytes) : bytes_(bytes) {}

  PlistValue Read() {
    constexpr size_t kHeader = 8;
    constexpr size_t kTrailer = 32;
    if (bytes_.size() < kHeader + kTrailer ||
        bytes_.substr(0, 6) != "bplist") {
      throw ParseError("not a binary plist (no bplist header and trailer)");
    }
    if (bytes_.substr(6, 2) != "00") {
      throw ParseError("binary plist version " +
                       std::string(bytes_.substr(6, 2)) +
                       " is not supported (only 00)");
    }
    const std::string_view trailer = bytes_.substr(bytes_.size() - kTrailer);
    offset_size_ = static_cast<unsigned char>(trailer[6]);
    ref_size_ = static_cast<unsigned char>(trailer[7]);
    const uint64_t count = BigEndian(trailer.substr(8, 8));
    const uint64_t top = BigEndian(trailer.substr(16, 8));
    const uint64_t table = BigEndian(trailer.substr(24, 8));
    if (offset_size_ < 1 || offset_size_ > 8 || ref_size_ < 1 ||
        ref_size_ > 8) {
      throw ParseError("binary plist trailer: bad offset or reference size");
    }
    if (count == 0 || count > kPlistMaxObjects) {
      throw ParseError("binary plist trailer: object count " +
                       std::to_string(count) + " out of bounds");
    }
    if (top >= count) {
      throw ParseError("binary plist trailer: top object out of range");
    }
    const uint64_t end = bytes_.size() - kTrailer;
    if (table < kHeader || table > end ||
        count * offset_size_ > end - table) {
      throw ParseError("binary plist trailer: offset table outside the file");
    }
    table_ = table;
    count_ = count;
    end_ = end;
    state_.assign(static_cast<size_t>(count), 0);
    return Object(top, 0);
  }

 private:
  uint64_t OffsetOf(uint64_t index) const {
    const uint64_t at = table_ + index * offset_size_;
    const uint64_t offset = BigEndian(bytes_.substr(at, offset_size_));
    if (offset < 8 || offset >= end_) {
      throw ParseError("binary plist object " + std::to_string(index) +
                       " has offset outside the object area");
    }
    return offset;
  }

  void Charge(uint64_t n) {
    // Each value costs its node as well as its bytes: a shared object is
    // decoded once per reference.
    decoded_ += n + sizeof(PlistValue);
    if (decoded_ > kPlistMaxDecodedBytes) {
      throw ParseError("binary plist decodes to over " +
                       std::to_string(kPlistMaxDecodedBytes) + " bytes");
    }
  }

  // The count after a marker whose low nibble is 0xF: an integer object.
  uint64_t Count(uint8_t nibble, uint64_t& pos) {
    if (nibble != 0x0F) return nibble;
    if (pos >= end_) throw ParseError("binary plist: count past the end");
    const auto marker = static_cast<unsigned char>(bytes_[pos]);
    if ((marker & 0xF0) != 0x10 || (marker & 0x0F) > 3) {
      throw ParseError("binary plist: count is not an integer");
    }
    const uint64_t width = 1ull << (marker & 0x0F);
    if (width > end_ - pos - 1) {
      throw ParseError("binary plist: count past the end");
    }
    const uint64_t v = BigEndian(bytes_.substr(pos + 1, width));
    pos += 1 + width;
    return v;
  }

  std::string_view Span(uint64_t pos, uint64_t length, const char* what) {
    if (pos > end_ || length > end_ - pos) {
      throw ParseError(std::string("binary plist: ") + what +
                       " runs past the object area");
    }
    return bytes_.substr(pos, length);
  }

  uint64_t Ref(uint64_t pos, uint64_t i) {
    const uint64_t r = BigEndian(Span(pos + i * ref_size_, ref_size_, "refs"));
    if (r >= count_) {
      throw ParseError("binary plist: object reference " + std::to_string(r) +
                       " out of range");
    }
    return r;
  }

  PlistValue Object(uint64_t index, int depth) {
    if (depth > kPlistMaxDepth) {
      throw ParseError("binary plist nested over " +
                       std::to_string(kPlistMaxDepth) + " levels");
    }
    if (state_[index] == 1) {
      throw ParseError("binary plist object " + std::to_string(index) +
                       " contains itself");
    }
    uint64_t pos = OffsetOf(index);
    const auto marker = static_cast<unsigned char>(bytes_[pos++]);
    const uint8_t high = marker >> 4;
    const uint8_t low = marker & 0x0F;
    Charge(0);
    PlistValue v;
    using T = PlistValue::Type;
    switch (high) {
      case 0x0:
        if (marker == 0x08 || marker == 0x09) {
          v.type = T::kBool;
          v.boolean = marker == 0x09;
        } else if (marker != 0x00 && marker != 0x0F) {
          throw ParseError("binary plist: unknown marker " +
                           std::to_string(marker));
        }
        return v;
      case 0x1: {
        if (low > 4) throw ParseError("binary plist: integer too wide");
        const uint64_t width = 1ull << low;
        std::string_view b = Span(pos, width, "integer");
        // 16-byte integers hold a 64-bit value in their low half.
        if (width == 16) b = b.substr(8);
        v.type = T::kInteger;
        v.integer = static_cast<int64_t>(BigEndian(b));
        return v;
      }
      case 0x2: {
        v.type = T::kReal;
        if (low == 2) {
          const auto bits = static_cast<uint32_t>(BigEndian(Span(pos, 4, "real")));
          float f;
          std::memcpy(&f, &bits, 4);
          v.real = f;
        } else if (low == 3) {
          const uint64_t bits = BigEndian(Span(pos, 8, "real"));
          std::memcpy(&v.real, &bits, 8);
        } else {
          throw ParseError("binary plist: real of unknown width");
        }
        return v;
      }
      case 0x3: {
        if (marker != 0x33) throw ParseError("binary plist: bad date marker");
        const uint64_t bits = BigEndian(Span(pos, 8, "date"));
        std::memcpy(&v.real, &bits, 8);
        v.type = T::kDate;
        v.text = AppleTimeToIso(v.real);
        return v;
      }
      case 0x4: {
        const uint64_t n = Count(low, pos);
        Charge(n);
        v.type = T::kData;
        v.text = std::string(Span(pos, n, "data"));
        return v;
      }
      case 0x5: {
        const uint64_t n = Count(low, pos);
        Charge(n);
        v.type = T::kString;
        v.text = std::string(Span(pos, n, "string"));
        return v;
      }
      case 0x6: {
        const uint64_t n = Count(low, pos);
        if (n > end_) throw ParseError("binary plist: string too long");
        Charge(n * 2);
        v.type = T::kString;
        v.text = Utf16BeToUtf8(Span(pos, n * 2, "UTF-16 string"));
        return v;
      }
      case 0x8: {
        v.type = T::kUid;
        v.integer = static_cast<int64_t>(BigEndian(Span(pos, low + 1u, "UID")));
        return v;
      }
      case 0xA:
      case 0xC:
      case 0xD: {
        const uint64_t n = Count(low, pos);
        const uint64_t refs = high == 0xD ? 2 : 1;
        if (n > count_ * 2 + 1 ||
            n * refs * ref_size_ > end_ - std::min(pos, end_)) {
          throw ParseError("binary plist: collection of " + std::to_string(n) +
                           " runs past the object area");
        }
        Charge(n * 8);
        v.type = high == 0xA ? T::kArray : high == 0xC ? T::kSet : T::kDict;
        state_[index] = 1;
        v.items.reserve(static_cast<size_t>(n));
        if (high == 0xD) {
          v.keys.reserve(static_cast<size_t>(n));
          for (uint64_t i = 0; i < n; ++i) {
            PlistValue key = Object(Ref(pos, i), depth + 1);
            if (key.type != T::kString) {
              throw ParseError("binary plist: dictionary key is not a string");
            }
            v.keys.push_back(std::move(key.text));
          }
          for (uint64_t i = 0; i < n; ++i) {
            v.items.push_back(Object(Ref(pos, n + i), depth + 1));
          }
        } else {
          for (uint64_t i = 0; i < n; ++i) {
            v.items.push_back(Object(Ref(pos, i), depth + 1));
          }
        }
        state_[index] = 0;
        FoldUidDict(v);
        return v;
      }
      default:
        throw ParseError("binary plist: unknown marker " +
                         std::to_string(marker));
    }
  }

  std::string_view bytes_;
  unsigned offset_size_ = 0;
  unsigned ref_size_ = 0;
  uint64_t table_ = 0;
  uint64_t count_ = 0;
  uint64_t end_ = 0;
  uint64_t decoded_ = 0;
  std::vector<uint8_t> state_;  // 1 while an object's children are read
};

// ---- XML ------------------------------------------------------------------

// Apple's own DOCTYPE line is harmless; anything that can declare entities
// (an internal subset, an ENTITY declaration) is refused before pugixml
// sees the text, in UTF-8 and in UTF-16 of either order.
void CheckDoctype(std::string_view xml) {
  if (xml.find('\0') != std::string_view::npos) {
    static const std::string kLe("<\0!\0", 4);
    static const std::string kBe("\0<\0!", 4);
    if (xml.find(kLe) != std::string_view::npos ||
        xml.find(kBe) != std::string_view::npos) {
      throw ParseError("XML plist: a UTF-16 DOCTYPE or declaration is refused");
    }
    return;
  }
  if (xml.find("<!ENTITY") != std::string_view::npos) {
    throw ParseError("XML plist: entity declarations are refused");
  }
  const size_t at = xml.find("<!DOCTYPE");
  if (at == std::string_view::npos) return;
  const size_t close = xml.find('>', at);
  if (close == std::string_view::npos) {
    throw ParseError("XML plist: unterminated DOCTYPE");
  }
  const std::string_view doctype = xml.substr(at, close - at);
  if (doctype.find('[') != std::string_view::npos) {
    throw ParseError("XML plist: a DOCTYPE internal subset is refused");
  }
  if (doctype.substr(0, 15) != "<!DOCTYPE plist") {
    throw ParseError("XML plist: only Apple's plist DOCTYPE is accepted");
  }
  // After it, only comments and CDATA may start with "<!".
  for (size_t i = xml.find("<!", close); i != std::string_view::npos;
       i = xml.find("<!", i + 2)) {
    const std::string_view rest = xml.substr(i);
    if (rest.substr(0, 4) != "<!--" && rest.substr(0, 9) != "<![CDATA[") {
      throw ParseError("XML plist: a second declaration is refused");
    }
  }
}

int Base64Digit(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Base64 with whitespace skipped; stops at '='. Other bytes are an error.
std::string DecodeBase64(std::string_view text) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (c == '=') break;
    const int d = Base64Digit(c);
    if (d < 0) throw ParseError("XML plist: <data> is not base64");
    acc = acc << 6 | static_cast<uint32_t>(d);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

std::string_view Trimmed(const char* text) {
  std::string_view s(text);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' ||
                        s.front() == '\r' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' ||
                        s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

class XmlPlistReader {
 public:
  PlistValue Convert(const pugi::xml_node& node, int depth) {
    if (depth > kPlistMaxDepth) {
      throw ParseError("XML plist nested over " +
                       std::to_string(kPlistMaxDepth) + " levels");
    }
    if (++objects_ > kPlistMaxObjects) {
      throw ParseError("XML plist has over " +
                       std::to_string(kPlistMaxObjects) + " objects");
    }
    using T = PlistValue::Type;
    const std::string_view name = node.name();
    PlistValue v;
    if (name == "dict") {
      v.type = T::kDict;
      std::string key;
      bool have_key = false;
      for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
        if (c.type() != pugi::node_element) continue;
        if (std::string_view(c.name()) == "key") {
          key = c.child_value();
          have_key = true;
          continue;
        }
        if (!have_key) throw ParseError("XML plist: dict value without a key");
        v.keys.push_back(std::move(key));
        v.items.push_back(Convert(c, depth + 1));
        have_key = false;
      }
      FoldUidDict(v);
    } else if (name == "array") {
      v.type = T::kArray;
      for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
        if (c.type() == pugi::node_element) {
          v.items.push_back(Convert(c, depth + 1));
        }
      }
    } else if (name == "string") {
      v.type = T::kString;
      v.text = node.child_value();
    } else if (name == "integer") {
      v.type = T::kInteger;
      const std::string text(Trimmed(node.child_value()));
      char* end = nullptr;
      errno = 0;
      v.integer = text.size() > 1 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')
                      ? static_cast<int64_t>(std::strtoull(text.c_str(), &end, 16))
                  : !text.empty() && text[0] != '-'
                      ? static_cast<int64_t>(std::strtoull(text.c_str(), &end, 10))
                      : std::strtoll(text.c_str(), &end, 10);
      if (text.empty() || *end != '\0' || errno == ERANGE) {
        throw ParseError("XML plist: bad <integer> '" + text + "'");
      }
    } else if (name == "real") {
      v.type = T::kReal;
      const std::string text(Trimmed(node.child_value()));
      char* end = nullptr;
      v.real = std::strtod(text.c_str(), &end);
      if (text.empty() || *end != '\0') {
        throw ParseError("XML plist: bad <real> '" + text + "'");
      }
    } else if (name == "true" || name == "false") {
      v.type = T::kBool;
      v.boolean = name == "true";
    } else if (name == "date") {
      v.type = T::kDate;
      v.text = Trimmed(node.child_value());
    } else if (name == "data") {
      v.type = T::kData;
      v.text = DecodeBase64(node.child_value());
    } else {
      throw ParseError("XML plist: unknown element <" + std::string(name) +
                       ">");
    }
    return v;
  }

 private:
  size_t objects_ = 0;
};

}  // namespace

std::string AppleTimeToIso(double seconds) {
  // 978307200: 2001-01-01 in Unix time.
  if (!std::isfinite(seconds) || seconds < -63113904000.0 - 978307200.0 ||
      seconds > 253402300799.0 - 978307200.0) {
    return {};
  }
  const auto unix_seconds =
      static_cast<int64_t>(std::floor(seconds)) + 978307200;
  int64_t days = unix_seconds / 86400;
  int64_t rest = unix_seconds % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, y, m, d);
  if (y < 1 || y > 9999) return {};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ",
                static_cast<int>(y), m, d, static_cast<int>(rest / 3600),
                static_cast<int>(rest / 60 % 60), static_cast<int>(rest % 60));
  return buf;
}

PlistValue ParseBinaryPlist(std::string_view bytes) {
  return BinaryPlistReader(bytes).Read();
}

PlistValue ParseXmlPlist(std::string_view bytes) {
  CheckDoctype(bytes);
  pugi::xml_document doc;
  // No parse_doctype: the (checked) DOCTYPE is skipped; pugixml expands only
  // the five predefined entities and character references.
  const pugi::xml_parse_result result = doc.load_buffer(
      bytes.data(), bytes.size(), pugi::parse_default & ~pugi::parse_pi);
  if (!result) {
    throw ParseError(std::string("XML plist: ") + result.description() +
                     " at byte " + std::to_string(result.offset));
  }
  const pugi::xml_node plist = doc.child("plist");
  if (!plist) throw ParseError("XML plist: no <plist> element");
  for (pugi::xml_node c = plist.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element) return XmlPlistReader().Convert(c, 0);
  }
  throw ParseError("XML plist: <plist> is empty");
}

PlistValue ParsePlist(std::string_view bytes) {
  if (bytes.substr(0, 6) == "bplist") return ParseBinaryPlist(bytes);
  return ParseXmlPlist(bytes);
}

PlistValue ParsePlistDict(std::string_view bytes, std::string_view what) {
  PlistValue top = ParsePlist(bytes);
  if (top.type != PlistValue::Type::kDict) {
    throw ParseError(std::string(what) + " is not a dictionary");
  }
  return top;
}

const PlistValue* KeyedArchiveObject(const PlistValue& archive,
                                     const PlistValue& uid) {
  if (uid.type != PlistValue::Type::kUid) return nullptr;
  const PlistValue* objects = archive.Find("$objects");
  if (!objects || objects->type != PlistValue::Type::kArray) return nullptr;
  if (uid.integer < 0 ||
      static_cast<uint64_t>(uid.integer) >= objects->items.size()) {
    return nullptr;
  }
  return &objects->items[static_cast<size_t>(uid.integer)];
}

std::vector<std::string> KeyedArchiveStrings(const PlistValue& archive) {
  std::vector<std::string> out;
  const PlistValue* objects = archive.Find("$objects");
  const PlistValue* top = archive.Find("$top");
  if (!objects || objects->type != PlistValue::Type::kArray || !top) {
    return out;
  }
  std::vector<bool> seen(objects->items.size(), false);
  // Depth-first, iterative: an archive's references may go anywhere.
  std::vector<const PlistValue*> stack{top};
  while (!stack.empty()) {
    const PlistValue* v = stack.back();
    stack.pop_back();
    if (v->type == PlistValue::Type::kUid) {
      const PlistValue* target = KeyedArchiveObject(archive, *v);
      if (!target) continue;
      const auto i = static_cast<size_t>(v->integer);
      if (seen[i]) continue;
      seen[i] = true;
      v = target;
    }
    if (v->type == PlistValue::Type::kString) {
      if (v->text != "$null") out.push_back(v->text);
      continue;
    }
    for (size_t i = v->items.size(); i-- > 0;) {
      if (v->type == PlistValue::Type::kDict && i < v->keys.size() &&
          v->keys[i] == "$class") {
        continue;
      }
      stack.push_back(&v->items[i]);
    }
  }
  return out;
}

}  // namespace contraband
