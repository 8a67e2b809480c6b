// Small text helpers shared by the line-based format parsers and the
// evidence readers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace contraband {

/// Spaces and tabs: what the line-based formats treat as blank.
inline constexpr std::string_view kBlankChars = " \t";

/// `s` without leading and trailing characters from `chars` (ASCII only).
std::string_view TrimAscii(std::string_view s,
                           std::string_view chars = kBlankChars);

/// `s` without leading characters from `chars` (ASCII only).
std::string_view TrimAsciiLeft(std::string_view s,
                               std::string_view chars = kBlankChars);

/// Appends code point `cp` as UTF-8; a surrogate or a value above U+10FFFF
/// becomes U+FFFD.
void AppendUtf8(std::string& out, uint32_t cp);

/// How many times `part` stands in `text`, overlaps counted.
size_t CountOccurrences(std::string_view text, std::string_view part);

/// Reads text one line at a time. Lines end at '\n' (a last line without one
/// is still a line, an empty text has none); one '\r' before the end is
/// dropped, so CRLF files read like LF ones. Lines are numbered from 1.
class LineReader {
 public:
  explicit LineReader(std::string_view text) : text_(text) {}

  /// Skips a UTF-8 byte order mark at the start of the text.
  void SkipBom() {
    if (pos_ == 0 && text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
  }

  /// The next line into `line`; false when the text is used up.
  bool Next(std::string_view& line);

  /// The number of the line Next returned last (0 before the first).
  size_t line_no() const { return line_no_; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  size_t line_no_ = 0;
};

}  // namespace contraband
