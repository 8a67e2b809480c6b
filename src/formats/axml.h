// Android binary XML resources (AXML): the compiled AndroidManifest.xml
// inside an APK. A RES_XML_TYPE chunk holding a string pool (UTF-8 or
// UTF-16), a resource map (attribute name -> android:attr resource id) and
// namespace / element nodes whose attributes carry typed values (Res_value).
// Layout: AOSP frameworks/base/libs/androidfw ResourceTypes.h.
//
// Attributes are told apart by resource id first, as the platform does
// (obfuscators rename the attribute strings but cannot change the ids), and
// by name only when there is no id ("package" never has one).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace contraband {

/// Larger than any real manifest (the biggest real ones are ~1 MiB).
inline constexpr uint64_t kMaxAxmlBytes = 8u << 20;

/// What the <manifest> root and its <uses-sdk> and <application> say.
struct AxmlManifest {
  std::string package;       ///< manifest package
  std::string version_name;  ///< android:versionName, as text
  std::string version_code;  ///< android:versionCode, decimal
  /// android:label of <application> when it is a plain string; a resource
  /// reference stays unresolved as "@0x7f0b0001" (it needs resources.arsc).
  std::string label;
  std::string min_sdk;  ///< uses-sdk android:minSdkVersion, "" when absent
};

/// Parses a compiled manifest. Throws ParseError when it is over
/// kMaxAxmlBytes, is not a RES_XML_TYPE chunk, a chunk runs past its parent
/// or the string pool is damaged, or there is no <manifest> element naming a
/// package. Bounded: string count and lengths by the pool's size, element
/// depth, attribute count by the node's size.
AxmlManifest ParseAxmlManifest(std::string_view bytes);

}  // namespace contraband
