// An in-memory evidence tree: a tree in three lines for tests, and the tree a
// one-pass archive read leaves behind (wanted files with their bytes, the
// rest as names, types and sizes only).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "evidence/vfs.h"

namespace contraband {

class MemoryVfs : public Vfs {
 public:
  /// Adds a regular file (and its parent folders).
  MemoryVfs& AddFile(std::string_view path, std::string data, int64_t uid = 0);
  MemoryVfs& AddDir(std::string_view path, int64_t uid = 0);
  MemoryVfs& AddSymlink(std::string_view path, std::string target);
  /// Records a file whose bytes were not kept: it lists and stats, but a
  /// Read says why it cannot be read.
  MemoryVfs& AddUnreadFile(std::string_view path, const FileInfo& info,
                           std::string why);
  /// Reads up to `n` bytes at `offset` of a file kept outside the tree;
  /// returns how many (0 at its end), throws EvidenceError on failure.
  using ReadAtFunction =
      std::function<size_t(char* buf, size_t n, uint64_t offset)>;
  /// Adds a regular file of `size` bytes whose contents stay where they are
  /// (the evidence file itself) and are read through `read_at` only when,
  /// and only as far as, a collector asks: an APK given as evidence, whose
  /// collector needs its central directory and signing block, not its
  /// hundreds of MiB of assets.
  MemoryVfs& AddFileReadInPlace(std::string_view path, uint64_t size,
                                ReadAtFunction read_at);
  /// Sets owner and time of an existing node (archive metadata).
  void SetMeta(std::string_view path, int64_t uid, int64_t mtime);

  /// The nodes below folder `prefix`, re-rooted so `prefix` becomes "/".
  MemoryVfs Subtree(std::string_view prefix) const;
  size_t node_count() const { return nodes_.size(); }
  bool Contains(std::string_view path) const {
    return nodes_.count(std::string(path)) > 0;
  }

  std::optional<FileInfo> Stat(std::string_view path) override;
  std::vector<DirEntry> List(std::string_view path) override;
  std::string Read(std::string_view path, uint64_t max_bytes) override;
  /// Views into the stored bytes, set_chunk_bytes at a time.
  void ReadChunks(std::string_view path, uint64_t max_bytes,
                  const ChunkConsumer& consume) override;
  /// A copy of the range of the stored bytes. An archive entry whose bytes
  /// were not kept (over its request's max_bytes) throws like Read.
  std::string ReadRange(std::string_view path, uint64_t offset,
                        uint64_t length) override;

  /// The size of the pieces ReadChunks hands out (default: the whole file
  /// in one), so tests can cut a file at every possible place.
  void set_chunk_bytes(size_t bytes) { chunk_bytes_ = bytes == 0 ? 1 : bytes; }

 private:
  struct Node {
    FileInfo info;
    std::string data;     ///< file contents or link target
    std::string unread;   ///< non-empty: why the contents were not kept
    /// Set for a file read in place; `data` is then empty.
    std::shared_ptr<const ReadAtFunction> read_at;
  };
  /// The regular file `path` resolves to, readable (its bytes kept, or read
  /// in place) and at most max_bytes long.
  const Node& ReadableNode(std::string_view path, uint64_t max_bytes);
  /// Up to `length` bytes from `offset` of a file read in place.
  static std::string ReadInPlace(const Node& node, std::string_view path,
                                 uint64_t offset, uint64_t length);
  friend class MemoryLookup;
  std::map<std::string, Node> nodes_ = {{"/", {{FileType::kDirectory}, {}, {}, {}}}};
  size_t chunk_bytes_ = SIZE_MAX;
};

}  // namespace contraband
