// A deployed flatpak's "metadata" file (GLib key file syntax): an
// [Application] or [Runtime] group whose name= is the app or runtime id,
// with runtime=, sdk= and command=.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace contraband {

struct FlatpakMetadata {
  std::string kind;  ///< "Application" or "Runtime"; empty if neither group
  std::string name;  ///< the id: org.telegram.desktop
  std::string runtime;
  std::string sdk;
  std::string command;
  /// Damage that did not stop the parse (a line that is neither a group, a
  /// key=value nor a comment; a key outside any group), each naming its line.
  std::vector<std::string> problems;
};

struct FlatpakMetadataLimits {
  size_t max_lines = 1'000'000;
  size_t max_problems = 100;
};

/// Reads a metadata key file. Throws ParseError only past the limits.
FlatpakMetadata ParseFlatpakMetadata(std::string_view text,
                                     const FlatpakMetadataLimits& limits = {});

}  // namespace contraband
