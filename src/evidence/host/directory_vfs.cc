#include "evidence/host/directory_vfs.h"

#include <algorithm>

#include "evidence/path_resolver.h"

namespace contraband {
namespace {

class HostLookup : public LinkLookup {
 public:
  explicit HostLookup(const host::RootHandle& root) : root_(root) {}
  std::optional<FileInfo> Lstat(const std::string& path) override {
    return root_.Lstat(path);
  }
  std::string ReadLink(const std::string& path) override {
    return root_.ReadLink(path);
  }

 private:
  const host::RootHandle& root_;
};

}  // namespace

DirectoryVfs::DirectoryVfs(const std::string& dir) : root_(dir) {}

std::optional<FileInfo> DirectoryVfs::Stat(std::string_view path) {
  HostLookup lookup(root_);
  return StatInRoot(path, lookup);
}

std::vector<DirEntry> DirectoryVfs::List(std::string_view path) {
  HostLookup lookup(root_);
  const Resolved r = ResolveFolderToList(path, lookup);
  std::vector<DirEntry> entries = root_.List(r.path);
  std::sort(entries.begin(), entries.end(),
            [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
  return entries;
}

std::string DirectoryVfs::Read(std::string_view path, uint64_t max_bytes) {
  HostLookup lookup(root_);
  auto r = ResolveInRoot(path, lookup);
  if (!r) throw EvidenceError(std::string(path) + " does not exist");
  if (r->info.type != FileType::kRegular) {
    throw EvidenceError(std::string(path) + " is not a regular file");
  }
  std::string data = root_.Read(r->path, max_bytes);
  CountRead(data.size());
  return data;
}

void DirectoryVfs::ReadChunks(std::string_view path, uint64_t max_bytes,
                              const ChunkConsumer& consume) {
  HostLookup lookup(root_);
  auto r = ResolveInRoot(path, lookup);
  if (!r) throw EvidenceError(std::string(path) + " does not exist");
  if (r->info.type != FileType::kRegular) {
    throw EvidenceError(std::string(path) + " is not a regular file");
  }
  root_.ReadChunks(
      r->path, max_bytes, [this] { CountFile(); },
      [&](std::string_view chunk) {
        CountBytes(chunk.size());
        consume(chunk);
      });
}

std::string DirectoryVfs::ReadRange(std::string_view path, uint64_t offset,
                                    uint64_t length) {
  HostLookup lookup(root_);
  auto r = ResolveInRoot(path, lookup);
  if (!r) throw EvidenceError(std::string(path) + " does not exist");
  if (r->info.type != FileType::kRegular) {
    throw EvidenceError(std::string(path) + " is not a regular file");
  }
  std::string data = root_.ReadRange(r->path, offset, length);
  CountRange(path, data.size());
  return data;
}

}  // namespace contraband
