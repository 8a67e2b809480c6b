// The regular expressions of catalog rules ("regex" and "exclude" values),
// compiled with RE2. libstdc++'s regex engine recursed once per character of
// the value and of the pattern, so a long DisplayName or signer subject from
// hostile evidence, or a crafted --catalog pattern, overflowed the stack; RE2
// matches in time linear in the value, within a fixed memory budget, and
// recurses on neither.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace re2 {
class RE2;
}

namespace contraband {

/// The longest pattern a catalog may hold, in bytes.
inline constexpr size_t kMaxRegexPatternBytes = 4096;

/// RE2's memory budget for one pattern: its compiled program and the DFA
/// cache it fills while matching (past it, RE2 falls back to its slower
/// NFA, still linear). A pattern whose program alone exceeds it is rejected.
inline constexpr int64_t kMaxRegexMemoryBytes = 1 << 20;

/// One compiled pattern. RE2 syntax, ignoring case (Unicode simple case
/// folding), '.' matching any character including line breaks; a value
/// matches only as a whole. Copies share the compiled program, which is safe
/// to use from several threads.
class CatalogRegex {
 public:
  /// Compiles `pattern`; on failure returns nothing and sets `error` to
  /// why, in words a catalog author can act on.
  static std::optional<CatalogRegex> Compile(std::string_view pattern,
                                             std::string& error);

  /// True when all of `utf8_text` matches. Pass values through AsValidUtf8
  /// first: RE2 reads UTF-8, and an invalid byte would match no '.'.
  bool FullMatch(std::string_view utf8_text) const;

 private:
  explicit CatalogRegex(std::shared_ptr<const re2::RE2> re)
      : re_(std::move(re)) {}
  std::shared_ptr<const re2::RE2> re_;
};

/// `text` itself when it is valid UTF-8; otherwise a copy in `storage` with
/// each invalid byte replaced by U+FFFD, so a stray byte in hostile evidence
/// cannot hide a value from a rule such as "Kaspersky\b.*".
std::string_view AsValidUtf8(std::string_view text, std::string& storage);

}  // namespace contraband
