// Registry hives for tests: keys and values added to a real hive with
// hivexregedit --merge (Debian's libwin-hivex-perl), the way an examiner's
// tooling writes them.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace contraband::testing {

struct RegKey {
  using Strings = std::vector<std::pair<std::string, std::string>>;
  using Dwords = std::vector<std::pair<std::string, uint32_t>>;
  RegKey(std::string p, Strings s, Dwords d = {})
      : path(std::move(p)), strings(std::move(s)), dwords(std::move(d)) {}

  std::string path;  ///< below the hive root, backslash-separated
  std::vector<std::pair<std::string, std::string>> strings;  ///< REG_SZ
  std::vector<std::pair<std::string, uint32_t>> dwords;      ///< REG_DWORD
};

/// A .reg file for hivexregedit --merge, which creates a key only when its
/// parent exists: every ancestor gets its own (empty) section first.
std::string RegFile(const std::vector<RegKey>& keys);

/// Merges `keys` into the hive file `hive` (written in place) with
/// hivexregedit; `scratch` is a folder for the .reg file. Fails the test
/// when hivexregedit does.
void MergeIntoHive(const std::string& hive, const std::vector<RegKey>& keys,
                   const std::string& scratch);

}  // namespace contraband::testing
