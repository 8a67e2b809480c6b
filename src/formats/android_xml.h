// Android's XML record files (packages.xml, package-restrictions.xml, ...) in
// either of the encodings Android writes them: text XML (Android 11 and
// before) and Android Binary XML, "ABX" (Android 12 and later: magic "ABX\0",
// version 0, the token stream of AOSP's BinaryXmlSerializer). Both become the
// same small element tree, with typed ABX attributes turned into the text
// Android's text form writes for them, so a reader of these files is written
// once.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace contraband {

/// Limits on what one file may make: a real packages.xml of a phone with a
/// few hundred packages is a few megabytes and a few hundred thousand nodes.
inline constexpr size_t kMaxAndroidXmlBytes = 64u << 20;
inline constexpr size_t kMaxAndroidXmlDepth = 64;
inline constexpr size_t kMaxAndroidXmlAttributes = 256;  ///< per element
inline constexpr size_t kMaxAndroidXmlNodes = 2'000'000;  ///< elements + attrs
inline constexpr size_t kMaxAndroidXmlInterned = 65'535;  ///< ABX string table

struct AndroidXmlAttribute {
  std::string name;
  std::string value;
  bool operator==(const AndroidXmlAttribute&) const = default;
};

struct AndroidXmlElement {
  std::string name;
  std::vector<AndroidXmlAttribute> attributes;
  std::vector<AndroidXmlElement> children;
  /// The element's own text (not its children's), trimmed of ASCII
  /// whitespace: indentation between elements is no text.
  std::string text;

  /// The attribute's value; nullptr when the element has none of that name.
  const std::string* Attribute(std::string_view attribute_name) const;
  /// The attribute's value, or "" when absent.
  std::string_view AttributeOr(std::string_view attribute_name) const;
  bool operator==(const AndroidXmlElement&) const = default;
};

struct AndroidXmlDocument {
  bool binary = false;  ///< read from ABX, not text
  AndroidXmlElement root;
};

/// True when `bytes` starts with ABX's magic.
bool IsAndroidBinaryXml(std::string_view bytes);

/// Reads either encoding. Throws ParseError for a file that is neither
/// well-formed text XML nor a well-formed ABX stream, for a text file with a
/// DOCTYPE (entity declarations: Android never writes one), and for a file
/// over any of the limits above. The subtrees of elements named in `drop`
/// are read, checked and counted against the limits like the rest, but not
/// kept (the element itself is dropped too): a reader that never looks at
/// them (packages.xml's per-package <perms>) need not pay for building them.
AndroidXmlDocument ParseAndroidXml(std::string_view bytes,
                                   std::initializer_list<std::string_view> drop = {});

}  // namespace contraband
