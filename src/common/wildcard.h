// Shell-style wildcard matching, shared by evidence globs and catalog rules.
#pragma once

#include <array>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace contraband {

/// Whether `text` matches `pattern` as a whole: `*` any run of characters,
/// `?` one character, `[abc]`/`[a-z]`/`[!x]` a class. No character is special
/// to `*` (path separators are the caller's business). Linear-time except for
/// the usual backtracking on `*`, bounded by |pattern|·|text|.
bool WildcardMatch(std::string_view pattern, std::string_view text,
                   bool case_insensitive = false);

/// Many patterns compiled once and matched together (WildcardMatch
/// semantics, case-sensitive), so that matching one text costs about the
/// same with ten patterns as with a thousand: patterns without a wildcard are
/// hashed, the others are bucketed by their literal first byte (or, when that
/// is a wildcard, their literal last byte) and only the text's buckets are
/// tried. Built for names streamed out of archives: one lookup per entry.
class WildcardSet {
 public:
  /// Adds `pattern`; Match reports `id` when it matches.
  void Add(std::string_view pattern, size_t id);
  /// The ids of the patterns matching `text`, in `out` (cleared first; ids
  /// of different patterns may repeat when they were added so).
  void Match(std::string_view text, std::vector<size_t>& out) const;
  bool empty() const { return size_ == 0; }

 private:
  struct Glob {
    std::string pattern;
    size_t id;
    size_t prefix = 0, suffix = 0;  ///< literal bytes at each end
  };
  std::deque<std::string> exact_names_;  ///< stable storage for the keys
  std::unordered_map<std::string_view, std::vector<size_t>> exact_;
  std::array<std::vector<Glob>, 256> by_first_;  ///< literal first byte
  std::array<std::vector<Glob>, 256> by_last_;   ///< literal last byte
  std::vector<Glob> other_;                      ///< "*", "?x*", "[ab]*"...
  size_t size_ = 0;
};

/// Whether `s` contains any of the wildcard characters `*?[`.
bool HasWildcard(std::string_view s);

/// ASCII lower-casing (identifiers, not prose).
std::string AsciiLower(std::string_view s);

}  // namespace contraband
