// StateRepository-Machine.srd for tests, made by the real sqlite3 shell with
// the tables of Windows' own database that say which user has which package
// (Package, PackageFamily, User, PackageUser; the columns Windows 10/11 have
// that matter here), in WAL mode as Windows keeps it.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace contraband::testing {

struct SrdPackage {
  std::string full_name;  ///< Name_Version_Arch_ResourceId_PublisherId
  std::vector<std::string> user_sids;  ///< registered for these users
};

/// Writes the database to `path` with sqlite3; fails the test when sqlite3
/// does. The caller checks HaveTool("sqlite3") first.
void WriteStateRepository(const std::string& path,
                          const std::vector<SrdPackage>& packages);

/// "S-1-5-21-1-2-3-1001" as the binary SID Windows stores, in hex.
std::string SidHex(const std::string& sid);

}  // namespace contraband::testing
