// rpm's SQLite database `rpmdb.sqlite` (Fedora 33+, RHEL 9, CBL-Mariner,
// Amazon Linux 2023): table Packages(hnum INTEGER PRIMARY KEY, blob BLOB),
// one header image (see rpm_header.h) per row. rpm keeps it in WAL mode, so
// recent transactions may still sit in `rpmdb.sqlite-wal`.
#pragma once

#include <string_view>

#include "formats/rpm_header.h"

namespace contraband {

/// Reads the Packages table from the bytes of a database and, when the
/// evidence has a non-empty one, of its write-ahead log, whose committed
/// transactions are part of the database.
///
/// Never touches the evidence: without a log the bytes are opened in memory;
/// with one, both are copied into a private folder made with mkdtemp() under
/// the host's temporary folder ($TMPDIR or /tmp) so SQLite can replay the
/// log there, and the folder is removed before returning.
///
/// Throws ParseError when the bytes are not an SQLite database or it has no
/// readable Packages table; rows it cannot read (a NULL blob, damage found
/// part way) are reported in `problems`.
RpmDbContents ReadRpmSqlite(std::string_view db, std::string_view wal = {});

}  // namespace contraband
