#include "scan/scanner.h"

#include <algorithm>
#include <exception>
#include <map>
#include <optional>
#include <sstream>
#include <unordered_map>

#include "common/deadline.h"
#include "common/sha256.h"
#include "formats/parse_error.h"

namespace contraband {
namespace {

// Maps uids to names through the evidence's own /etc/passwd (never the
// host's), read on first use.
class EvidenceUsers {
 public:
  explicit EvidenceUsers(Vfs& vfs) : vfs_(vfs) {}

  std::string OwnerOf(std::string_view path) {
    const std::string home = HomeOf(path);
    if (home.empty()) return {};  // not inside a home folder
    std::optional<FileInfo> info = vfs_.Stat(home);
    if (info && info->uid >= 0) {
      Load();
      auto it = names_.find(info->uid);
      if (it != names_.end()) return it->second;
    }
    // No passwd entry (a copied home, an archive without owners): the home
    // folder's name is the best evidence of whose it is.
    if (home == "/root") return "root";
    if (home.rfind("/home/", 0) == 0) return home.substr(6);
    if (home.rfind("/Users/", 0) == 0) return home.substr(7);
    return {};
  }

 private:
  // "/home/alice/.local/x" -> "/home/alice"; "/root/x" -> "/root"; paths
  // outside home folders -> "".
  static std::string HomeOf(std::string_view path) {
    for (std::string_view top : {"/home/", "/Users/"}) {
      if (path.substr(0, top.size()) == top && path.size() > top.size()) {
        size_t end = path.find('/', top.size());
        return std::string(path.substr(0, end));
      }
    }
    if (path.substr(0, 6) == "/root/" || path == "/root") return "/root";
    return {};
  }

  void Load() {
    if (loaded_) return;
    loaded_ = true;
    std::string text;
    try {
      text = vfs_.Read("/etc/passwd", 16ull << 20);
    } catch (const EvidenceError&) {
      return;
    }
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
      std::vector<std::string> f;
      std::stringstream ls(line);
      std::string part;
      while (std::getline(ls, part, ':')) f.push_back(part);
      if (f.size() < 3 || f[0].empty()) continue;
      char* end = nullptr;
      long long uid = std::strtoll(f[2].c_str(), &end, 10);
      if (end && *end == '\0' && !f[2].empty()) names_.emplace(uid, f[0]);
    }
  }

  Vfs& vfs_;
  bool loaded_ = false;
  std::unordered_map<int64_t, std::string> names_;
};

class Sink : public CollectorSink {
 public:
  Sink(const std::string& evidence, const std::string& volume,
       std::string_view collector, EvidenceUsers& users, CollectResult& out,
       const SoftwareConsumer& consume)
      : evidence_(evidence),
        volume_(volume),
        collector_(collector),
        users_(users),
        out_(out),
        consume_(consume) {}

  void set_current(const std::string* path) { current_ = path; }

  void Add(Software sw) override {
    sw.evidence = evidence_;
    sw.volume = volume_;
    if (sw.source.empty() && current_) sw.source = *current_;
    if (sw.location.empty()) sw.location = sw.source;
    if (!volume_.empty()) sw.location = evidence_ + "#" + volume_ + ":" + sw.location;
    ++added_;
    consume_(std::move(sw));
  }
  /// Rows added so far.
  size_t added() const { return added_; }
  void Warn(std::string_view path, std::string message) override {
    out_.warnings.push_back({Label(), std::string(path),
                             std::string(collector_), std::move(message)});
  }
  std::string OwnerOf(std::string_view path) override {
    return users_.OwnerOf(path);
  }
  void Describe(Device device) override {
    device.volume = volume_;
    if (device.source.empty() && current_) device.source = *current_;
    out_.devices.push_back(std::move(device));
  }

 private:
  std::string Label() const {
    return volume_.empty() ? evidence_ : evidence_ + "#" + volume_;
  }

  const std::string& evidence_;
  const std::string& volume_;
  std::string_view collector_;
  EvidenceUsers& users_;
  CollectResult& out_;
  const SoftwareConsumer& consume_;
  const std::string* current_ = nullptr;
  size_t added_ = 0;
};

}  // namespace

std::vector<FileRequest> AllRequests(
    const std::vector<CollectorInfo>& collectors, const Catalog* catalog) {
  std::vector<FileRequest> out;
  for (const CollectorInfo& c : collectors) {
    std::unique_ptr<Collector> instance = Instantiate(c, catalog);
    if (!instance) continue;
    for (FileRequest& r : instance->Requests()) out.push_back(std::move(r));
  }
  return out;
}

void FillSourceSha256(const std::map<std::string, std::string>& digests,
                      Software& sw) {
  auto it = digests.find(sw.source);
  if (it != digests.end()) sw.source_sha256 = it->second;
}

CollectResult CollectSoftware(Vfs& vfs, const std::string& evidence,
                              const std::vector<CollectorInfo>& collectors,
                              const CollectOptions& options) {
  std::vector<Software> software;
  CollectResult out =
      CollectSoftware(vfs, evidence, collectors, options,
                      [&](Software sw) { software.push_back(std::move(sw)); });
  if (options.hash) {
    for (Software& sw : software) FillSourceSha256(out.digests, sw);
  }
  out.software = std::move(software);
  return out;
}

CollectResult CollectSoftware(Vfs& vfs, const std::string& evidence,
                              const std::vector<CollectorInfo>& collectors,
                              const CollectOptions& options,
                              const SoftwareConsumer& consume) {
  const std::string& volume = options.volume;
  const bool hash = options.hash;
  CollectResult out;
  std::map<std::string, std::string>& digests = out.digests;
  const std::string label = volume.empty() ? evidence : evidence + "#" + volume;
  EvidenceUsers users(vfs);

  struct Want {
    size_t collector;
    uint64_t max_bytes;
    bool name_only;
    bool stream;
    bool ranges;
  };
  std::vector<std::unique_ptr<Collector>> instances;
  std::map<std::string, std::vector<Want>> wanted;  // sorted by path
  for (size_t i = 0; i < collectors.size(); ++i) {
    instances.push_back(Instantiate(collectors[i], options.catalog));
    if (!instances.back()) continue;
    for (const FileRequest& req : instances.back()->Requests()) {
      if (req.fold_case_only && !vfs.fold_case()) continue;
      for (const std::string& path : Glob(vfs, req.pattern)) {
        // Two patterns of one collector may name the same file (a profile
        // hive under Users/* and under */*): it gets the file once.
        std::vector<Want>& wants = wanted[path];
        auto same = std::find_if(wants.begin(), wants.end(),
                                 [&](const Want& w) { return w.collector == i; });
        if (same != wants.end()) {
          same->max_bytes = std::max(same->max_bytes, req.max_bytes);
          same->name_only = same->name_only && req.name_only;
          same->ranges = same->ranges && req.ranges && !req.name_only;
          continue;
        }
        wants.push_back({i, req.max_bytes, req.name_only,
                         req.stream && !req.name_only,
                         req.ranges && !req.name_only});
      }
    }
  }

  size_t handed = 0;
  for (auto& [path, wants] : wanted) {
    if (DeadlinePassed()) {
      out.warnings.push_back(
          {label, "", "evidence",
           "--max-runtime reached: " + std::to_string(wanted.size() - handed) +
               " wanted files were not read"});
      break;
    }
    ++handed;
    std::optional<FileInfo> info = vfs.Stat(path);
    if (!info) continue;
    // Install markers may be folders (/opt/zoom); records are files.
    if (info->type != FileType::kRegular) {
      std::vector<Want> markers;
      for (const Want& w : wants) {
        if (w.name_only) markers.push_back(w);
      }
      if (markers.empty()) continue;
      wants = std::move(markers);
    }
    uint64_t limit = 0;
    size_t readers = 0;
    bool stream = false;
    for (const Want& w : wants) {
      if (w.name_only || w.ranges) continue;  // ranges: read on demand
      limit = std::max(limit, w.max_bytes);
      ++readers;
      stream = w.stream;
    }
    // A file is streamed only to a collector that is its one reader: read
    // whole once, it can serve several.
    stream = stream && readers == 1;
    const bool read = readers > 0 && !stream;
    std::string data;
    try {
      if (read) data = vfs.Read(path, limit);
    } catch (const EvidenceError& e) {
      for (const Want& w : wants) {
        if (w.name_only) continue;
        out.warnings.push_back(
            {label, path, std::string(collectors[w.collector].name),
             e.what()});
      }
      continue;
    }
    if (hash && read) digests[path] = Sha256::Of(data);
    for (const Want& w : wants) {
      const CollectorInfo& ci = collectors[w.collector];
      if (read && !w.name_only && !w.ranges && data.size() > w.max_bytes) {
        out.warnings.push_back(
            {label, path, std::string(ci.name),
             "file is " + std::to_string(data.size()) + " bytes, over the " +
                 std::to_string(w.max_bytes) + "-byte limit; not parsed"});
        continue;
      }
      Sink sink(evidence, volume, ci.name, users, out, consume);
      sink.set_current(&path);
      EvidenceFile file{
          path, w.name_only ? std::string_view() : std::string_view(data),
          *info, nullptr};
      if (w.ranges) {
        file.data = {};
        file.read_at = [&vfs, &path = path](uint64_t offset, uint64_t length) {
          return vfs.ReadRange(path, offset, length);
        };
      }
      if (stream && !w.name_only && !w.ranges) {
        // Read errors (over max_bytes included) surface from ReadChunks
        // inside Collect and become this collector's warning below.
        file.stream = [&, &path = path,
                       max_bytes = w.max_bytes](const ChunkConsumer& eat) {
          if (!hash) {
            vfs.ReadChunks(path, max_bytes, eat);
            return;
          }
          // The digest covers the whole file even when the collector gives
          // up part way (a ParseError): the rest is still read and hashed.
          Sha256 sha;
          std::exception_ptr failed;
          vfs.ReadChunks(path, max_bytes, [&](std::string_view chunk) {
            sha.Update(chunk);
            if (failed) return;
            try {
              eat(chunk);
            } catch (...) {
              failed = std::current_exception();
            }
          });
          digests[path] = sha.HexDigest();
          if (failed) std::rethrow_exception(failed);
        };
      }
      try {
        instances[w.collector]->Collect(file, sink);
      } catch (const ParseError& e) {
        sink.Warn(path, std::string("cannot parse: ") + e.what());
      } catch (const EvidenceError& e) {
        sink.Warn(path, e.what());
      }
      if (w.ranges && hash && sink.added() > 0 && !digests.count(path)) {
        // --hash covers the file a record came from: only then is the
        // whole of a file read in ranges read, to hash it.
        try {
          Sha256 sha;
          vfs.ReadChunks(path, UINT64_MAX,
                         [&](std::string_view chunk) { sha.Update(chunk); });
          digests[path] = sha.HexDigest();
        } catch (const EvidenceError& e) {
          sink.Warn(path, std::string("cannot hash: ") + e.what());
        }
      }
    }
  }
  for (size_t i = 0; i < instances.size(); ++i) {
    if (!instances[i]) continue;
    Sink sink(evidence, volume, collectors[i].name, users, out, consume);
    try {
      instances[i]->Finish(sink);
    } catch (const ParseError& e) {
      sink.Warn("", std::string("cannot parse: ") + e.what());
    } catch (const EvidenceError& e) {
      sink.Warn("", e.what());
    }
  }
  std::sort(out.devices.begin(), out.devices.end());
  out.devices.erase(std::unique(out.devices.begin(), out.devices.end()),
                    out.devices.end());
  return out;
}

}  // namespace contraband
