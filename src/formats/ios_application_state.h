// SpringBoard's record of the apps it knows, private/var/mobile/Library/
// FrontBoard/applicationState.db (SQLite): application_identifier_tab holds
// one row per bundle identifier, installed or offloaded (an offloaded app
// keeps its row and data container while its bundle is gone).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace contraband {

inline constexpr size_t kApplicationStateMaxIds = 100000;

/// The bundle identifiers of application_identifier_tab, sorted, unique (at
/// most kApplicationStateMaxIds; `truncated` says when more were there).
/// `wal` is the database's write-ahead log or empty. Throws ParseError when
/// the bytes are not SQLite or have no such table.
std::vector<std::string> ReadApplicationStateIds(std::string_view db,
                                                 std::string_view wal,
                                                 bool* truncated = nullptr);

}  // namespace contraband
