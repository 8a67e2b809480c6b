#include "formats/android_xml.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <pugixml.hpp>
#include <system_error>

#include "common/text.h"
#include "formats/byte_reader.h"
#include "formats/parse_error.h"

namespace contraband {
namespace {

constexpr std::string_view kAbxMagic("ABX\0", 4);
constexpr std::string_view kXmlBlank = " \t\r\n";

// ABX token byte: the low nibble is the XmlPullParser event, the high nibble
// the type of the data that follows (AOSP BinaryXmlSerializer).
enum AbxToken : uint8_t {
  kStartDocument = 0,
  kEndDocument = 1,
  kStartTag = 2,
  kEndTag = 3,
  kText = 4,
  kCdsect = 5,
  kEntityRef = 6,
  kIgnorableWhitespace = 7,
  kProcessingInstruction = 8,
  kComment = 9,
  kDocdecl = 10,
  kAttribute = 15,
};

enum AbxType : uint8_t {
  kTypeNull = 1,
  kTypeString = 2,
  kTypeStringInterned = 3,
  kTypeBytesHex = 4,
  kTypeBytesBase64 = 5,
  kTypeInt = 6,
  kTypeIntHex = 7,
  kTypeLong = 8,
  kTypeLongHex = 9,
  kTypeFloat = 10,
  kTypeDouble = 11,
  kTypeBooleanTrue = 12,
  kTypeBooleanFalse = 13,
};

// Java's modified UTF-8 (what DataOutput.writeUTF writes) as standard UTF-8:
// U+0000 is written C0 80 and a supplementary character as two 3-byte
// surrogates. Other bytes are copied as they are.
std::string FromModifiedUtf8(std::string_view s) {
  if (s.find('\xC0') == std::string_view::npos &&
      s.find('\xED') == std::string_view::npos) {
    return std::string(s);
  }
  std::string out;
  out.reserve(s.size());
  auto surrogate = [&](size_t at, uint8_t low_bits_min) -> int32_t {
    // ED A0..AF xx = high surrogate, ED B0..BF xx = low surrogate.
    if (at + 3 > s.size()) return -1;
    const auto b0 = static_cast<uint8_t>(s[at]);
    const auto b1 = static_cast<uint8_t>(s[at + 1]);
    const auto b2 = static_cast<uint8_t>(s[at + 2]);
    if (b0 != 0xED || (b1 & 0xF0) != low_bits_min || (b2 & 0xC0) != 0x80) {
      return -1;
    }
    return static_cast<int32_t>(((b1 & 0x0F) << 6) | (b2 & 0x3F));
  };
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<uint8_t>(s[i]);
    if (b == 0xC0 && i + 1 < s.size() && static_cast<uint8_t>(s[i + 1]) == 0x80) {
      out += '\0';
      i += 2;
      continue;
    }
    if (b == 0xED) {
      const int32_t high = surrogate(i, 0xA0);
      const int32_t low = high >= 0 ? surrogate(i + 3, 0xB0) : -1;
      if (high >= 0 && low >= 0) {
        AppendUtf8(out, 0x10000 + ((static_cast<uint32_t>(high) << 10) |
                                   static_cast<uint32_t>(low)));
        i += 6;
        continue;
      }
    }
    out += static_cast<char>(b);
    ++i;
  }
  return out;
}

// Java's Float.toString / Double.toString: the shortest digits that read
// back as the same value, in plain notation from 10^-3 up to 10^7 and as
// "d.dddE±n" outside, always with a digit after the point ("100.0").
template <typename T>
std::string JavaFloatingToString(T v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v < 0 ? "-Infinity" : "Infinity";
  if (v == 0) return std::signbit(v) ? "-0.0" : "0.0";
  char buf[64];
  const auto res =
      std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  if (res.ec != std::errc()) return {};
  const std::string_view sci(buf, static_cast<size_t>(res.ptr - buf));
  const size_t e = sci.find('e');
  std::string_view mantissa = sci.substr(0, e);
  int exponent = 0;
  std::from_chars(sci.data() + e + 1 + (sci[e + 1] == '+' ? 1 : 0),
                  sci.data() + sci.size(), exponent);
  std::string sign;
  if (mantissa.front() == '-') {
    sign = "-";
    mantissa.remove_prefix(1);
  }
  std::string digits;  // every significant digit, no point
  for (char c : mantissa) {
    if (c != '.') digits += c;
  }
  const T magnitude = std::fabs(v);
  if (magnitude >= static_cast<T>(1e-3) && magnitude < static_cast<T>(1e7)) {
    std::string out;
    if (exponent < 0) {
      out = "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + digits;
    } else {
      const size_t int_digits = static_cast<size_t>(exponent) + 1;
      if (digits.size() <= int_digits) {
        out = digits + std::string(int_digits - digits.size(), '0') + ".0";
      } else {
        out = digits.substr(0, int_digits) + "." + digits.substr(int_digits);
      }
    }
    return sign + out;
  }
  std::string out = digits.substr(0, 1) + "." +
                    (digits.size() > 1 ? digits.substr(1) : std::string("0"));
  return sign + out + "E" + std::to_string(exponent);
}

// Java's Integer.toString(v, 16) / Long.toString(v, 16): lower case, a minus
// sign for negative values, no "0x".
std::string JavaHex(int64_t v) {
  const bool negative = v < 0;
  uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(v)
                                : static_cast<uint64_t>(v);
  char buf[24];
  const auto res = std::to_chars(buf, buf + sizeof buf, magnitude, 16);
  return (negative ? "-" : "") +
         std::string(buf, static_cast<size_t>(res.ptr - buf));
}

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    const auto b = static_cast<uint8_t>(c);
    out += kDigits[b >> 4];
    out += kDigits[b & 0x0F];
  }
  return out;
}

std::string Base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t n = (static_cast<uint8_t>(bytes[i]) << 16) |
                       (static_cast<uint8_t>(bytes[i + 1]) << 8) |
                       static_cast<uint8_t>(bytes[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  const size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t n = static_cast<uint8_t>(bytes[i]) << 16;
    if (rest == 2) n |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += rest == 2 ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// Builds the tree from start/end events, enforcing the limits once for both
// encodings. An open element's attributes and children are gathered in
// per-depth scratch vectors that keep their capacity from one element to the
// next, and each element gets its final vectors in one allocation of the
// right size when it ends: growing every element's vectors one push at a
// time cost as much as the rest of a 2,000-package parse (bench/README.md,
// Android).
class TreeBuilder {
 public:
  explicit TreeBuilder(std::initializer_list<std::string_view> drop)
      : drop_(drop) {}

  void Start(std::string name) {
    if (done_) throw ParseError("a second root element <" + name + ">");
    if (depth_ >= kMaxAndroidXmlDepth) {
      throw ParseError("elements nested deeper than " +
                       std::to_string(kMaxAndroidXmlDepth));
    }
    Count();
    if (depth_ == levels_.size()) levels_.emplace_back();
    if (dropping_from_ == 0) {
      for (std::string_view d : drop_) {
        if (name == d) dropping_from_ = depth_ + 1;
      }
    }
    Level& l = levels_[depth_++];
    l.element = AndroidXmlElement{};
    l.element.name = std::move(name);  // kept when dropped: end tags match it
    l.text.clear();
    l.attributes.clear();
    l.children.clear();
    dropped_attributes_ = 0;
  }
  /// False inside a dropped subtree: the caller may then count its
  /// attributes (DroppedAttribute) without making their strings.
  bool Keeping() const { return dropping_from_ == 0; }
  void DroppedAttribute() { Attribute({}, {}); }
  void Attribute(std::string name, std::string value) {
    if (depth_ == 0) throw ParseError("an attribute outside any element");
    Level& l = levels_[depth_ - 1];
    if (l.attributes.size() + dropped_attributes_ >= kMaxAndroidXmlAttributes) {
      throw ParseError("element <" + l.element.name + "> has more than " +
                       std::to_string(kMaxAndroidXmlAttributes) +
                       " attributes");
    }
    Count();
    if (dropping_from_ != 0) {
      ++dropped_attributes_;  // counted per element like the kept ones
      return;
    }
    l.attributes.push_back({std::move(name), std::move(value)});
  }
  void Text(std::string_view text) {
    if (depth_ == 0 || dropping_from_ != 0) return;  // around the root; dropped
    std::string& t = levels_[depth_ - 1].text;
    if (t.size() + text.size() > kMaxAndroidXmlBytes) {
      throw ParseError("element text over the size limit");
    }
    t += text;
  }
  void End(std::string_view name) {
    if (depth_ == 0) {
      throw ParseError("end tag </" + std::string(name) + "> with no open element");
    }
    Level& l = levels_[depth_ - 1];
    if (!name.empty() && name != l.element.name) {
      throw ParseError("end tag </" + std::string(name) + "> closes <" +
                       l.element.name + ">");
    }
    --depth_;
    if (dropping_from_ != 0) {
      if (depth_ + 1 == dropping_from_) dropping_from_ = 0;
      return;
    }
    AndroidXmlElement& e = l.element;
    e.text = std::string(TrimAscii(l.text, kXmlBlank));
    e.attributes.assign(std::make_move_iterator(l.attributes.begin()),
                        std::make_move_iterator(l.attributes.end()));
    e.children.assign(std::make_move_iterator(l.children.begin()),
                      std::make_move_iterator(l.children.end()));
    l.attributes.clear();
    l.children.clear();
    if (depth_ == 0) {
      root_ = std::move(e);
      done_ = true;
    } else {
      levels_[depth_ - 1].children.push_back(std::move(e));
    }
  }
  bool InsideElement() const { return depth_ > 0; }
  AndroidXmlElement Finish() {
    if (depth_ > 0) {
      throw ParseError("the file ends inside <" +
                       levels_[depth_ - 1].element.name + ">");
    }
    if (!done_) throw ParseError("no root element");
    return std::move(root_);
  }

 private:
  struct Level {
    AndroidXmlElement element;  ///< name only until it ends
    std::string text;
    std::vector<AndroidXmlAttribute> attributes;
    std::vector<AndroidXmlElement> children;
  };
  void Count() {
    if (++nodes_ > kMaxAndroidXmlNodes) {
      throw ParseError("more than " + std::to_string(kMaxAndroidXmlNodes) +
                       " elements and attributes");
    }
  }
  std::initializer_list<std::string_view> drop_;
  std::vector<Level> levels_;  ///< [0, depth_) are open; never shrinks
  size_t depth_ = 0;
  size_t dropping_from_ = 0;  ///< depth (1-based) of the dropped element; 0: none
  size_t dropped_attributes_ = 0;  ///< of the open element, when dropped
  AndroidXmlElement root_;
  bool done_ = false;
  size_t nodes_ = 0;
};

class AbxReader {
 public:
  AbxReader(std::string_view bytes, std::initializer_list<std::string_view> drop)
      : in_(bytes), tree_(drop) {}

  AndroidXmlElement Read() {
    in_.skip(4, "ABX magic");
    bool attributes_allowed = false;
    while (in_.remaining() > 0) {
      const auto byte = in_.le<uint8_t>("token");
      const uint8_t token = byte & 0x0F;
      const uint8_t type = byte >> 4;
      if (token != kAttribute) attributes_allowed = false;
      switch (token) {
        case kStartDocument:
          break;
        case kEndDocument:
          return tree_.Finish();
        case kStartTag:
          tree_.Start(Name(type, "element name"));
          attributes_allowed = true;
          break;
        case kEndTag:
          tree_.End(Name(type, "end tag name"));
          break;
        case kText:
        case kCdsect:
        case kIgnorableWhitespace:
          tree_.Text(Utf(type, "text"));
          break;
        case kEntityRef:
          tree_.Text(EntityText(Utf(type, "entity reference")));
          break;
        case kProcessingInstruction:
        case kComment:
        case kDocdecl:
          // Said nothing about the records; a DOCTYPE here is inert (ABX
          // expands no entities).
          (void)Utf(type, "comment");
          break;
        case kAttribute: {
          if (!attributes_allowed) {
            throw ParseError("attribute token at offset " +
                             std::to_string(in_.offset() - 1) +
                             " does not follow a start tag");
          }
          std::string name = Interned("attribute name");
          std::string value = Value(type, name);
          tree_.Attribute(std::move(name), std::move(value));
          break;
        }
        default:
          throw ParseError("unknown token " + std::to_string(token) +
                           " at offset " + std::to_string(in_.offset() - 1));
      }
    }
    return tree_.Finish();  // a stream that ends without END_DOCUMENT
  }

 private:
  std::string Utf(uint8_t type, const char* what) {
    if (type == kTypeNull) return {};
    if (type != kTypeString) {
      throw ParseError(std::string(what) + " has data type " +
                       std::to_string(type) + ", not a string");
    }
    return RawUtf(what);
  }
  std::string RawUtf(const char* what) {
    const auto length = in_.be<uint16_t>(what);
    return FromModifiedUtf8(in_.bytes(length, what));
  }
  std::string Name(uint8_t type, const char* what) {
    if (type != kTypeStringInterned) {
      throw ParseError(std::string(what) + " has data type " +
                       std::to_string(type) + ", not an interned string");
    }
    return Interned(what);
  }
  // An interned string: an index into the table of strings seen so far, or
  // 0xFFFF followed by a new string that joins the table.
  std::string Interned(const char* what) {
    const auto index = in_.be<uint16_t>(what);
    if (index == 0xFFFF) {
      std::string s = RawUtf(what);
      if (interned_.size() >= kMaxAndroidXmlInterned) {
        throw ParseError("more than " + std::to_string(kMaxAndroidXmlInterned) +
                         " interned strings");
      }
      interned_.push_back(s);
      return s;
    }
    if (index >= interned_.size()) {
      throw ParseError(std::string(what) + " refers to interned string " +
                       std::to_string(index) + " of " +
                       std::to_string(interned_.size()));
    }
    return interned_[index];
  }
  std::string Value(uint8_t type, const std::string& name) {
    const char* what = "attribute value";
    switch (type) {
      case kTypeString:
        return RawUtf(what);
      case kTypeStringInterned:
        return Interned(what);
      case kTypeBytesHex:
        return Hex(in_.bytes(in_.be<uint16_t>(what), what));
      case kTypeBytesBase64:
        return Base64(in_.bytes(in_.be<uint16_t>(what), what));
      case kTypeInt:
        return std::to_string(static_cast<int32_t>(in_.be<uint32_t>(what)));
      case kTypeIntHex:
        return JavaHex(static_cast<int32_t>(in_.be<uint32_t>(what)));
      case kTypeLong:
        return std::to_string(static_cast<int64_t>(in_.be<uint64_t>(what)));
      case kTypeLongHex:
        return JavaHex(static_cast<int64_t>(in_.be<uint64_t>(what)));
      case kTypeFloat: {
        const uint32_t bits = in_.be<uint32_t>(what);
        float f;
        std::memcpy(&f, &bits, sizeof f);
        return JavaFloatingToString(f);
      }
      case kTypeDouble: {
        const uint64_t bits = in_.be<uint64_t>(what);
        double d;
        std::memcpy(&d, &bits, sizeof d);
        return JavaFloatingToString(d);
      }
      case kTypeBooleanTrue:
        return "true";
      case kTypeBooleanFalse:
        return "false";
      default:
        throw ParseError("attribute " + name + " has unknown data type " +
                         std::to_string(type));
    }
  }
  static std::string EntityText(std::string_view name) {
    if (name == "lt") return "<";
    if (name == "gt") return ">";
    if (name == "amp") return "&";
    if (name == "apos") return "'";
    if (name == "quot") return "\"";
    return {};
  }

  ByteReader in_;
  TreeBuilder tree_;
  std::vector<std::string> interned_;
};

void CopyElement(const pugi::xml_node& node, TreeBuilder& tree) {
  tree.Start(node.name());
  const bool keep = tree.Keeping();
  for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute()) {
    if (keep) {
      tree.Attribute(a.name(), a.value());
    } else {
      tree.DroppedAttribute();
    }
  }
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    switch (c.type()) {
      case pugi::node_element:
        CopyElement(c, tree);  // depth bounded by TreeBuilder::Start
        break;
      case pugi::node_pcdata:
      case pugi::node_cdata:
        if (keep) tree.Text(c.value());
        break;
      default:
        break;
    }
  }
  tree.End(node.name());
}

AndroidXmlElement ReadTextXml(std::string_view xml,
                              std::initializer_list<std::string_view> drop) {
  // A DOCTYPE can declare entities; Android never writes one, so its
  // presence alone ends the read (no billion laughs).
  if (xml.find("<!DOCTYPE") != std::string_view::npos) {
    throw ParseError("text XML has a DOCTYPE (entity declarations), which "
                     "Android never writes; not read");
  }
  pugi::xml_document doc;
  const pugi::xml_parse_result parsed = doc.load_buffer(
      xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed) {
    throw ParseError(std::string("not well-formed XML: ") +
                     parsed.description() + " at byte " +
                     std::to_string(parsed.offset));
  }
  TreeBuilder tree(drop);
  for (pugi::xml_node c = doc.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element) CopyElement(c, tree);
  }
  return tree.Finish();
}

}  // namespace

const std::string* AndroidXmlElement::Attribute(
    std::string_view attribute_name) const {
  for (const AndroidXmlAttribute& a : attributes) {
    if (a.name == attribute_name) return &a.value;
  }
  return nullptr;
}

std::string_view AndroidXmlElement::AttributeOr(
    std::string_view attribute_name) const {
  const std::string* v = Attribute(attribute_name);
  return v ? std::string_view(*v) : std::string_view();
}

bool IsAndroidBinaryXml(std::string_view bytes) {
  return bytes.substr(0, 4) == kAbxMagic;
}

AndroidXmlDocument ParseAndroidXml(std::string_view bytes,
                                   std::initializer_list<std::string_view> drop) {
  if (bytes.size() > kMaxAndroidXmlBytes) {
    throw ParseError("file is " + std::to_string(bytes.size()) +
                     " bytes, over the " + std::to_string(kMaxAndroidXmlBytes) +
                     "-byte limit");
  }
  AndroidXmlDocument doc;
  if (IsAndroidBinaryXml(bytes)) {
    doc.binary = true;
    doc.root = AbxReader(bytes, drop).Read();
  } else if (bytes.substr(0, 3) == "ABX") {
    throw ParseError("binary XML of an unknown version " +
                     std::to_string(bytes.size() > 3
                                        ? static_cast<uint8_t>(bytes[3])
                                        : 0));
  } else {
    doc.root = ReadTextXml(bytes, drop);
  }
  return doc;
}

}  // namespace contraband
