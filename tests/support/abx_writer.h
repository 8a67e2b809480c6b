// A small Android Binary XML (ABX v0) encoder for tests, following AOSP's
// BinaryXmlSerializer: one token byte (event | data type << 4), big-endian
// numbers, strings as a u16 length and UTF-8 bytes, names (and interned
// values) through a table of strings seen so far (0xFFFF = a new one).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "formats/android_xml.h"

namespace contraband::testing {

class AbxWriter {
 public:
  AbxWriter();  ///< the magic and START_DOCUMENT
  void StartTag(std::string_view name);
  void EndTag(std::string_view name);
  void Text(std::string_view text);
  void Comment(std::string_view text);
  void AttributeString(std::string_view name, std::string_view value);
  void AttributeInterned(std::string_view name, std::string_view value);
  void AttributeBytesHex(std::string_view name, std::string_view bytes);
  void AttributeBytesBase64(std::string_view name, std::string_view bytes);
  void AttributeInt(std::string_view name, int32_t value);
  void AttributeIntHex(std::string_view name, int32_t value);
  void AttributeLong(std::string_view name, int64_t value);
  void AttributeLongHex(std::string_view name, int64_t value);
  void AttributeFloat(std::string_view name, float value);
  void AttributeDouble(std::string_view name, double value);
  void AttributeBoolean(std::string_view name, bool value);
  /// END_DOCUMENT, and the whole stream.
  std::string Finish();

 private:
  void Token(uint8_t event, uint8_t type);
  void U16(uint16_t v);
  void U32(uint32_t v);
  void U64(uint64_t v);
  void Utf(std::string_view s);
  void Interned(std::string_view s);
  std::string out_;
  std::map<std::string, uint16_t, std::less<>> interned_;
};

/// `element` (and its children) as ABX the way Android 12+ writes
/// packages.xml and package-restrictions.xml: times ("ft", "it", "ut") as
/// long hex, "version" as a long, uids as ints, "inst"/"stopped"/"hidden" as
/// booleans, certificate keys as hex bytes, everything else as strings
/// (names of packages interned).
std::string AndroidXmlToAbx(const AndroidXmlElement& element);

}  // namespace contraband::testing
