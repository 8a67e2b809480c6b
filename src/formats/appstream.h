// AppStream metainfo / appdata XML (share/metainfo/<id>.metainfo.xml): the
// component's id, untranslated name, developer and its <releases>. Read by a
// small bounded scanner, not a general XML parser: no DTDs, no namespaces,
// no external entities, so nothing in the file can make it fetch or expand.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace contraband {

struct AppStreamInfo {
  std::string id;
  std::string name;       ///< <name> without xml:lang
  std::string developer;  ///< <developer_name>, or <developer><name>
  /// The newest <release version=...>: by timestamp/date when every release
  /// has one, else the first listed (the spec orders them newest first).
  std::string version;
  size_t releases = 0;  ///< <release> elements seen
};

struct AppStreamLimits {
  size_t max_depth = 256;
  size_t max_releases = 100'000;
  size_t max_text = 64 * 1024;  ///< bytes kept of one text field
};

/// Scans one component. Throws ParseError when the text is not well-formed
/// enough to read (an unterminated tag, comment or quote; mismatched end
/// tags; no <component> element) or past the limits.
AppStreamInfo ParseAppStream(std::string_view text,
                             const AppStreamLimits& limits = {});

}  // namespace contraband
