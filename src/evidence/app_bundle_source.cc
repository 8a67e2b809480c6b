#include "evidence/app_bundle_source.h"

#include <memory>

#include "common/wildcard.h"
#include "evidence/host/directory_vfs.h"
#include "evidence/host/host_os.h"

namespace contraband {
namespace {

// `base`'s root shown at `mount` ("/Applications/Foo.app"), with the
// folders above it and nothing else.
class MountedVfs : public Vfs {
 public:
  MountedVfs(std::unique_ptr<Vfs> base, std::string mount)
      : base_(std::move(base)), mount_(std::move(mount)) {}

  std::optional<FileInfo> Stat(std::string_view raw) override {
    const std::string path = NormalizeEvidencePath(raw);
    if (IsAbove(path)) {
      FileInfo info;
      info.type = FileType::kDirectory;
      return info;
    }
    std::optional<std::string> inner = Inner(path);
    return inner ? base_->Stat(*inner) : std::nullopt;
  }

  std::vector<DirEntry> List(std::string_view raw) override {
    const std::string path = NormalizeEvidencePath(raw);
    if (IsAbove(path)) {
      // The next component of the mount point below `path`.
      const size_t from = path == "/" ? 1 : path.size() + 1;
      const size_t end = mount_.find('/', from);
      return {{mount_.substr(from, end == std::string::npos ? end : end - from),
               FileType::kDirectory}};
    }
    std::optional<std::string> inner = Inner(path);
    if (!inner) throw EvidenceError(path + " is not in the app bundle");
    return base_->List(*inner);
  }

  std::string Read(std::string_view raw, uint64_t max_bytes) override {
    std::string data = base_->Read(Must(raw), max_bytes);
    CountRead(data.size());
    return data;
  }

  std::string ReadRange(std::string_view raw, uint64_t offset,
                        uint64_t length) override {
    const std::string inner = Must(raw);
    std::string data = base_->ReadRange(inner, offset, length);
    CountRange(inner, data.size());
    return data;
  }

 private:
  bool IsAbove(const std::string& path) const {
    return path == "/" || (mount_.size() > path.size() &&
                           mount_.compare(0, path.size(), path) == 0 &&
                           mount_[path.size()] == '/');
  }
  std::optional<std::string> Inner(const std::string& path) const {
    if (path == mount_) return "/";
    if (path.size() > mount_.size() &&
        path.compare(0, mount_.size(), mount_) == 0 &&
        path[mount_.size()] == '/') {
      return path.substr(mount_.size());
    }
    return std::nullopt;
  }
  std::string Must(std::string_view raw) const {
    const std::string path = NormalizeEvidencePath(raw);
    std::optional<std::string> inner = Inner(path);
    if (!inner) throw EvidenceError(path + " is not in the app bundle");
    return *inner;
  }

  std::unique_ptr<Vfs> base_;
  std::string mount_;
};

}  // namespace

std::optional<OpenedEvidence> TryOpenAppBundle(const std::string& path,
                                               const OpenRequest&) {
  if (host::PathType(path) != FileType::kDirectory) return std::nullopt;
  std::string name = path;
  while (name.size() > 1 && name.back() == '/') name.pop_back();
  name = name.substr(name.find_last_of('/') + 1);
  if (name.size() <= 4 ||
      AsciiLower(std::string_view(name).substr(name.size() - 4)) != ".app") {
    return std::nullopt;
  }
  auto vfs = std::make_unique<DirectoryVfs>(path);
  const std::optional<FileInfo> mac = vfs->Stat("/Contents/Info.plist");
  const std::optional<FileInfo> ios = vfs->Stat("/Info.plist");
  if (!(mac && mac->type == FileType::kRegular) &&
      !(ios && ios->type == FileType::kRegular)) {
    return std::nullopt;
  }
  OpenedEvidence ev;
  ev.path = path;
  ev.kind = "app";
  ev.format = "directory";
  ev.volumes.push_back(
      {"",
       "app > /Applications/" + name,
       std::make_unique<MountedVfs>(std::move(vfs), "/Applications/" + name),
       {},
       {},
       {}});
  return ev;
}

}  // namespace contraband
