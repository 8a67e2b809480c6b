// Debian control-file syntax (deb822): stanzas of "Name: value" fields with
// continuation lines, separated by blank lines. Used by dpkg's status file,
// status.d entries, and (same syntax) other package databases.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace contraband {

struct ControlField {
  std::string name;   ///< as written; compare case-insensitively
  std::string value;  ///< first line trimmed; continuation lines joined by '\n'
};

struct ControlStanza {
  size_t line = 0;  ///< 1-based line where the stanza starts
  std::vector<ControlField> fields;
  /// Non-empty when the stanza is damaged (a line that is neither a field nor
  /// a continuation, too many fields). Its fields up to the damage are kept.
  std::string error;

  /// The value of field `name` (case-insensitive), or nullptr.
  const std::string* Get(std::string_view name) const;
};

struct ControlLimits {
  size_t max_stanzas = 1'000'000;
  size_t max_fields_per_stanza = 4096;
};

/// Splits `text` into stanzas. Accepts LF and CRLF line ends and skips '#'
/// comment lines. A damaged stanza is returned with `error` set; parsing
/// resumes at the next stanza. Throws ParseError only past ControlLimits.
std::vector<ControlStanza> ParseControl(std::string_view text,
                                        const ControlLimits& limits = {});

}  // namespace contraband
