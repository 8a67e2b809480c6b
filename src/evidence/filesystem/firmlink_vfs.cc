#include "evidence/filesystem/firmlink_vfs.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "common/text.h"

namespace contraband {
namespace {

// Whether `path` is `prefix` or lies below it (both normalised).
bool AtOrBelow(std::string_view path, std::string_view prefix) {
  if (prefix == "/") return true;
  return path.size() >= prefix.size() &&
         path.compare(0, prefix.size(), prefix) == 0 &&
         (path.size() == prefix.size() || path[prefix.size()] == '/');
}

// The same, ignoring ASCII case: macOS volumes are case-insensitive by
// default, so "/applications/Zoom.app" is under the /Applications firmlink.
bool AtOrBelowFolded(std::string_view path, std::string_view prefix) {
  if (path.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(path[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return path.size() == prefix.size() || path[prefix.size()] == '/';
}

std::string JoinBelow(const std::string& base, std::string_view rest) {
  if (rest.empty()) return base;
  return base == "/" ? std::string(rest) : base + std::string(rest);
}

}  // namespace

std::vector<Firmlink> ParseFirmlinks(std::string_view text) {
  std::vector<Firmlink> out;
  std::set<std::string> seen;
  LineReader lines(text.substr(0, kMaxFirmlinksBytes));
  std::string_view line;
  while (lines.Next(line) && lines.line_no() <= kMaxFirmlinks) {
    const size_t tab = line.find('\t');
    if (tab == std::string_view::npos) continue;
    const std::string_view system = line.substr(0, tab);
    const std::string_view data = line.substr(tab + 1);
    if (system.empty() || system[0] != '/' || data.empty() ||
        data.find('\t') != std::string_view::npos) {
      continue;
    }
    Firmlink link{NormalizeEvidencePath(system), NormalizeEvidencePath(data)};
    // A firmlink of the root would hide one whole volume: not a real one.
    if (link.system_path == "/" || link.data_path == "/") continue;
    if (!seen.insert(link.system_path).second) continue;
    out.push_back(std::move(link));
  }
  return out;
}

std::vector<Firmlink> DefaultFirmlinks() {
  static constexpr std::string_view kMacOs1015 =
      "/AppleInternal\tAppleInternal\n"
      "/Applications\tApplications\n"
      "/Library\tLibrary\n"
      "/System/Library/Caches\tSystem/Library/Caches\n"
      "/System/Library/Assets\tSystem/Library/Assets\n"
      "/System/Library/PreinstalledAssets\tSystem/Library/PreinstalledAssets\n"
      "/System/Library/AssetsV2\tSystem/Library/AssetsV2\n"
      "/System/Library/PreinstalledAssetsV2\t"
      "System/Library/PreinstalledAssetsV2\n"
      "/System/Library/CoreServices/CoreTypes.bundle/Contents/Library\t"
      "System/Library/CoreServices/CoreTypes.bundle/Contents/Library\n"
      "/System/Library/Speech\tSystem/Library/Speech\n"
      "/Users\tUsers\n"
      "/Volumes\tVolumes\n"
      "/cores\tcores\n"
      "/opt\topt\n"
      "/private\tprivate\n"
      "/usr/local\tusr/local\n"
      "/usr/libexec/cups\tusr/libexec/cups\n"
      "/usr/share/snmp\tusr/share/snmp\n";
  return ParseFirmlinks(kMacOs1015);
}

// Answers ResolveInRoot about the joined tree, one volume at a time.
class FirmlinkVfs::Lookup : public LinkLookup {
 public:
  explicit Lookup(const FirmlinkVfs& join) : join_(join) {}

  std::optional<FileInfo> Lstat(const std::string& path) override {
    const Route r = join_.RouteOf(path);
    std::optional<FileInfo> info =
        r.links ? r.links->Lstat(r.path) : r.vfs->Stat(r.path);
    if (!info && !r.on_data && join_.AboveLink(path)) {
      FileInfo dir;
      dir.type = FileType::kDirectory;
      return dir;
    }
    return info;
  }

  std::string ReadLink(const std::string& path) override {
    const Route r = join_.RouteOf(path);
    if (!r.links)
      throw EvidenceError("symbolic link " + path + " cannot be read");
    return r.links->ReadLink(r.path);
  }

 private:
  const FirmlinkVfs& join_;
};

FirmlinkVfs::FirmlinkVfs(std::unique_ptr<Vfs> system, std::unique_ptr<Vfs> data,
                         std::vector<Firmlink> firmlinks)
    : system_(std::move(system)),
      data_(std::move(data)),
      system_links_(dynamic_cast<LinkLookup*>(system_.get())),
      data_links_(dynamic_cast<LinkLookup*>(data_.get())) {
  firmlinks.push_back({std::string(kDataVolumeMount), "/"});
  for (Firmlink& link : firmlinks) {
    link.system_path = NormalizeEvidencePath(link.system_path);
    if (link.system_path == "/") continue;
    // Routed paths must be free of links on the Data volume too.
    std::optional<Resolved> target;
    try {
      if (data_links_) {
        target = ResolveInRoot(link.data_path, *data_links_);
      } else if (std::optional<FileInfo> info = data_->Stat(link.data_path)) {
        target = Resolved{NormalizeEvidencePath(link.data_path), *info};
      }
    } catch (const EvidenceError&) {
      target.reset();  // a link loop: the firmlink leads nowhere
    }
    if (!target || target->info.type != FileType::kDirectory) continue;
    link.data_path = target->path;
    links_.push_back(std::move(link));
  }
  std::sort(links_.begin(), links_.end(),
            [](const Firmlink& a, const Firmlink& b) {
              return a.system_path < b.system_path;
            });
  links_.erase(std::unique(links_.begin(), links_.end(),
                           [](const Firmlink& a, const Firmlink& b) {
                             return a.system_path == b.system_path;
                           }),
               links_.end());
}

FirmlinkVfs::~FirmlinkVfs() = default;

FirmlinkVfs::Route FirmlinkVfs::RouteOf(const std::string& joined) const {
  const Firmlink* best = nullptr;
  for (const Firmlink& link : links_) {
    if (AtOrBelowFolded(joined, link.system_path) &&
        (!best || link.system_path.size() > best->system_path.size())) {
      best = &link;
    }
  }
  if (!best) return Route{system_.get(), system_links_, joined, false};
  std::string_view rest =
      std::string_view(joined).substr(best->system_path.size());
  return Route{data_.get(), data_links_, JoinBelow(best->data_path, rest),
               true};
}

bool FirmlinkVfs::AboveLink(const std::string& joined) const {
  for (const Firmlink& link : links_) {
    if (link.system_path != joined && AtOrBelow(link.system_path, joined)) {
      return true;
    }
  }
  return false;
}

std::optional<FileInfo> FirmlinkVfs::Stat(std::string_view path) {
  Lookup lookup(*this);
  return StatInRoot(path, lookup);
}

std::vector<DirEntry> FirmlinkVfs::List(std::string_view path) {
  Lookup lookup(*this);
  const Resolved r = ResolveFolderToList(path, lookup);
  const Route route = RouteOf(r.path);
  std::vector<DirEntry> out;
  if (route.on_data || !AboveLink(r.path) || route.vfs->Stat(route.path)) {
    out = route.vfs->List(route.path);
  }
  // The firmlinked folders (and the mount) in this one, and the folders
  // leading to them, even when the System volume lacks the empty folders
  // they cover.
  const std::string prefix = r.path == "/" ? "/" : r.path + "/";
  for (const Firmlink& link : links_) {
    if (link.system_path.size() <= prefix.size() ||
        link.system_path.compare(0, prefix.size(), prefix) != 0) {
      continue;
    }
    const std::string_view rest =
        std::string_view(link.system_path).substr(prefix.size());
    const std::string name(rest.substr(0, rest.find('/')));
    auto it = std::lower_bound(
        out.begin(), out.end(), name,
        [](const DirEntry& e, const std::string& n) { return e.name < n; });
    if (it == out.end() || it->name != name) {
      out.insert(it, DirEntry{name, FileType::kDirectory});
    } else if (name.size() == rest.size()) {
      it->type = FileType::kDirectory;  // the link itself, whatever covers it
    }
  }
  return out;
}

void FirmlinkVfs::ReadChunks(std::string_view path, uint64_t max_bytes,
                             const ChunkConsumer& consume) {
  Lookup lookup(*this);
  const Resolved r = ResolveFileToRead(path, lookup, max_bytes);
  const Route route = RouteOf(r.path);
  CountFile();
  try {
    route.vfs->ReadChunks(route.path, max_bytes,
                          [&](std::string_view chunk) {
                            CountBytes(chunk.size());
                            consume(chunk);
                          });
  } catch (const EvidenceError& e) {
    if (route.path == path) throw;
    throw EvidenceError(std::string(path) + " (" + route.path + " on the " +
                        (route.on_data ? "Data" : "System") +
                        " volume): " + e.what());
  }
}

std::string FirmlinkVfs::Read(std::string_view path, uint64_t max_bytes) {
  return CollectChunks(path, max_bytes);
}

std::string FirmlinkVfs::ReadRange(std::string_view path, uint64_t offset,
                                   uint64_t length) {
  Lookup lookup(*this);
  const Resolved r = ResolveFileToRead(path, lookup, UINT64_MAX);
  const Route route = RouteOf(r.path);
  std::string data = route.vfs->ReadRange(route.path, offset, length);
  CountRange(path, data.size());
  return data;
}

}  // namespace contraband
