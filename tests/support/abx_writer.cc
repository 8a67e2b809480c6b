#include "support/abx_writer.h"

#include <cstring>
#include <stdexcept>

namespace contraband::testing {
namespace {

enum : uint8_t {
  kStartDocument = 0, kEndDocument = 1, kStartTag = 2, kEndTag = 3,
  kText = 4, kComment = 9, kAttribute = 15,
};
enum : uint8_t {
  kNull = 1, kString = 2, kInterned = 3, kBytesHex = 4, kBytesBase64 = 5,
  kInt = 6, kIntHex = 7, kLong = 8, kLongHex = 9, kFloat = 10, kDouble = 11,
  kTrue = 12, kFalse = 13,
};

std::string HexToBytes(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  }
  return out;
}

void Write(AbxWriter& w, const AndroidXmlElement& e) {
  w.StartTag(e.name);
  for (const AndroidXmlAttribute& a : e.attributes) {
    const std::string& n = a.name;
    if (n == "ft" || n == "it" || n == "ut") {
      w.AttributeLongHex(n, static_cast<int64_t>(std::stoull(a.value, nullptr, 16)));
    } else if (n == "version" && e.name != "version") {
      w.AttributeLong(n, std::stoll(a.value));
    } else if (n == "userId" || n == "sharedUserId") {
      w.AttributeInt(n, std::stoi(a.value));
    } else if ((n == "inst" || n == "stopped" || n == "hidden") &&
               (a.value == "true" || a.value == "false")) {
      w.AttributeBoolean(n, a.value == "true");
    } else if (n == "key" && e.name == "cert") {
      w.AttributeBytesHex(n, HexToBytes(a.value));
    } else if (n == "name") {
      w.AttributeInterned(n, a.value);
    } else {
      w.AttributeString(n, a.value);
    }
  }
  if (!e.text.empty()) w.Text(e.text);
  for (const AndroidXmlElement& c : e.children) {
    w.Text("\n    ");  // indentation, as the serializer keeps it
    Write(w, c);
  }
  w.EndTag(e.name);
}

}  // namespace

AbxWriter::AbxWriter() {
  out_.assign("ABX\0", 4);
  Token(kStartDocument, kNull);
}

void AbxWriter::Token(uint8_t event, uint8_t type) {
  out_ += static_cast<char>(event | (type << 4));
}
void AbxWriter::U16(uint16_t v) {
  out_ += static_cast<char>(v >> 8);
  out_ += static_cast<char>(v & 0xFF);
}
void AbxWriter::U32(uint32_t v) {
  U16(static_cast<uint16_t>(v >> 16));
  U16(static_cast<uint16_t>(v & 0xFFFF));
}
void AbxWriter::U64(uint64_t v) {
  U32(static_cast<uint32_t>(v >> 32));
  U32(static_cast<uint32_t>(v & 0xFFFFFFFF));
}
void AbxWriter::Utf(std::string_view s) {
  if (s.size() > 0xFFFF) throw std::length_error("ABX string over 65535 bytes");
  U16(static_cast<uint16_t>(s.size()));
  out_ += s;
}
void AbxWriter::Interned(std::string_view s) {
  auto it = interned_.find(s);
  if (it != interned_.end()) {
    U16(it->second);
    return;
  }
  const auto index = static_cast<uint16_t>(interned_.size());
  interned_.emplace(std::string(s), index);
  U16(0xFFFF);
  Utf(s);
}

void AbxWriter::StartTag(std::string_view name) {
  Token(kStartTag, kInterned);
  Interned(name);
}
void AbxWriter::EndTag(std::string_view name) {
  Token(kEndTag, kInterned);
  Interned(name);
}
void AbxWriter::Text(std::string_view text) {
  Token(kText, kString);
  Utf(text);
}
void AbxWriter::Comment(std::string_view text) {
  Token(kComment, kString);
  Utf(text);
}
void AbxWriter::AttributeString(std::string_view name, std::string_view value) {
  Token(kAttribute, kString);
  Interned(name);
  Utf(value);
}
void AbxWriter::AttributeInterned(std::string_view name, std::string_view value) {
  Token(kAttribute, kInterned);
  Interned(name);
  Interned(value);
}
void AbxWriter::AttributeBytesHex(std::string_view name, std::string_view bytes) {
  Token(kAttribute, kBytesHex);
  Interned(name);
  Utf(bytes);
}
void AbxWriter::AttributeBytesBase64(std::string_view name, std::string_view bytes) {
  Token(kAttribute, kBytesBase64);
  Interned(name);
  Utf(bytes);
}
void AbxWriter::AttributeInt(std::string_view name, int32_t value) {
  Token(kAttribute, kInt);
  Interned(name);
  U32(static_cast<uint32_t>(value));
}
void AbxWriter::AttributeIntHex(std::string_view name, int32_t value) {
  Token(kAttribute, kIntHex);
  Interned(name);
  U32(static_cast<uint32_t>(value));
}
void AbxWriter::AttributeLong(std::string_view name, int64_t value) {
  Token(kAttribute, kLong);
  Interned(name);
  U64(static_cast<uint64_t>(value));
}
void AbxWriter::AttributeLongHex(std::string_view name, int64_t value) {
  Token(kAttribute, kLongHex);
  Interned(name);
  U64(static_cast<uint64_t>(value));
}
void AbxWriter::AttributeFloat(std::string_view name, float value) {
  Token(kAttribute, kFloat);
  Interned(name);
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  U32(bits);
}
void AbxWriter::AttributeDouble(std::string_view name, double value) {
  Token(kAttribute, kDouble);
  Interned(name);
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  U64(bits);
}
void AbxWriter::AttributeBoolean(std::string_view name, bool value) {
  Token(kAttribute, value ? kTrue : kFalse);
  Interned(name);
}
std::string AbxWriter::Finish() {
  Token(kEndDocument, kNull);
  return out_;
}

std::string AndroidXmlToAbx(const AndroidXmlElement& element) {
  AbxWriter w;
  Write(w, element);
  return w.Finish();
}

}  // namespace contraband::testing
