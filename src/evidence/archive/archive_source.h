// Archives as evidence, read in place through libarchive: tar (plain, gz, xz,
// zst, bz2, lz4), zip, 7z, iso9660, cpio. One sequential pass keeps only the
// entries a collector may want (bounded) and the names, types and sizes of
// the rest; zip-family archives seek past entries they do not need.
#pragma once

#include <optional>
#include <string>

#include "evidence/source.h"

namespace contraband {

/// Limits of one archive read, stated in the man page.
struct ArchiveLimits {
  uint64_t max_kept_bytes = 1ull << 30;   ///< wanted contents held at once
  size_t max_listed_entries = 200000;     ///< entries recorded by name only
  size_t max_entries = 10000000;          ///< entries read before giving up
  size_t max_path_bytes = 64 * 1024;
  /// tar.zst / tar.gz decompressed by a second thread (off: libarchive's
  /// own filters in one thread, kept to compare the two on the same bytes).
  bool pipeline = true;
};

/// Nothing when `path` is not an archive libarchive recognises.
std::optional<OpenedEvidence> TryOpenArchive(const std::string& path,
                                             const OpenRequest& request);
std::optional<OpenedEvidence> TryOpenArchive(const std::string& path,
                                             const OpenRequest& request,
                                             const ArchiveLimits& limits);

}  // namespace contraband
