// Apple property lists, XML and binary ("bplist00"), read into one small value
// tree. Hostile input is bounded: object count, nesting depth, every offset
// and size inside the file, the total decoded size (a binary plist may share
// an object many times), and a binary plist whose objects refer to
// themselves is refused. An XML plist may carry Apple's DOCTYPE line; any
// internal subset or entity declaration is refused.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace contraband {

struct PlistValue {
  enum class Type {
    kNull,  // bplist's null marker; also "absent"
    kBool,
    kInteger,
    kReal,
    kDate,    // `text` is ISO 8601 UTC ("2019-01-01T00:00:00Z")
    kData,    // `text` holds the bytes
    kString,  // `text` is UTF-8
    kUid,     // NSKeyedArchiver object reference, in `integer`
    kArray,
    kSet,
    kDict,  // `keys[i]` names `items[i]`
  };
  Type type = Type::kNull;
  bool boolean = false;
  int64_t integer = 0;
  double real = 0;
  std::string text;
  std::vector<std::string> keys;
  std::vector<PlistValue> items;

  /// The value of dictionary key `key`, nullptr when absent or not a dict.
  const PlistValue* Find(std::string_view key) const;
  /// The string value of `key` ("" when absent or not a string).
  std::string StringAt(std::string_view key) const;
  bool is_string() const { return type == Type::kString; }
};

/// Bounds on one plist.
inline constexpr size_t kPlistMaxObjects = 1u << 20;
inline constexpr int kPlistMaxDepth = 128;
/// Memory one binary parse may produce (nodes plus bytes of strings and
/// data): Info.plists are KiB, InstallHistory.plist a few MiB.
inline constexpr uint64_t kPlistMaxDecodedBytes = 32ull << 20;

/// Parses a binary or XML plist (chosen by its first bytes). Throws
/// ParseError when it is neither or is damaged.
PlistValue ParsePlist(std::string_view bytes);
/// ParsePlist of a file whose top must be a dictionary (an Info.plist, a
/// launchd job); ParseError "<what> is not a dictionary" otherwise.
PlistValue ParsePlistDict(std::string_view bytes, std::string_view what);
PlistValue ParseBinaryPlist(std::string_view bytes);
PlistValue ParseXmlPlist(std::string_view bytes);

/// Seconds since 2001-01-01 00:00:00 UTC (Apple's epoch) as ISO 8601 UTC,
/// "" when out of the years 1..9999.
std::string AppleTimeToIso(double seconds);

/// NSKeyedArchiver: the object `uid` refers to in the archive's `$objects`,
/// nullptr when it is not a UID or out of range.
const PlistValue* KeyedArchiveObject(const PlistValue& archive,
                                     const PlistValue& uid);
/// NSKeyedArchiver: every string reachable from `$top`, following UIDs
/// through `$objects` (each object once; "$null" and class names left out),
/// in the order met. Empty when `archive` is not a keyed archive.
std::vector<std::string> KeyedArchiveStrings(const PlistValue& archive);

}  // namespace contraband
