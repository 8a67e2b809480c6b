// An in-memory evidence tree, for tests: a tree in three lines.
#pragma once

#include <map>
#include <string>

#include "evidence/vfs.h"

namespace contraband {

class MemoryVfs : public Vfs {
 public:
  /// Adds a regular file (and its parent folders).
  MemoryVfs& AddFile(std::string_view path, std::string data, int64_t uid = 0);
  MemoryVfs& AddDir(std::string_view path, int64_t uid = 0);
  MemoryVfs& AddSymlink(std::string_view path, std::string target);

  std::optional<FileInfo> Stat(std::string_view path) override;
  std::vector<DirEntry> List(std::string_view path) override;
  std::string Read(std::string_view path, uint64_t max_bytes) override;

 private:
  struct Node {
    FileInfo info;
    std::string data;  ///< file contents or link target
  };
  friend class MemoryLookup;
  std::map<std::string, Node> nodes_ = {{"/", {{FileType::kDirectory}, {}}}};
};

}  // namespace contraband
