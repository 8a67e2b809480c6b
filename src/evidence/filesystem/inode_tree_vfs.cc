#include "evidence/filesystem/inode_tree_vfs.h"

#include <algorithm>

#include "common/wildcard.h"

namespace contraband {
namespace {

// The same bounds as TskVfs: listings are cached because ResolveInRoot asks
// for every prefix of a path and collectors glob the same folders again;
// past these the caches start over, so a hostile image with huge folders
// cannot grow memory without limit.
constexpr size_t kMaxCachedNames = 1u << 20;
constexpr size_t kMaxCachedNodes = 1u << 16;
// Real folders stay far below a million entries; a damaged one claiming more
// is refused rather than listed.
constexpr size_t kMaxEntriesPerFolder = 1u << 20;
constexpr uint64_t kReadChunk = 1u << 20;

}  // namespace

int64_t NanosToSeconds(int64_t nanos) {
  int64_t s = nanos / 1000000000;
  if (nanos % 1000000000 < 0) --s;
  return s;
}

const InodeTreeVfs::Entry* InodeTreeVfs::Dir::Lookup(const std::string& name,
                                                     bool fold) const {
  auto it = std::lower_bound(
      entries.begin(), entries.end(), name,
      [](const Entry& e, const std::string& n) { return e.name < n; });
  if (it != entries.end() && it->name == name) return &*it;
  if (!fold) return nullptr;
  auto f = folded.find(AsciiLower(name));
  return f == folded.end() ? nullptr : &entries[f->second];
}

InodeTreeVfs::InodeTreeVfs(std::unique_ptr<InodeTree> tree)
    : tree_(std::move(tree)), fold_case_(tree_->fold_case()) {
  set_fold_case(fold_case_);
}

InodeTreeVfs::~InodeTreeVfs() = default;

void InodeTreeVfs::CacheNode(uint64_t id, const InodeTree::Node& node) {
  if (nodes_.size() >= kMaxCachedNodes) nodes_.clear();
  nodes_.insert_or_assign(id, node);
}

std::optional<InodeTree::Node> InodeTreeVfs::NodeAt(uint64_t id) {
  auto it = nodes_.find(id);
  if (it != nodes_.end()) return it->second;
  std::optional<InodeTree::Node> node = tree_->NodeAt(id);
  if (node) CacheNode(id, *node);
  return node;
}

std::shared_ptr<const InodeTreeVfs::Dir> InodeTreeVfs::DirOf(uint64_t id) {
  auto it = dirs_.find(id);
  if (it != dirs_.end()) return it->second;
  dir_error_.clear();
  std::optional<InodeTree::Node> node = NodeAt(id);
  if (!node || node->info.type != FileType::kDirectory) {
    dir_error_ = "its metadata cannot be read or is not a folder's";
    return nullptr;
  }
  std::vector<InodeTree::Child> children;
  try {
    children = tree_->Children(id, kMaxEntriesPerFolder);
  } catch (const EvidenceError& e) {
    dir_error_ = e.what();
    return nullptr;
  }
  auto dir = std::make_shared<Dir>();
  dir->entries.reserve(children.size());
  for (InodeTree::Child& c : children) {
    if (c.name.empty() || c.name == "." || c.name == ".." ||
        c.name.find('/') != std::string::npos) {
      continue;
    }
    dir->entries.push_back({c.name, c.id, c.node.info.type});
    CacheNode(c.id, c.node);
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
  dirs_.emplace(id, dir);
  return dir;
}

std::optional<uint64_t> InodeTreeVfs::Find(std::string_view path) {
  uint64_t id = tree_->root_id();
  for (std::string_view part : SplitPath(path)) {
    std::shared_ptr<const Dir> dir = DirOf(id);
    if (!dir) return std::nullopt;
    const Entry* e = dir->Lookup(std::string(part), fold_case_);
    if (!e) return std::nullopt;
    id = e->id;
  }
  return id;
}

std::optional<FileInfo> InodeTreeVfs::Lstat(const std::string& path) {
  std::optional<uint64_t> id = Find(path);
  if (!id) return std::nullopt;
  std::optional<InodeTree::Node> node = NodeAt(*id);
  if (!node) return std::nullopt;
  return node->info;
}

std::string InodeTreeVfs::ReadLink(const std::string& path) {
  std::optional<uint64_t> id = Find(path);
  std::optional<InodeTree::Node> node = id ? NodeAt(*id) : std::nullopt;
  if (!node || !node->target) {
    throw EvidenceError("symbolic link " + path + " cannot be read");
  }
  return *node->target;
}

std::optional<FileInfo> InodeTreeVfs::Stat(std::string_view path) {
  return StatInRoot(path, *this);
}

std::vector<DirEntry> InodeTreeVfs::List(std::string_view path) {
  const Resolved r = ResolveFolderToList(path, *this);
  std::optional<uint64_t> id = Find(r.path);
  std::shared_ptr<const Dir> dir = id ? DirOf(*id) : nullptr;
  if (!dir) {
    throw EvidenceError("folder " + std::string(path) + " cannot be read: " +
                        (dir_error_.empty() ? "no details" : dir_error_));
  }
  std::vector<DirEntry> out;
  out.reserve(dir->entries.size());
  for (const Entry& e : dir->entries) out.push_back({e.name, e.type});
  return out;
}

void InodeTreeVfs::ReadChunks(std::string_view path, uint64_t max_bytes,
                              const ChunkConsumer& consume) {
  const Resolved r = ResolveFileToRead(path, *this, max_bytes);
  const uint64_t size = r.info.size;
  std::optional<uint64_t> id = Find(r.path);
  if (!id) throw EvidenceError(std::string(path) + " does not exist");
  std::shared_ptr<BlockDevice> data_dev =
      tree_->OpenData(*id, std::string(path));
  CountFile();
  std::string chunk(static_cast<size_t>(std::min<uint64_t>(kReadChunk, size)),
                    '\0');
  uint64_t done = 0;
  while (done < size) {
    const size_t want =
        static_cast<size_t>(std::min<uint64_t>(kReadChunk, size - done));
    const size_t got = data_dev->ReadAt(chunk.data(), want, done);
    if (got == 0) {
      throw EvidenceError("cannot read " + std::string(path) + " at offset " +
                          std::to_string(done) + " of " + std::to_string(size) +
                          " bytes: the data ends early");
    }
    done += got;
    CountBytes(got);
    consume(std::string_view(chunk.data(), got));
  }
}

std::string InodeTreeVfs::Read(std::string_view path, uint64_t max_bytes) {
  return CollectChunks(path, max_bytes);
}

std::string InodeTreeVfs::ReadRange(std::string_view path, uint64_t offset,
                                    uint64_t length) {
  const Resolved r = ResolveFileToRead(path, *this, UINT64_MAX);
  const uint64_t size = r.info.size;
  if (offset >= size) return {};
  std::optional<uint64_t> id = Find(r.path);
  if (!id) throw EvidenceError(std::string(path) + " does not exist");
  std::shared_ptr<BlockDevice> data_dev =
      tree_->OpenData(*id, std::string(path));
  std::string out(static_cast<size_t>(std::min(length, size - offset)), '\0');
  size_t done = 0;
  while (done < out.size()) {
    const size_t got =
        data_dev->ReadAt(out.data() + done, out.size() - done, offset + done);
    if (got == 0) {
      throw EvidenceError("cannot read " + std::string(path) + " at offset " +
                          std::to_string(offset + done) + " of " +
                          std::to_string(size) + " bytes: the data ends early");
    }
    done += got;
  }
  CountRange(path, out.size());
  return out;
}

}  // namespace contraband
