// rpm's "ndb" package database `Packages.db` (SUSE since 15 SP3, openSUSE):
// a 32-byte header, pages of 16-byte slots naming where each package's blob
// lies, then the blobs, each a header image (see rpm_header.h) framed by a
// head and a tail with an Adler-32 checksum. Always little-endian.
#pragma once

#include <string_view>

#include "formats/rpm_header.h"

namespace contraband {

/// Returns every package blob that the slot table names, numbered by rpm's
/// package index, in the order of the blobs in the file (as rpm lists them).
///
/// Throws ParseError when the file is not an ndb database (magic "RpmP",
/// version 0) or its slot table does not fit in the file. A damaged slot or
/// blob (bad magic, outside the file, length or checksum mismatch: rpm itself
/// would not read it) is reported in `problems` and skipped.
RpmDbContents ReadRpmNdb(std::string_view file);

}  // namespace contraband
