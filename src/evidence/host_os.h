// Everything that touches the host operating system lives behind this header
// (one .cc per OS), so a Windows or macOS port replaces only host_os_posix.cc.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "evidence/vfs.h"

namespace contraband::host {

/// A read-only handle on a host folder used as an evidence root.
class RootHandle {
 public:
  /// Opens `dir`; throws EvidenceError naming it when it cannot be opened.
  explicit RootHandle(const std::string& dir);
  ~RootHandle();
  RootHandle(const RootHandle&) = delete;
  RootHandle& operator=(const RootHandle&) = delete;

  /// The node at evidence path `rel` (already free of symlinks) without
  /// following a final link; nullopt when absent.
  std::optional<FileInfo> Lstat(const std::string& rel) const;
  std::string ReadLink(const std::string& rel) const;
  /// Directory entries, unsorted. Every component is opened without
  /// following links, so a link swapped in mid-scan cannot lead outside.
  std::vector<DirEntry> List(const std::string& rel) const;
  /// A regular file's bytes (at most max_bytes, else EvidenceError), opened
  /// without following links and without updating its access time.
  std::string Read(const std::string& rel, uint64_t max_bytes) const;

 private:
  int OpenDirBeneath(const std::string& rel) const;
  int root_fd_ = -1;
  std::string root_;
};

/// What a host path is: nullopt when it does not exist.
std::optional<FileType> PathType(const std::string& path);

/// Whether standard error is an interactive terminal (progress display).
bool StderrIsTerminal();

/// Wall-clock time as RFC 3339 UTC ("2026-11-22T06:00:00Z").
std::string NowRfc3339();

}  // namespace contraband::host
