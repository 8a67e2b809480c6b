#include "evidence/memory_vfs.h"

#include <algorithm>

#include "evidence/path_resolver.h"

namespace contraband {

class MemoryLookup : public LinkLookup {
 public:
  explicit MemoryLookup(const std::map<std::string, MemoryVfs::Node>& nodes)
      : nodes_(nodes) {}
  std::optional<FileInfo> Lstat(const std::string& path) override {
    auto it = nodes_.find(path);
    if (it == nodes_.end()) return std::nullopt;
    return it->second.info;
  }
  std::string ReadLink(const std::string& path) override {
    return nodes_.at(path).data;
  }

 private:
  const std::map<std::string, MemoryVfs::Node>& nodes_;
};

MemoryVfs& MemoryVfs::AddDir(std::string_view path, int64_t uid) {
  std::string p = NormalizeEvidencePath(path);
  while (p != "/" && !nodes_.count(p)) {
    Node n;
    n.info.type = FileType::kDirectory;
    n.info.uid = uid;
    nodes_[p] = n;
    p = ParentPath(p);
  }
  return *this;
}

MemoryVfs& MemoryVfs::AddFile(std::string_view path, std::string data,
                              int64_t uid) {
  std::string p = NormalizeEvidencePath(path);
  AddDir(ParentPath(p), uid);
  Node n;
  n.info.type = FileType::kRegular;
  n.info.size = data.size();
  n.info.uid = uid;
  n.data = std::move(data);
  nodes_[p] = std::move(n);
  return *this;
}

MemoryVfs& MemoryVfs::AddSymlink(std::string_view path, std::string target) {
  std::string p = NormalizeEvidencePath(path);
  AddDir(ParentPath(p));
  Node n;
  n.info.type = FileType::kSymlink;
  n.info.size = target.size();
  n.data = std::move(target);
  nodes_[p] = std::move(n);
  return *this;
}

MemoryVfs& MemoryVfs::AddUnreadFile(std::string_view path, const FileInfo& info,
                                    std::string why) {
  std::string p = NormalizeEvidencePath(path);
  AddDir(ParentPath(p));
  Node n;
  n.info = info;
  n.info.type = FileType::kRegular;
  n.unread = std::move(why);
  nodes_[p] = std::move(n);
  return *this;
}

MemoryVfs& MemoryVfs::AddFileReadInPlace(std::string_view path, uint64_t size,
                                         ReadAtFunction read_at) {
  std::string p = NormalizeEvidencePath(path);
  AddDir(ParentPath(p));
  Node n;
  n.info.type = FileType::kRegular;
  n.info.size = size;
  n.read_at = std::make_shared<const ReadAtFunction>(std::move(read_at));
  nodes_[p] = std::move(n);
  return *this;
}

void MemoryVfs::SetMeta(std::string_view path, int64_t uid, int64_t mtime) {
  auto it = nodes_.find(NormalizeEvidencePath(path));
  if (it == nodes_.end()) return;
  it->second.info.uid = uid;
  it->second.info.mtime = mtime;
}

MemoryVfs MemoryVfs::Subtree(std::string_view prefix) const {
  const std::string root = NormalizeEvidencePath(prefix);
  if (root == "/") return *this;
  MemoryVfs out;
  const std::string below = root + "/";
  for (auto it = nodes_.lower_bound(below);
       it != nodes_.end() && it->first.compare(0, below.size(), below) == 0;
       ++it) {
    out.nodes_[it->first.substr(root.size())] = it->second;
  }
  return out;
}

std::optional<FileInfo> MemoryVfs::Stat(std::string_view path) {
  MemoryLookup lookup(nodes_);
  try {
    auto r = ResolveInRoot(path, lookup);
    if (!r) return std::nullopt;
    return r->info;
  } catch (const EvidenceError&) {
    return std::nullopt;
  }
}

std::vector<DirEntry> MemoryVfs::List(std::string_view path) {
  MemoryLookup lookup(nodes_);
  auto r = ResolveInRoot(path, lookup);
  if (!r || r->info.type != FileType::kDirectory) {
    throw EvidenceError(std::string(path) + " is not a folder");
  }
  const std::string prefix = r->path == "/" ? "/" : r->path + "/";
  std::vector<DirEntry> out;
  for (auto it = nodes_.lower_bound(prefix);
       it != nodes_.end() && it->first.compare(0, prefix.size(), prefix) == 0;
       ++it) {
    std::string_view rest = std::string_view(it->first).substr(prefix.size());
    if (rest.empty() || rest.find('/') != std::string_view::npos) continue;
    out.push_back({std::string(rest), it->second.info.type});
  }
  return out;
}

const MemoryVfs::Node& MemoryVfs::ReadableNode(std::string_view path,
                                               uint64_t max_bytes) {
  MemoryLookup lookup(nodes_);
  auto r = ResolveInRoot(path, lookup);
  if (!r || r->info.type != FileType::kRegular) {
    throw EvidenceError(std::string(path) + " is not a regular file");
  }
  const Node& node = nodes_.at(r->path);
  if (!node.unread.empty()) {
    throw EvidenceError(std::string(path) + ": " + node.unread);
  }
  if (node.info.size > max_bytes) {
    throw EvidenceError(std::string(path) + " is over the size limit");
  }
  return node;
}

std::string MemoryVfs::ReadInPlace(const Node& node, std::string_view path,
                                   uint64_t offset, uint64_t length) {
  if (offset >= node.info.size) return {};
  length = std::min(length, node.info.size - offset);
  std::string out(static_cast<size_t>(length), '\0');
  size_t done = 0;
  while (done < out.size()) {
    const size_t n = (*node.read_at)(out.data() + done, out.size() - done,
                                     offset + done);
    if (n == 0) break;
    done += n;
  }
  if (done < out.size()) {
    throw EvidenceError(std::string(path) + ": the file ended at byte " +
                        std::to_string(offset + done) + ", before its size " +
                        std::to_string(node.info.size));
  }
  return out;
}

std::string MemoryVfs::Read(std::string_view path, uint64_t max_bytes) {
  const Node& node = ReadableNode(path, max_bytes);
  if (node.read_at) {
    std::string data = ReadInPlace(node, path, 0, node.info.size);
    CountRead(data.size());
    return data;
  }
  CountRead(node.data.size());
  return node.data;
}

void MemoryVfs::ReadChunks(std::string_view path, uint64_t max_bytes,
                           const ChunkConsumer& consume) {
  const Node& node = ReadableNode(path, max_bytes);
  CountFile();
  if (node.read_at) {
    constexpr uint64_t kPiece = 1 << 20;
    for (uint64_t pos = 0; pos < node.info.size; pos += kPiece) {
      const std::string piece = ReadInPlace(node, path, pos, kPiece);
      CountBytes(piece.size());
      consume(piece);
    }
    return;
  }
  const std::string_view data = node.data;
  for (size_t pos = 0; pos < data.size();) {
    const std::string_view chunk = data.substr(pos, chunk_bytes_);
    pos += chunk.size();
    CountBytes(chunk.size());
    consume(chunk);
  }
}

std::string MemoryVfs::ReadRange(std::string_view path, uint64_t offset,
                                 uint64_t length) {
  const Node& node = ReadableNode(path, UINT64_MAX);
  if (node.read_at) {
    std::string range = ReadInPlace(node, path, offset, length);
    CountRange(path, range.size());
    return range;
  }
  const std::string_view data = node.data;
  if (offset >= data.size()) return {};
  const std::string_view range = data.substr(
      static_cast<size_t>(offset),
      static_cast<size_t>(std::min<uint64_t>(length, data.size() - offset)));
  CountRange(path, range.size());
  return std::string(range);
}

}  // namespace contraband
