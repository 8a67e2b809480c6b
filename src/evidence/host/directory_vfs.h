// A host folder (or the live host's "/") as a read-only evidence root.
#pragma once

#include <memory>
#include <string>

#include "evidence/host/host_os.h"
#include "evidence/vfs.h"

namespace contraband {

class DirectoryVfs : public Vfs {
 public:
  /// Opens host folder `dir`; throws EvidenceError when it cannot.
  explicit DirectoryVfs(const std::string& dir);

  std::optional<FileInfo> Stat(std::string_view path) override;
  std::vector<DirEntry> List(std::string_view path) override;
  std::string Read(std::string_view path, uint64_t max_bytes) override;
  /// Reads 1 MiB at a time into one buffer (host::RootHandle::ReadChunks).
  void ReadChunks(std::string_view path, uint64_t max_bytes,
                  const ChunkConsumer& consume) override;
  /// pread of the range only (host::RootHandle::ReadRange).
  std::string ReadRange(std::string_view path, uint64_t offset,
                        uint64_t length) override;

 private:
  host::RootHandle root_;
};

}  // namespace contraband
