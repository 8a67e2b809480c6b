// Debian control-file syntax (deb822): stanzas of "Name: value" fields with
// continuation lines, separated by blank lines. Used by dpkg's status file,
// status.d entries, and (same syntax) other package databases.
#pragma once

#include <cstddef>
#include <functional>
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

/// ParseControl over text that arrives in pieces cut anywhere (inside a line,
/// between '\r' and '\n'): each stanza goes to `on_stanza` as soon as the
/// blank line or the end of the text that closes it is seen, so memory holds
/// one stanza and one line, never the text. Whatever the pieces, the stanzas
/// (and their errors and line numbers) are those ParseControl gives for the
/// whole text, in the same order.
class ControlStreamParser {
 public:
  /// Receives each stanza once; it may move from it.
  using StanzaFn = std::function<void(ControlStanza& stanza)>;

  explicit ControlStreamParser(StanzaFn on_stanza,
                               const ControlLimits& limits = {});

  /// The next piece of the text. Throws ParseError past ControlLimits.
  void Feed(std::string_view piece);
  /// The end of the text: closes the last line and stanza. Call once.
  void Finish();

 private:
  void Line(std::string_view line);  ///< one line, its '\n' removed
  void Flush();

  StanzaFn on_stanza_;
  ControlLimits limits_;
  std::string partial_;  ///< the start of a line cut by a piece boundary
  size_t line_no_ = 0;
  size_t stanzas_ = 0;
  ControlStanza current_;
  bool in_stanza_ = false;
  /// Once a stanza is damaged its remaining lines are skipped up to the next
  /// blank line, so garbage is never read as fields of the same package.
  bool skipping_ = false;
};

}  // namespace contraband
