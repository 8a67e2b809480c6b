// The part of a filesystem Vfs that does not depend on the filesystem: paths,
// symlinks confined to the root, sorted and cached folder listings, bounds
// against hostile images, chunked reads. A library that can hand out nodes by
// number (libfsxfs inodes, libfsapfs file identifiers) plugs in through
// InodeTree; XfsVfs and the APFS volumes are both this class.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "evidence/block_device.h"
#include "evidence/path_resolver.h"
#include "evidence/vfs.h"

namespace contraband {

/// What a filesystem library answers about nodes by their number.
class InodeTree {
 public:
  struct Node {
    FileInfo info;
    std::optional<std::string> target;  ///< links: where they point
  };
  struct Child {
    std::string name;
    uint64_t id = 0;
    Node node;
  };

  virtual ~InodeTree() = default;

  /// The number of the root folder.
  virtual uint64_t root_id() = 0;
  /// Whether names compare without regard to ASCII case (APFS by default).
  virtual bool fold_case() const { return false; }

  /// The node numbered `id`, or nullopt when it cannot be read. A link
  /// whose target cannot be read (or is over 64 KiB) is kOther.
  virtual std::optional<Node> NodeAt(uint64_t id) = 0;

  /// The entries of folder `id` in the order the filesystem keeps them.
  /// Throws EvidenceError (with the library's reason) when the folder cannot
  /// be read or has more than `max_entries` entries.
  virtual std::vector<Child> Children(uint64_t id, size_t max_entries) = 0;

  /// The data of regular file `id` as a device of its size; its ReadAt
  /// throws EvidenceError naming `path` and the library's reason.
  virtual std::shared_ptr<BlockDevice> OpenData(uint64_t id,
                                                const std::string& path) = 0;
};

/// A read-only Vfs over an InodeTree, with the semantics of TskVfs. It is
/// also a LinkLookup (for link-free paths), so a join of two volumes
/// (FirmlinkVfs) can follow a link on one volume into the other.
class InodeTreeVfs : public Vfs, public LinkLookup {
 public:
  explicit InodeTreeVfs(std::unique_ptr<InodeTree> tree);
  ~InodeTreeVfs() override;
  InodeTreeVfs(const InodeTreeVfs&) = delete;
  InodeTreeVfs& operator=(const InodeTreeVfs&) = delete;

  std::optional<FileInfo> Stat(std::string_view path) override;
  std::vector<DirEntry> List(std::string_view path) override;
  std::string Read(std::string_view path, uint64_t max_bytes) override;
  void ReadChunks(std::string_view path, uint64_t max_bytes,
                  const ChunkConsumer& consume) override;
  /// The range only, through the file's data device.
  std::string ReadRange(std::string_view path, uint64_t offset,
                        uint64_t length) override;

  /// The node at a link-free `path` itself (a final link is not followed).
  std::optional<FileInfo> Lstat(const std::string& path) override;
  /// The target of the link at link-free `path`; throws EvidenceError.
  std::string ReadLink(const std::string& path) override;

 private:
  struct Entry {
    std::string name;
    uint64_t id = 0;
    FileType type = FileType::kOther;
  };
  struct Dir {
    std::vector<Entry> entries;                      ///< sorted by name
    std::unordered_map<std::string, size_t> folded;  ///< only when folding
    const Entry* Lookup(const std::string& name, bool fold) const;
  };

  std::optional<uint64_t> Find(std::string_view path);
  std::optional<InodeTree::Node> NodeAt(uint64_t id);
  std::shared_ptr<const Dir> DirOf(uint64_t id);
  void CacheNode(uint64_t id, const InodeTree::Node& node);

  std::unique_ptr<InodeTree> tree_;
  bool fold_case_ = false;
  std::unordered_map<uint64_t, std::shared_ptr<const Dir>> dirs_;
  size_t cached_names_ = 0;
  std::string dir_error_;  ///< why the last DirOf gave nothing
  std::unordered_map<uint64_t, InodeTree::Node> nodes_;
};

/// Seconds since the epoch from the nanoseconds the libyal libraries give,
/// rounded down (so a time before 1970 stays before it).
int64_t NanosToSeconds(int64_t nanos);

}  // namespace contraband
