#include "evidence/filesystem/tsk_vfs.h"

#include <tsk/libtsk.h>
// After libtsk.h, whose types it uses: EXT2FS_INFO, for ExtInodeClaimIsSane.
#include <tsk/fs/tsk_ext2fs.h>

#include <algorithm>
#include <cctype>
#include <unordered_map>

#include "common/text.h"
#include "common/wildcard.h"
#include "evidence/path_resolver.h"
#include "formats/byte_reader.h"

namespace contraband {
namespace {

// Folder listings are cached by metadata address because ResolveInRoot asks
// for every prefix of a path and collectors glob the same folders again. The
// bounds keep a hostile image with huge folders from growing memory without
// limit: past them the cache starts over.
constexpr size_t kMaxCachedNames = 1u << 20;
constexpr size_t kMaxCachedNodes = 1u << 16;
constexpr size_t kReadChunk = 1u << 20;
// TSK reads a whole folder's records into memory when it opens it; a damaged
// inode can claim gigabytes. Real folders stay far below this (a million
// ext4 entries take about 40 MiB).
constexpr uint64_t kMaxFolderBytes = 64ull << 20;
constexpr uint64_t kMaxLinkBytes = 64 * 1024;  // ResolveInRoot's path limit

// Reparse tags (Microsoft's winnt.h) that make an NTFS entry a link.
constexpr uint32_t kTagMountPoint = 0xA0000003;  // junction or mounted volume
constexpr uint32_t kTagSymlink = 0xA000000C;
constexpr uint32_t kTagLxSymlink = 0xA000001D;  // WSL symlink
constexpr uint32_t kSymlinkFlagRelative = 1;

struct FileCloser {
  void operator()(TSK_FS_FILE* f) const { tsk_fs_file_close(f); }
};
using FilePtr = std::unique_ptr<TSK_FS_FILE, FileCloser>;

struct DirCloser {
  void operator()(TSK_FS_DIR* d) const { tsk_fs_dir_close(d); }
};
using DirPtr = std::unique_ptr<TSK_FS_DIR, DirCloser>;

// UTF-16LE as NTFS stores names; an unpaired surrogate becomes U+FFFD.
std::string Utf16LeToUtf8(std::string_view bytes) {
  ByteReader r(bytes);
  std::string out;
  while (r.remaining() >= 2) {
    uint32_t u = r.le<uint16_t>("UTF-16 unit");
    if (u >= 0xD800 && u < 0xDC00 && r.remaining() >= 2) {
      ByteReader peek = r;
      uint32_t lo = peek.le<uint16_t>("UTF-16 unit");
      if (lo >= 0xDC00 && lo < 0xE000) {
        r = peek;
        AppendUtf8(out, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
        continue;
      }
    }
    AppendUtf8(out, (u >= 0xD800 && u < 0xE000) ? 0xFFFD : u);
  }
  return out;
}

// What an NTFS reparse point means for path resolution.
struct ReparseLink {
  bool is_link = false;
  std::optional<std::string> target;  ///< nullopt: points off this volume
};

// Maps a Windows link target to a path on this volume. "\??\C:\Users\x" and
// "C:\Users\x" become "/Users/x": a link on a Windows system volume names the
// system drive, which is this filesystem. Targets on another volume
// ("\??\Volume{GUID}\", UNC shares) cannot be followed inside the evidence.
std::optional<std::string> WindowsTargetToPath(std::string t, bool relative) {
  std::replace(t.begin(), t.end(), '\\', '/');
  if (relative) return t;
  // "\??\" (NT object namespace) and "\\?\" (Win32 long-path form).
  for (std::string_view prefix : {"/?"
                                  "?/",
                                  "//?/"}) {
    if (t.compare(0, prefix.size(), prefix) == 0) t.erase(0, prefix.size());
  }
  if (t.size() >= 2 && std::isalpha(static_cast<unsigned char>(t[0])) &&
      t[1] == ':' && (t.size() == 2 || t[2] == '/')) {
    std::string rest = t.substr(2);
    return rest.empty() ? "/" : rest;
  }
  return std::nullopt;
}

// Parses a $REPARSE_POINT attribute (REPARSE_DATA_BUFFER). Tags other than
// links (deduplication, OneDrive placeholders, WOF compression) leave the
// entry what TSK says it is.
ReparseLink ParseReparsePoint(std::string_view data) {
  ReparseLink out;
  try {
    ByteReader r(data);
    uint32_t tag = r.le<uint32_t>("reparse tag");
    uint16_t length = r.le<uint16_t>("reparse data length");
    r.skip(2, "reserved");
    std::string_view body =
        r.bytes(std::min<uint64_t>(length, r.remaining()), "reparse data");
    ByteReader b(body);
    if (tag == kTagSymlink || tag == kTagMountPoint) {
      uint16_t sub_off = b.le<uint16_t>("substitute name offset");
      uint16_t sub_len = b.le<uint16_t>("substitute name length");
      uint16_t print_off = b.le<uint16_t>("print name offset");
      uint16_t print_len = b.le<uint16_t>("print name length");
      uint32_t flags = 0;
      if (tag == kTagSymlink) flags = b.le<uint32_t>("symlink flags");
      std::string_view names = body.substr(b.offset());
      std::string name = Utf16LeToUtf8(
          ByteReader::Slice(names, sub_off, sub_len, "substitute name"));
      if (name.empty()) {
        name = Utf16LeToUtf8(
            ByteReader::Slice(names, print_off, print_len, "print name"));
      }
      out.is_link = true;
      out.target = WindowsTargetToPath(
          name, tag == kTagSymlink && (flags & kSymlinkFlagRelative));
    } else if (tag == kTagLxSymlink) {
      b.skip(4, "LX symlink version");
      std::string target(body.substr(b.offset()));
      out.is_link = true;
      // An absolute WSL link names the Linux distribution's root, which is a
      // folder somewhere on this volume, not its root: not followed.
      if (!target.empty() && target[0] != '/') out.target = target;
    }
  } catch (const ParseError&) {
    return ReparseLink{};  // damaged: treat the entry as TSK reports it
  }
  return out;
}

FileType TypeOfMeta(TSK_FS_META_TYPE_ENUM t) {
  switch (t) {
    case TSK_FS_META_TYPE_REG:
      return FileType::kRegular;
    case TSK_FS_META_TYPE_DIR:
    case TSK_FS_META_TYPE_VIRT_DIR:
      return FileType::kDirectory;
    case TSK_FS_META_TYPE_LNK:
      return FileType::kSymlink;
    default:
      return FileType::kOther;
  }
}

FileType TypeOfName(TSK_FS_NAME_TYPE_ENUM t) {
  switch (t) {
    case TSK_FS_NAME_TYPE_REG:
      return FileType::kRegular;
    case TSK_FS_NAME_TYPE_DIR:
      return FileType::kDirectory;
    case TSK_FS_NAME_TYPE_LNK:
      return FileType::kSymlink;
    default:
      return FileType::kOther;
  }
}

// TSK 4.11 allocates (and zeroes) the size an ext4 inline-data inode claims
// when it loads that inode: a damaged inode claiming gigabytes costs
// gigabytes of memory. Inline data lives inside the inode, so a claim larger
// than an inode is damage; the raw inode is read first to refuse it. On
// layouts this does not follow (meta_bg) TSK is trusted as it is.
bool ExtInodeClaimIsSane(TSK_FS_INFO* fs, TSK_INUM_T inum) {
  if (!TSK_FS_TYPE_ISEXT(fs->ftype) || inum == 0) return true;
  const auto* ext = reinterpret_cast<const EXT2FS_INFO*>(fs);
  const ext2fs_sb* sb = ext->fs;
  auto u16 = [](const uint8_t* p) {
    return uint32_t(p[0]) | uint32_t(p[1]) << 8;
  };
  auto u32 = [&](const uint8_t* p) { return u16(p) | u16(p + 2) << 16; };
  const uint32_t incompat = u32(sb->s_feature_incompat);
  const uint32_t per_group = u32(sb->s_inodes_per_group);
  if ((incompat & EXT2FS_FEATURE_INCOMPAT_META_BG) || per_group == 0)
    return true;
  const uint64_t group = (inum - 1) / per_group, index = (inum - 1) % per_group;
  uint32_t desc_size = 32;
  if (incompat & EXT2FS_FEATURE_INCOMPAT_64BIT) {
    desc_size =
        std::max<uint32_t>(32, std::min<uint32_t>(64, u16(sb->s_desc_size)));
  }
  uint8_t gd[64] = {};
  const auto gd_off =
      static_cast<TSK_OFF_T>(ext->groups_offset + group * desc_size);
  if (tsk_fs_read(fs, gd_off, reinterpret_cast<char*>(gd), desc_size) !=
      static_cast<ssize_t>(desc_size)) {
    tsk_error_reset();
    return true;  // TSK reports its own read error
  }
  uint64_t table = u32(gd + 8);
  if (desc_size >= 64) table |= uint64_t(u32(gd + 0x28)) << 32;
  uint8_t inode[0x70] = {};
  const auto ino_off =
      static_cast<TSK_OFF_T>(table * fs->block_size + index * ext->inode_size);
  if (tsk_fs_read(fs, ino_off, reinterpret_cast<char*>(inode), sizeof inode) !=
      static_cast<ssize_t>(sizeof inode)) {
    tsk_error_reset();
    return true;
  }
  if (!(u32(inode + 0x20) & EXT2_INLINE_DATA)) return true;
  const uint64_t size = u32(inode + 4) | uint64_t(u32(inode + 0x6C)) << 32;
  return size <= std::max<uint64_t>(ext->inode_size, 1024);
}

}  // namespace

std::string TskLastError() {
  const char* e = tsk_error_get();
  std::string s = e ? e : "";
  std::replace(s.begin(), s.end(), '\n', ' ');
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

class TskVfs::Impl {
 public:
  Impl(TSK_FS_INFO* fs, std::shared_ptr<void> keep_alive)
      : keep_alive_(std::move(keep_alive)), fs_(fs) {
    // TSK compares names the way the filesystem does (strcasecmp on NTFS,
    // FAT and case-insensitive HFS+); ask it once rather than list kinds.
    // ISO9660 names are upper case by the standard and Windows and macOS
    // read them without regard to case, though TSK compares them exactly.
    fold_case_ = (fs_->name_cmp && fs_->name_cmp(fs_, "A", "a") == 0) ||
                 TSK_FS_TYPE_ISISO9660(fs_->ftype);
    has_owners_ = TSK_FS_TYPE_ISEXT(fs_->ftype) ||
                  TSK_FS_TYPE_ISFFS(fs_->ftype) ||
                  TSK_FS_TYPE_ISHFS(fs_->ftype);
    is_ntfs_ = TSK_FS_TYPE_ISNTFS(fs_->ftype);
  }
  ~Impl() { tsk_fs_close(fs_); }
  bool fold_case() const { return fold_case_; }

  struct Node {
    FileInfo info;
    std::optional<std::string> target;  ///< links: where they point
  };

  std::string FsType() const {
    // TSK calls HFS+ "hfsp"; examiners and the report say "hfs+".
    if (fs_->ftype == TSK_FS_TYPE_HFS) return "hfs+";
    const char* name = tsk_fs_type_toname(fs_->ftype);
    return name ? name : "unknown";
  }

  /// What ResolveInRoot asks, answered from this filesystem.
  class Lookup : public LinkLookup {
   public:
    explicit Lookup(Impl& impl) : impl_(impl) {}
    std::optional<FileInfo> Lstat(const std::string& path) override {
      return impl_.Lstat(path);
    }
    std::string ReadLink(const std::string& path) override {
      return impl_.ReadLink(path);
    }

   private:
    Impl& impl_;
  };

  /// The metadata address of a symlink-free path, walking from the root.
  std::optional<TSK_INUM_T> Find(std::string_view path) {
    TSK_INUM_T inum = fs_->root_inum;
    for (std::string_view part : SplitPath(path)) {
      const std::string name(part);
      std::optional<Node> node = NodeAt(inum);
      if (!node || node->info.type != FileType::kDirectory) return std::nullopt;
      std::shared_ptr<const Dir> dir = DirOf(inum);
      if (!dir) return std::nullopt;
      const Entry* e = dir->Lookup(name, fold_case_);
      if (!e) return std::nullopt;
      inum = e->inum;
    }
    return inum;
  }

  std::optional<FileInfo> Lstat(const std::string& path) {
    std::optional<TSK_INUM_T> inum = Find(path);
    if (!inum) return std::nullopt;
    std::optional<Node> node = NodeAt(*inum);
    if (!node) return std::nullopt;
    return node->info;
  }

  std::string ReadLink(const std::string& path) {
    std::optional<TSK_INUM_T> inum = Find(path);
    std::optional<Node> node = inum ? NodeAt(*inum) : std::nullopt;
    if (!node || !node->target) {
      throw EvidenceError("symbolic link " + path + " cannot be read");
    }
    return *node->target;
  }

  std::vector<DirEntry> List(const std::string& resolved) {
    std::optional<TSK_INUM_T> inum = Find(resolved);
    std::shared_ptr<const Dir> dir = inum ? DirOf(*inum) : nullptr;
    if (!dir) {
      throw EvidenceError("folder " + resolved + " cannot be read: " +
                          (dir_error_.empty() ? TskLastError() : dir_error_));
    }
    std::vector<DirEntry> out;
    out.reserve(dir->entries.size());
    for (const Entry& e : dir->entries) {
      FileType type = TypeOfName(e.name_type);
      // NTFS links are reparse points that the name does not reveal, and old
      // ext2 folders record no type: only the metadata says what they are.
      if (is_ntfs_ || e.name_type == TSK_FS_NAME_TYPE_UNDEF) {
        if (std::optional<Node> node = NodeAt(e.inum)) type = node->info.type;
      }
      out.push_back({e.name, type});
    }
    return out;
  }

  /// The file's `size` bytes in pieces of at most kReadChunk, read into one
  /// buffer; `opened` (if any) runs once the file is open.
  void ReadFileChunks(const std::string& path, TSK_INUM_T inum, uint64_t size,
                      const std::function<void()>& opened,
                      const ChunkConsumer& consume) {
    tsk_error_reset();
    FilePtr file(tsk_fs_file_open_meta(fs_, nullptr, inum));
    if (!file || !file->meta) {
      throw EvidenceError("cannot open " + path + ": " + TskLastError());
    }
    if (opened) opened();
    std::string buf(static_cast<size_t>(std::min<uint64_t>(kReadChunk, size)),
                    '\0');
    uint64_t done = 0;
    while (done < size) {
      size_t want =
          static_cast<size_t>(std::min<uint64_t>(kReadChunk, size - done));
      ssize_t got =
          tsk_fs_file_read(file.get(), static_cast<TSK_OFF_T>(done), buf.data(),
                           want, TSK_FS_FILE_READ_FLAG_NONE);
      if (got <= 0) {
        throw EvidenceError("cannot read " + path + " at offset " +
                            std::to_string(done) + " of " +
                            std::to_string(size) + " bytes: " + TskLastError());
      }
      done += static_cast<uint64_t>(got);
      consume(std::string_view(buf.data(), static_cast<size_t>(got)));
    }
  }

  /// Up to `length` bytes at `offset` of the `size`-byte file: only the
  /// blocks under that range are read.
  std::string ReadFileRange(const std::string& path, TSK_INUM_T inum,
                            uint64_t size, uint64_t offset, uint64_t length) {
    if (offset >= size) return {};
    tsk_error_reset();
    FilePtr file(tsk_fs_file_open_meta(fs_, nullptr, inum));
    if (!file || !file->meta) {
      throw EvidenceError("cannot open " + path + ": " + TskLastError());
    }
    std::string out(static_cast<size_t>(std::min(length, size - offset)), '\0');
    size_t done = 0;
    while (done < out.size()) {
      ssize_t got = tsk_fs_file_read(
          file.get(), static_cast<TSK_OFF_T>(offset + done), out.data() + done,
          out.size() - done, TSK_FS_FILE_READ_FLAG_NONE);
      if (got <= 0) {
        throw EvidenceError("cannot read " + path + " at offset " +
                            std::to_string(offset + done) + " of " +
                            std::to_string(size) + " bytes: " + TskLastError());
      }
      done += static_cast<size_t>(got);
    }
    return out;
  }

 private:
  struct Entry {
    std::string name;
    TSK_INUM_T inum = 0;
    TSK_FS_NAME_TYPE_ENUM name_type = TSK_FS_NAME_TYPE_UNDEF;
  };
  struct Dir {
    std::vector<Entry> entries;                      ///< sorted by name
    std::unordered_map<std::string, size_t> folded;  ///< only when folding

    const Entry* Lookup(const std::string& name, bool fold) const {
      auto it = std::lower_bound(
          entries.begin(), entries.end(), name,
          [](const Entry& e, const std::string& n) { return e.name < n; });
      if (it != entries.end() && it->name == name) return &*it;
      if (!fold) return nullptr;
      auto f = folded.find(AsciiLower(name));
      return f == folded.end() ? nullptr : &entries[f->second];
    }
  };

  std::shared_ptr<const Dir> DirOf(TSK_INUM_T inum) {
    auto it = dirs_.find(inum);
    if (it != dirs_.end()) return it->second;
    dir_error_.clear();
    const uint64_t fs_bytes =
        static_cast<uint64_t>(fs_->block_count) * fs_->block_size;
    const std::optional<Node> node = NodeAt(inum);
    if (!node || node->info.type != FileType::kDirectory) {
      dir_error_ = "its metadata cannot be read or is not a folder's";
      return nullptr;
    }
    if (node->info.size > std::min(kMaxFolderBytes, fs_bytes)) {
      dir_error_ = "its metadata claims " + std::to_string(node->info.size) +
                   " bytes of entries (damaged?); not read";
      return nullptr;
    }
    tsk_error_reset();
    DirPtr tdir(tsk_fs_dir_open_meta(fs_, inum));
    if (!tdir) return nullptr;
    auto dir = std::make_shared<Dir>();
    const size_t n = tsk_fs_dir_getsize(tdir.get());
    for (size_t i = 0; i < n; ++i) {
      const TSK_FS_NAME* name = tsk_fs_dir_get_name(tdir.get(), i);
      if (!name || !name->name) continue;
      // Deleted names are history, not what is installed; virtual entries
      // are TSK's inventions ($OrphanFiles, $MBR, $FAT1).
      if (!(name->flags & TSK_FS_NAME_FLAG_ALLOC)) continue;
      if (name->type == TSK_FS_NAME_TYPE_VIRT ||
          name->type == TSK_FS_NAME_TYPE_VIRT_DIR) {
        continue;
      }
      std::string_view s = name->name;
      if (s.empty() || s == "." || s == ".." ||
          s.find('/') != std::string_view::npos) {
        continue;
      }
      dir->entries.push_back({std::string(s), name->meta_addr, name->type});
    }
    std::stable_sort(
        dir->entries.begin(), dir->entries.end(),
        [](const Entry& a, const Entry& b) { return a.name < b.name; });
    dir->entries.erase(std::unique(dir->entries.begin(), dir->entries.end(),
                                   [](const Entry& a, const Entry& b) {
                                     return a.name == b.name;
                                   }),
                       dir->entries.end());
    if (fold_case_) {
      for (size_t i = 0; i < dir->entries.size(); ++i) {
        dir->folded.emplace(AsciiLower(dir->entries[i].name), i);
      }
    }
    cached_names_ += dir->entries.size();
    if (cached_names_ > kMaxCachedNames) {
      dirs_.clear();
      cached_names_ = dir->entries.size();
    }
    dirs_.emplace(inum, dir);
    return dir;
  }

  std::optional<Node> NodeAt(TSK_INUM_T inum) {
    auto it = nodes_.find(inum);
    if (it != nodes_.end()) return it->second;
    if (!ExtInodeClaimIsSane(fs_, inum)) return std::nullopt;
    tsk_error_reset();
    FilePtr file(tsk_fs_file_open_meta(fs_, nullptr, inum));
    if (!file || !file->meta) return std::nullopt;
    const TSK_FS_META* meta = file->meta;
    Node node;
    node.info.type = TypeOfMeta(meta->type);
    node.info.size = meta->size > 0 ? static_cast<uint64_t>(meta->size) : 0;
    node.info.mtime = static_cast<int64_t>(meta->mtime);
    node.info.uid = has_owners_ ? static_cast<int64_t>(meta->uid) : -1;
    if (node.info.type == FileType::kSymlink) {
      node.target = LinkTarget(file.get());
      if (!node.target) node.info.type = FileType::kOther;
    } else if (is_ntfs_) {
      ApplyReparsePoint(file.get(), node);
    }
    if (nodes_.size() >= kMaxCachedNodes) nodes_.clear();
    nodes_.emplace(inum, node);
    return node;
  }

  // ext keeps short targets in the inode (TSK fills meta->link); longer
  // ones and HFS+ links keep the target as the file's data.
  std::optional<std::string> LinkTarget(TSK_FS_FILE* file) {
    if (file->meta->link && file->meta->link[0])
      return std::string(file->meta->link);
    uint64_t size =
        file->meta->size > 0 ? static_cast<uint64_t>(file->meta->size) : 0;
    if (size == 0 || size > kMaxLinkBytes) return std::nullopt;
    std::string target(static_cast<size_t>(size), '\0');
    ssize_t got = tsk_fs_file_read(file, 0, target.data(), target.size(),
                                   TSK_FS_FILE_READ_FLAG_NONE);
    if (got <= 0) return std::nullopt;
    target.resize(static_cast<size_t>(got));
    return target;
  }

  void ApplyReparsePoint(TSK_FS_FILE* file, Node& node) {
    const TSK_FS_ATTR* attr =
        tsk_fs_file_attr_get_type(file, TSK_FS_ATTR_TYPE_NTFS_REPARSE, 0, 0);
    tsk_error_reset();  // no reparse point is the usual case, not an error
    if (!attr || attr->size <= 0 || attr->size > 16 * 1024) return;
    std::string data(static_cast<size_t>(attr->size), '\0');
    ssize_t got = tsk_fs_attr_read(attr, 0, data.data(), data.size(),
                                   TSK_FS_FILE_READ_FLAG_NONE);
    if (got <= 0) return;
    data.resize(static_cast<size_t>(got));
    ReparseLink link = ParseReparsePoint(data);
    if (!link.is_link) return;
    // A link whose target lies off this volume is kOther: listed, never
    // followed, never read.
    node.info.type = link.target ? FileType::kSymlink : FileType::kOther;
    node.info.size = link.target ? link.target->size() : 0;
    node.target = link.target;
  }

  std::shared_ptr<void> keep_alive_;  // destroyed after fs_ is closed
  TSK_FS_INFO* fs_;
  bool fold_case_ = false;
  bool has_owners_ = false;
  bool is_ntfs_ = false;
  std::unordered_map<TSK_INUM_T, std::shared_ptr<const Dir>> dirs_;
  size_t cached_names_ = 0;
  std::string dir_error_;  ///< why the last DirOf gave nothing, if not TSK's
  std::unordered_map<TSK_INUM_T, Node> nodes_;
};

TskVfs::TskVfs(TSK_FS_INFO* fs, std::shared_ptr<void> keep_alive)
    : impl_(std::make_unique<Impl>(fs, std::move(keep_alive))) {
  set_fold_case(impl_->fold_case());
}

TskVfs::~TskVfs() = default;

std::string TskVfs::fs_type() const { return impl_->FsType(); }

std::optional<FileInfo> TskVfs::Stat(std::string_view path) {
  Impl::Lookup lookup(*impl_);
  return StatInRoot(path, lookup);
}

std::vector<DirEntry> TskVfs::List(std::string_view path) {
  Impl::Lookup lookup(*impl_);
  const Resolved r = ResolveFolderToList(path, lookup);
  return impl_->List(r.path);
}

std::string TskVfs::Read(std::string_view path, uint64_t max_bytes) {
  return CollectChunks(path, max_bytes);
}

void TskVfs::ReadChunks(std::string_view path, uint64_t max_bytes,
                        const ChunkConsumer& consume) {
  Impl::Lookup lookup(*impl_);
  const Resolved r = ResolveFileToRead(path, lookup, max_bytes);
  std::optional<TSK_INUM_T> inum = impl_->Find(r.path);
  if (!inum) throw EvidenceError(std::string(path) + " does not exist");
  impl_->ReadFileChunks(
      std::string(path), *inum, r.info.size, [this] { CountFile(); },
      [&](std::string_view chunk) {
        CountBytes(chunk.size());
        consume(chunk);
      });
}

std::string TskVfs::ReadRange(std::string_view path, uint64_t offset,
                              uint64_t length) {
  Impl::Lookup lookup(*impl_);
  const Resolved r = ResolveFileToRead(path, lookup, UINT64_MAX);
  std::optional<TSK_INUM_T> inum = impl_->Find(r.path);
  if (!inum) throw EvidenceError(std::string(path) + " does not exist");
  std::string data = impl_->ReadFileRange(std::string(path), *inum,
                                          r.info.size, offset, length);
  CountRange(path, data.size());
  return data;
}

}  // namespace contraband
