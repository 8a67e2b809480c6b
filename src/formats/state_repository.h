// Windows' AppX deployment database
// ProgramData/Microsoft/Windows/AppRepository/StateRepository-Machine.srd
// (SQLite, Windows 10+; in WAL mode, so its -wal may hold recent changes).
// Of its many tables, the ones that say which user has which package:
//   Package(_PackageID, PackageFullName, ...)
//   User(_UserID, UserSid, ...)
//   PackageUser(_PackageUserID, Package -> Package, User -> User, ...)
// A package staged on the machine but registered for no user has a Package
// row and no PackageUser row.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace contraband {

struct StateRepositoryPackage {
  std::string full_name;  ///< PackageFullName
  /// SIDs ("S-1-5-21-...") of the users it is registered for, in row order.
  std::vector<std::string> user_sids;
};

struct StateRepositoryContents {
  std::vector<StateRepositoryPackage> packages;  ///< by _PackageID
  std::vector<std::string> problems;             ///< damaged rows, skipped
};

/// Most Package rows read (a real machine has a few hundred).
inline constexpr size_t kMaxStateRepositoryPackages = 100000;
inline constexpr size_t kMaxStateRepositoryRegistrations = 1000000;

/// Reads the bytes of the database and, when non-empty, its -wal (see
/// SqliteImage). Throws ParseError when it is not an SQLite database or has
/// no readable Package / PackageUser / User tables.
StateRepositoryContents ReadStateRepository(std::string_view db,
                                            std::string_view wal = {});

/// A binary SID (revision, count, 48-bit authority, sub-authorities) as
/// text; empty when the bytes are not one.
std::string SidToString(std::string_view sid);

}  // namespace contraband
