// rpm's Berkeley DB `Packages` file (CentOS/RHEL 5-8, SUSE before ndb, Amazon
// Linux 2): a Berkeley DB hash database whose keys are 4-byte package numbers
// and whose values are rpm header images (see rpm_header.h), large ones kept
// on chains of overflow pages.
#pragma once

#include <string_view>

#include "formats/rpm_header.h"

namespace contraband {

/// Reads every key/value pair of the hash database in `file` and returns the
/// values as records, in page order, skipping key 0 (rpm's counter of the
/// last package number, not a package). Pages are read in either byte order,
/// as the metadata page's magic says.
///
/// Throws ParseError when the file is not a Berkeley DB hash database (bad
/// magic or page type, impossible page size) or is encrypted. A damaged page
/// or record (an entry outside its page, an overflow chain that loops, ends
/// early or leaves the file) is reported in `problems` and skipped.
RpmDbContents ReadRpmBdb(std::string_view file);

}  // namespace contraband
