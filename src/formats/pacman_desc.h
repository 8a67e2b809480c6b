// pacman's local database entry, /var/lib/pacman/local/<name>-<ver>/desc:
// sections "%KEY%" followed by one value per line up to a blank line
// (%NAME%, %VERSION%, %ARCH%, %PACKAGER%, lists such as %DEPENDS%).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace contraband {

struct PacmanDesc {
  /// Sections in file order: key without the '%' signs, and its value lines.
  std::vector<std::pair<std::string, std::vector<std::string>>> sections;
  /// Damage that did not stop the parse (stray text, repeated sections),
  /// each naming its line. pacman ignores such lines too.
  std::vector<std::string> problems;

  /// The first value line of section `key` ("NAME"), or nullptr when the
  /// section is absent or empty.
  const std::string* First(std::string_view key) const;
};

struct PacmanDescLimits {
  size_t max_sections = 1000;
  size_t max_values = 1'000'000;  ///< value lines in the whole file
  size_t max_problems = 100;
};

/// Parses one desc file. Accepts LF and CRLF. Throws ParseError only past
/// PacmanDescLimits.
PacmanDesc ParsePacmanDesc(std::string_view text,
                           const PacmanDescLimits& limits = {});

/// Splits a local database folder name "<name>-<pkgver>-<pkgrel>" (pkgver may
/// carry an "epoch:") the way pacman does: at the second-to-last '-'. Returns
/// nullopt when the name has fewer than two '-' or an empty part.
std::optional<std::pair<std::string, std::string>> SplitPacmanEntryName(
    std::string_view entry);

}  // namespace contraband
