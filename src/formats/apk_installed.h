// Alpine apk's installed database (/lib/apk/db/installed): one stanza per
// package, each line "X:value" with a one-letter field key, stanzas separated
// by blank lines. Package fields (P name, V version, A arch, m maintainer,
// o origin, ...) come first; file records (F, R, a, M, Z) follow and are
// skipped here.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace contraband {

struct ApkPackage {
  size_t line = 0;          ///< 1-based line where the stanza starts
  std::string name;         ///< P:
  std::string version;      ///< V:
  std::string arch;         ///< A:
  std::string maintainer;   ///< m:
  std::string origin;       ///< o: the source package (aport) it was built from
  std::string description;  ///< T:
  std::string url;          ///< U:
  std::string license;      ///< L:
  std::string build_time;   ///< t: seconds since the epoch, as written
  std::string commit;       ///< c: aports commit
  /// Non-empty when the stanza is damaged (a line that is not "X:value", a
  /// repeated package field). Fields read before the damage are kept; the
  /// rest of the stanza up to the next blank line is skipped.
  std::string error;
};

struct ApkDatabase {
  std::vector<ApkPackage> packages;
  /// Damage outside any stanza (stray text between stanzas), by line.
  std::vector<std::string> problems;
};

struct ApkLimits {
  size_t max_packages = 1'000'000;
  size_t max_problems = 1000;  ///< further problems are counted in the last
};

/// Splits an installed database into package stanzas. Accepts LF and CRLF.
/// Damage is reported per stanza (ApkPackage::error) or in `problems`;
/// throws ParseError only past ApkLimits::max_packages.
ApkDatabase ParseApkInstalled(std::string_view text,
                              const ApkLimits& limits = {});

}  // namespace contraband
