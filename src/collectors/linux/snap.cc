// snap: snapd's /var/lib/snapd/state.json says which snaps are installed and
// which revision is current; each mounted revision's meta/snap.yaml gives the
// version. An offline image usually has the state but empty mount points
// (revisions are squashfs files mounted at boot), so either source alone is
// enough and the two are joined in Finish().
#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "collectors/collector.h"
#include "formats/snap_yaml.h"
#include "formats/snapd_state.h"

namespace contraband {
namespace {

constexpr std::string_view kStatePath = "/var/lib/snapd/state.json";
constexpr std::string_view kYamlSuffix = "/meta/snap.yaml";
// Where revisions are mounted: /snap on Debian/Ubuntu, /var/lib/snapd/snap on
// Fedora, Arch and others (often with /snap as a link to it).
constexpr std::string_view kMountRoots[] = {"/snap", "/var/lib/snapd/snap"};
constexpr std::string_view kSnapFiles = "/var/lib/snapd/snaps/";

struct Revision {
  std::string path;       ///< the snap.yaml
  std::string directory;  ///< <mount root>/<instance>/<revision>
  std::string data;       ///< kept to recognise the "current" link's copy
  SnapYaml yaml;
};

struct Instance {
  std::map<std::string, Revision> revisions;  ///< by revision
  std::optional<std::string> current_data;    ///< current/meta/snap.yaml
  std::string mount_root;
};

// Numeric store revisions sort by value; local ("x1") and odd ones before.
bool RevisionLess(const std::string& a, const std::string& b) {
  auto numeric = [](const std::string& s) {
    return !s.empty() && s.size() < 19 &&
           std::all_of(s.begin(), s.end(),
                       [](char c) { return c >= '0' && c <= '9'; });
  };
  const bool na = numeric(a), nb = numeric(b);
  if (na != nb) return nb;
  if (na) return std::stoll(a) < std::stoll(b);
  return a < b;
}

class SnapCollector : public Collector {
 public:
  std::vector<FileRequest> Requests() const override {
    std::vector<FileRequest> out = {{std::string(kStatePath), 512ull << 20}};
    for (std::string_view root : kMountRoots) {
      out.push_back({std::string(root) + "/*/*/meta/snap.yaml", 1ull << 20});
    }
    // The squashfs files snapd keeps: in an image whose snaps are not
    // mounted they are the only trace besides state.json. Names only.
    FileRequest files;
    files.pattern = std::string(kSnapFiles) + "*.snap";
    files.name_only = true;
    out.push_back(files);
    return out;
  }

  void Collect(const EvidenceFile& file, CollectorSink& sink) override {
    if (file.path.rfind(kSnapFiles, 0) == 0) {
      // <name>_<revision>.snap (revision "x1" for a locally installed one)
      std::string stem(BaseName(file.path));
      stem.resize(stem.size() - 5);
      const size_t us = stem.rfind('_');
      if (us == std::string::npos || us == 0) return;
      SnapFile& f = snap_files_[stem.substr(0, us)];
      const std::string rev = stem.substr(us + 1);
      if (f.path.empty() || RevisionLess(f.revision, rev)) {
        f.revision = rev;
        f.path = file.path;
      }
      return;
    }
    if (file.path == kStatePath) {
      state_ = ParseSnapdState(file.data);  // throws: the runner warns
      return;
    }
    // <mount root>/<instance>/<revision or "current">/meta/snap.yaml
    if (file.path.size() <= kYamlSuffix.size()) return;
    const std::string dir =
        file.path.substr(0, file.path.size() - kYamlSuffix.size());
    const std::string rev(BaseName(dir));
    const std::string instance_dir = ParentPath(dir);
    const std::string instance(BaseName(instance_dir));
    const std::string root = ParentPath(instance_dir);

    Instance& inst = instances_[instance];
    // The same snap seen through both mount roots (one a link to the other)
    // is one snap: keep the first root.
    if (inst.mount_root.empty()) inst.mount_root = root;
    if (inst.mount_root != root) return;
    if (rev == "current") {
      inst.current_data = std::string(file.data);
      return;
    }
    Revision r;
    r.path = file.path;
    r.directory = dir;
    r.data = std::string(file.data);
    r.yaml = ParseSnapYaml(file.data);
    for (const std::string& p : r.yaml.problems) sink.Warn(file.path, p);
    inst.revisions.emplace(rev, std::move(r));
  }

  void Finish(CollectorSink& sink) override {
    if (state_) {
      for (const SnapdSnap& s : state_->snaps) AddFromState(s, sink);
    }
    for (auto& [instance, inst] : instances_) {
      if (reported_.count(instance) || inst.revisions.empty()) continue;
      reported_.insert(instance);
      AddFromMount(instance, inst, sink);
    }
    // A .snap file of a snap known neither to snapd's state nor as a mount.
    for (const auto& [name, f] : snap_files_) {
      if (reported_.count(name)) continue;
      Software sw = Base();
      sw.id = sw.name = name;
      sw.source = sw.location = f.path;
      if (state_) {
        sw.state = SoftwareState::kResidue;
        sink.Warn(f.path, "snap file of " + name + " (revision " + f.revision +
                              ") is not in " + std::string(kStatePath) +
                              "; reported as residue");
      }
      sink.Add(std::move(sw));
    }
  }

 private:
  static Software Base() {
    Software sw;
    sw.ecosystem = "snap";
    return sw;
  }

  void AddFromState(const SnapdSnap& s, CollectorSink& sink) {
    const std::string path(kStatePath);
    if (!s.error.empty()) {
      if (s.revision.empty()) {
        sink.Warn(path, "snap " + s.instance + ": " + s.error + "; skipped");
        return;
      }
      sink.Warn(path, "snap " + s.instance + ": " + s.error);
    }
    reported_.insert(s.instance);
    Software sw = Base();
    sw.id = s.name;
    sw.name = s.name;
    sw.source = path;
    std::string root(kMountRoots[0]);
    auto it = instances_.find(s.instance);
    if (it != instances_.end()) {
      root = it->second.mount_root;
      auto rev = it->second.revisions.find(s.revision);
      if (rev != it->second.revisions.end()) {
        const SnapYaml& y = rev->second.yaml;
        sw.version = y.version;
        if (!y.title.empty()) sw.name = y.title;
        if (y.architectures.size() == 1) sw.arch = y.architectures[0];
      }
    }
    sw.location = root + "/" + s.instance + "/" + s.revision;
    sink.Add(std::move(sw));
  }

  // No state.json (or one that does not list the snap): the mounted
  // revisions are the evidence. Report the current one when the "current"
  // link's copy identifies it, else the newest revision.
  void AddFromMount(const std::string& instance, const Instance& inst,
                    CollectorSink& sink) {
    const Revision* chosen = nullptr;
    std::string chosen_rev;
    for (const auto& [rev, r] : inst.revisions) {
      const bool is_current = inst.current_data && *inst.current_data == r.data;
      const bool chosen_current =
          chosen && inst.current_data && *inst.current_data == chosen->data;
      if (!chosen || (is_current && !chosen_current) ||
          (is_current == chosen_current && RevisionLess(chosen_rev, rev))) {
        chosen = &r;
        chosen_rev = rev;
      }
    }
    const SnapYaml& y = chosen->yaml;
    const std::string from_path = instance.substr(0, instance.find('_'));
    Software sw = Base();
    sw.id = y.name.empty() ? from_path : y.name;
    if (y.name.empty()) {
      sink.Warn(chosen->path,
                "snap.yaml has no name; using the folder name " + from_path);
    } else if (y.name != from_path) {
      sink.Warn(chosen->path, "snap.yaml names \"" + y.name +
                                  "\" but is mounted as " + instance);
    }
    if (y.version.empty()) sink.Warn(chosen->path, "snap.yaml has no version");
    sw.name = y.title.empty() ? sw.id : y.title;
    sw.version = y.version;
    if (y.architectures.size() == 1) sw.arch = y.architectures[0];
    sw.source = chosen->path;
    sw.location = chosen->directory;
    if (state_) {
      // snapd does not know it: a leftover of a removed snap.
      sw.state = SoftwareState::kResidue;
      sink.Warn(chosen->path, "snap " + instance + " is mounted but not in " +
                                  std::string(kStatePath) +
                                  "; reported as residue");
    }
    sink.Add(std::move(sw));
  }

  struct SnapFile {
    std::string revision, path;
  };
  std::map<std::string, SnapFile> snap_files_;  ///< newest .snap per name
  std::optional<SnapdState> state_;
  std::map<std::string, Instance> instances_;
  std::set<std::string> reported_;  ///< instances found in the state
};

}  // namespace

std::unique_ptr<Collector> MakeSnapCollector() {
  return std::make_unique<SnapCollector>();
}

}  // namespace contraband
