// Symlink resolution confined to an evidence root, shared by every Vfs. An
// absolute link target restarts at the evidence root and ".." never climbs
// above it, exactly as if the evidence were the whole filesystem (chroot
// semantics), so no link can name a host file.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "evidence/vfs.h"

namespace contraband {

/// What a backend must answer about already-resolved paths (paths that
/// contain no symlink component).
class LinkLookup {
 public:
  virtual ~LinkLookup() = default;
  /// The node at `path` itself, not following a final symlink.
  virtual std::optional<FileInfo> Lstat(const std::string& path) = 0;
  /// The target of the symlink at `path`.
  virtual std::string ReadLink(const std::string& path) = 0;
};

struct Resolved {
  std::string path;  ///< evidence-absolute, free of symlinks
  FileInfo info;
};

/// Resolves `path` inside the root. Returns nullopt when a component is
/// missing or not a folder; throws EvidenceError on a link loop (more than 40
/// links followed) or an overlong path. With follow_last=false a final
/// symlink is returned itself.
std::optional<Resolved> ResolveInRoot(std::string_view path, LinkLookup& lookup,
                                      bool follow_last = true);

/// What Vfs::Stat answers: the resolved node's info, or nullopt when nothing
/// usable is there (missing, dangling, or a link loop).
std::optional<FileInfo> StatInRoot(std::string_view path, LinkLookup& lookup);

/// ResolveInRoot for a folder about to be listed. Throws EvidenceError
/// naming `path` when it is missing or not a folder.
Resolved ResolveFolderToList(std::string_view path, LinkLookup& lookup);

/// ResolveInRoot for a file about to be read: it must exist, be a regular
/// file and hold at most `max_bytes`. Throws EvidenceError naming `path`.
Resolved ResolveFileToRead(std::string_view path, LinkLookup& lookup,
                           uint64_t max_bytes);

}  // namespace contraband
