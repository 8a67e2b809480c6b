// Shell-style wildcard matching, shared by evidence globs and catalog rules.
#pragma once

#include <string>
#include <string_view>

namespace contraband {

/// Whether `text` matches `pattern` as a whole: `*` any run of characters,
/// `?` one character, `[abc]`/`[a-z]`/`[!x]` a class. No character is special
/// to `*` (path separators are the caller's business). Linear-time except for
/// the usual backtracking on `*`, bounded by |pattern|·|text|.
bool WildcardMatch(std::string_view pattern, std::string_view text,
                   bool case_insensitive = false);

/// Whether `s` contains any of the wildcard characters `*?[`.
bool HasWildcard(std::string_view s);

/// ASCII lower-casing (identifiers, not prose).
std::string AsciiLower(std::string_view s);

}  // namespace contraband
