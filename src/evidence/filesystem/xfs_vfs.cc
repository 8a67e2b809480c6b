#include "evidence/filesystem/xfs_vfs.h"

#include <libfsxfs.h>
#include <sys/stat.h>

#include <algorithm>

#include "evidence/filesystem/inode_tree_vfs.h"
#include "evidence/libyal_io.h"
#include "formats/byte_reader.h"

namespace contraband {
namespace {

constexpr size_t kMaxNameBytes = 1024;             // XFS allows 255
constexpr size_t kMaxLinkBytes = 64 * 1024;        // ResolveInRoot's path limit
constexpr uint64_t kMaxFolderBytes = 64ull << 20;  // as TskVfs

// XFS v5 "bigtime" (xfs_format.h): on by default since xfsprogs 5.15, and
// not understood by libfsxfs 20201117, which reads such a timestamp as
// seconds and nanoseconds and is off by decades. Such inodes are decoded here.
constexpr uint32_t kIncompatBigtime = 1u << 3;  // sb_features_incompat
constexpr uint64_t kDiflag2Bigtime = 1u << 3;   // di_flags2
constexpr int64_t kBigtimeEpochOffset = int64_t{1} << 31;  // 1901-12-13

std::string Why(libfsxfs_error_t*& error) {
  return TakeYalError(error, &libfsxfs_error_sprint, &libfsxfs_error_free);
}

struct EntryFree {
  void operator()(libfsxfs_file_entry_t* e) const {
    libfsxfs_file_entry_free(&e, nullptr);
  }
};
using EntryPtr = std::unique_ptr<libfsxfs_file_entry_t, EntryFree>;

// What the superblock says about where inodes are, for the timestamps
// libfsxfs misreads.
struct Geometry {
  bool bigtime = false;
  uint32_t block_size = 0;
  uint32_t ag_blocks = 0;
  uint16_t inode_size = 0;
  uint8_t inodes_per_block_log = 0;
  uint8_t ag_blocks_log = 0;
};

Geometry ReadGeometry(BlockDevice& device) {
  Geometry g;
  try {
    const std::string sb = ReadHead(device, 0, 512);
    ByteReader r(sb);
    r.seek(4, "sb_blocksize");
    g.block_size = r.be<uint32_t>("sb_blocksize");
    r.seek(0x54, "sb_agblocks");
    g.ag_blocks = r.be<uint32_t>("sb_agblocks");
    r.seek(0x64, "sb_versionnum");
    const uint16_t version = r.be<uint16_t>("sb_versionnum");
    r.seek(0x68, "sb_inodesize");
    g.inode_size = r.be<uint16_t>("sb_inodesize");
    r.seek(0x7B, "sb_inopblog");
    g.inodes_per_block_log = r.be<uint8_t>("sb_inopblog");
    g.ag_blocks_log = r.be<uint8_t>("sb_agblklog");
    r.seek(0xD8, "sb_features_incompat");
    const uint32_t incompat = r.be<uint32_t>("sb_features_incompat");
    g.bigtime = (version & 0xF) == 5 && (incompat & kIncompatBigtime) &&
                g.inode_size >= 0x80 &&
                g.inodes_per_block_log + g.ag_blocks_log < 64;
  } catch (const ParseError&) {
    g.bigtime = false;  // libfsxfs reports what is wrong with the volume
  }
  return g;
}

class XfsTree : public InodeTree {
 public:
  XfsTree(std::shared_ptr<BlockDevice> device, BfioHandle bfio,
          libfsxfs_volume_t* volume, uint64_t root_id, Geometry geometry)
      : device_(std::move(device)),
        bfio_(std::move(bfio)),
        volume_(volume),
        root_id_(root_id),
        geometry_(geometry) {}
  ~XfsTree() override {
    libfsxfs_volume_close(volume_, nullptr);
    libfsxfs_volume_free(&volume_, nullptr);
  }
  XfsTree(const XfsTree&) = delete;
  XfsTree& operator=(const XfsTree&) = delete;

  uint64_t root_id() override { return root_id_; }

  std::optional<Node> NodeAt(uint64_t id) override {
    EntryPtr entry = Open(id, nullptr);
    if (!entry) return std::nullopt;
    return NodeOf(entry.get(), id);
  }

  std::vector<Child> Children(uint64_t id, size_t max_entries) override {
    std::string why;
    EntryPtr dir = Open(id, &why);
    if (!dir) throw EvidenceError(why);
    libfsxfs_error_t* error = nullptr;
    size64_t bytes = 0;
    if (libfsxfs_file_entry_get_size(dir.get(), &bytes, &error) == 1 &&
        bytes > kMaxFolderBytes) {
      throw EvidenceError("its inode claims " + std::to_string(bytes) +
                          " bytes of entries (damaged?); not read");
    }
    int count = 0;
    if (libfsxfs_file_entry_get_number_of_sub_file_entries(dir.get(), &count,
                                                           &error) != 1) {
      throw EvidenceError(Why(error));
    }
    if (count < 0 || static_cast<size_t>(count) > max_entries) {
      throw EvidenceError("it claims " + std::to_string(count) +
                          " entries, over the limit of " +
                          std::to_string(max_entries));
    }
    std::vector<Child> out;
    out.reserve(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) {
      libfsxfs_file_entry_t* raw = nullptr;
      if (libfsxfs_file_entry_get_sub_file_entry_by_index(dir.get(), i, &raw,
                                                          &error) != 1) {
        throw EvidenceError("entry " + std::to_string(i) + ": " + Why(error));
      }
      EntryPtr sub(raw);
      Child c;
      uint64_t ino = 0;
      if (libfsxfs_file_entry_get_inode_number(sub.get(), &ino, &error) != 1) {
        Why(error);
        continue;
      }
      std::optional<std::string> name = NameOf(sub.get());
      if (!name) continue;
      c.name = std::move(*name);
      c.id = ino;
      c.node = NodeOf(sub.get(), ino);
      out.push_back(std::move(c));
    }
    return out;
  }

  std::shared_ptr<BlockDevice> OpenData(uint64_t id,
                                        const std::string& path) override;

 private:
  EntryPtr Open(uint64_t id, std::string* why) {
    libfsxfs_file_entry_t* raw = nullptr;
    libfsxfs_error_t* error = nullptr;
    if (libfsxfs_volume_get_file_entry_by_inode(volume_, id, &raw, &error) !=
        1) {
      std::string reason = Why(error);
      if (why) *why = "inode " + std::to_string(id) + ": " + reason;
      return nullptr;
    }
    return EntryPtr(raw);
  }

  static std::optional<std::string> NameOf(libfsxfs_file_entry_t* e) {
    libfsxfs_error_t* error = nullptr;
    size_t size = 0;
    if (libfsxfs_file_entry_get_utf8_name_size(e, &size, &error) != 1 ||
        size == 0 || size > kMaxNameBytes) {
      Why(error);
      return std::nullopt;
    }
    std::string name(size, '\0');
    if (libfsxfs_file_entry_get_utf8_name(
            e, reinterpret_cast<uint8_t*>(name.data()), size, &error) != 1) {
      Why(error);
      return std::nullopt;
    }
    name.resize(std::min(name.find('\0'), size));
    return name;
  }

  Node NodeOf(libfsxfs_file_entry_t* e, uint64_t ino) {
    libfsxfs_error_t* error = nullptr;
    Node node;
    uint16_t mode = 0;
    if (libfsxfs_file_entry_get_file_mode(e, &mode, &error) != 1) Why(error);
    switch (mode & S_IFMT) {
      case S_IFREG:
        node.info.type = FileType::kRegular;
        break;
      case S_IFDIR:
        node.info.type = FileType::kDirectory;
        break;
      case S_IFLNK:
        node.info.type = FileType::kSymlink;
        break;
      default:
        node.info.type = FileType::kOther;
    }
    size64_t size = 0;
    if (libfsxfs_file_entry_get_size(e, &size, &error) != 1) Why(error);
    node.info.size = size;
    uint32_t uid = 0;
    if (libfsxfs_file_entry_get_owner_identifier(e, &uid, &error) == 1) {
      node.info.uid = uid;
    } else {
      Why(error);
    }
    int64_t nanos = 0;
    if (libfsxfs_file_entry_get_modification_time(e, &nanos, &error) == 1) {
      node.info.mtime = NanosToSeconds(nanos);
    } else {
      Why(error);
    }
    if (geometry_.bigtime) {
      if (std::optional<int64_t> t = BigtimeMtime(ino)) node.info.mtime = *t;
    }
    if (node.info.type == FileType::kSymlink) {
      node.target = LinkTarget(e);
      if (!node.target) node.info.type = FileType::kOther;
    }
    return node;
  }

  static std::optional<std::string> LinkTarget(libfsxfs_file_entry_t* e) {
    libfsxfs_error_t* error = nullptr;
    size_t size = 0;
    if (libfsxfs_file_entry_get_utf8_symbolic_link_target_size(e, &size,
                                                               &error) != 1 ||
        size == 0 || size > kMaxLinkBytes) {
      Why(error);
      return std::nullopt;
    }
    std::string target(size, '\0');
    if (libfsxfs_file_entry_get_utf8_symbolic_link_target(
            e, reinterpret_cast<uint8_t*>(target.data()), size, &error) != 1) {
      Why(error);
      return std::nullopt;
    }
    target.resize(std::min(target.find('\0'), size));
    if (target.empty()) return std::nullopt;
    return target;
  }

  // The modification time of inode `ino` read from its on-disk core
  // (xfs_dinode), when it carries the bigtime flag; nullopt otherwise.
  std::optional<int64_t> BigtimeMtime(uint64_t ino) {
    const Geometry& g = geometry_;
    const unsigned agino_log = g.inodes_per_block_log + g.ag_blocks_log;
    const uint64_t ag = ino >> agino_log;
    const uint64_t ag_block = (ino >> g.inodes_per_block_log) &
                              ((uint64_t{1} << g.ag_blocks_log) - 1);
    const uint64_t slot = ino & ((uint64_t{1} << g.inodes_per_block_log) - 1);
    // Checked: a hostile inode number must not wrap the offset around.
    uint64_t block = 0, offset = 0, in_block = 0;
    if (__builtin_mul_overflow(ag, uint64_t{g.ag_blocks}, &block) ||
        __builtin_add_overflow(block, ag_block, &block) ||
        __builtin_mul_overflow(block, uint64_t{g.block_size}, &offset) ||
        __builtin_mul_overflow(slot, uint64_t{g.inode_size}, &in_block) ||
        __builtin_add_overflow(offset, in_block, &offset) ||
        offset >= device_->size()) {
      return std::nullopt;
    }
    try {
      const std::string core = ReadHead(*device_, offset, 0xA0);
      ByteReader r(core);
      if (r.be<uint16_t>("di_magic") != 0x494E) return std::nullopt;  // "IN"
      r.seek(4, "di_version");
      if (r.be<uint8_t>("di_version") < 3) return std::nullopt;
      r.seek(0x98, "di_ino");
      if (r.be<uint64_t>("di_ino") != ino) return std::nullopt;
      r.seek(0x78, "di_flags2");
      if (!(r.be<uint64_t>("di_flags2") & kDiflag2Bigtime)) return std::nullopt;
      r.seek(0x28, "di_mtime");
      const uint64_t raw = r.be<uint64_t>("di_mtime");
      return static_cast<int64_t>(raw / 1000000000) - kBigtimeEpochOffset;
    } catch (const ParseError&) {
      return std::nullopt;
    } catch (const EvidenceError&) {
      return std::nullopt;
    }
  }

  std::shared_ptr<BlockDevice> device_;
  BfioHandle bfio_;  // outlives volume_, which reads through it
  libfsxfs_volume_t* volume_;
  uint64_t root_id_;
  Geometry geometry_;
};

std::shared_ptr<BlockDevice> XfsTree::OpenData(uint64_t id,
                                               const std::string& path) {
  std::string why;
  EntryPtr entry = Open(id, &why);
  if (!entry) throw EvidenceError("cannot open " + path + ": " + why);
  libfsxfs_error_t* error = nullptr;
  size64_t size = 0;
  if (libfsxfs_file_entry_get_size(entry.get(), &size, &error) != 1) {
    throw EvidenceError("cannot open " + path + ": " + Why(error));
  }
  // The entry is freed before the volume: it lives only within one read.
  std::shared_ptr<libfsxfs_file_entry_t> data(entry.release(), EntryFree());
  libfsxfs_file_entry_t* raw = data.get();
  return LibyalDevice(size, raw, &libfsxfs_file_entry_read_buffer_at_offset,
                      &libfsxfs_error_sprint, &libfsxfs_error_free, std::move(data),
                      path);
}

}  // namespace

bool LooksLikeXfs(BlockDevice& device) {
  return ReadHead(device, 0, 4) == "XFSB";
}

std::unique_ptr<Vfs> OpenXfsVfs(std::shared_ptr<BlockDevice> device) {
  const Geometry geometry = ReadGeometry(*device);
  BfioHandle bfio = MakeBfioHandle(device);
  libfsxfs_volume_t* volume = nullptr;
  libfsxfs_error_t* error = nullptr;
  if (libfsxfs_volume_initialize(&volume, &error) != 1) {
    throw EvidenceError("cannot set up libfsxfs: " + Why(error));
  }
  if (libfsxfs_volume_open_file_io_handle(
          volume, bfio.get(), libfsxfs_get_access_flags_read(), &error) != 1) {
    std::string why = Why(error);
    libfsxfs_volume_free(&volume, nullptr);
    throw EvidenceError("cannot open the XFS filesystem: " + why);
  }
  libfsxfs_file_entry_t* root = nullptr;
  uint64_t root_id = 0;
  if (libfsxfs_volume_get_root_directory(volume, &root, &error) != 1 ||
      libfsxfs_file_entry_get_inode_number(root, &root_id, &error) != 1) {
    std::string why = Why(error);
    libfsxfs_file_entry_free(&root, nullptr);
    libfsxfs_volume_close(volume, nullptr);
    libfsxfs_volume_free(&volume, nullptr);
    throw EvidenceError("cannot read the XFS root folder: " + why);
  }
  libfsxfs_file_entry_free(&root, nullptr);
  return std::make_unique<InodeTreeVfs>(std::make_unique<XfsTree>(
      std::move(device), std::move(bfio), volume, root_id, geometry));
}

}  // namespace contraband
