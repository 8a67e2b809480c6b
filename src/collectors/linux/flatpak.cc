// flatpak: every deployed app has <installation>/app/<id>/<arch>/<branch>/
// active/metadata ([Application] name=<id>); its AppStream metainfo under
// active/files/share/{metainfo,appdata}/ gives the version. Installations:
// the system one in /var/lib/flatpak and each user's ~/.local/share/flatpak.
#include <map>

#include "collectors/collector.h"
#include "formats/appstream.h"
#include "formats/flatpak_metadata.h"

namespace contraband {
namespace {

constexpr std::string_view kInstallations[] = {"/var/lib/flatpak",
                                               "/home/*/.local/share/flatpak",
                                               "/root/.local/share/flatpak"};
constexpr std::string_view kMetadataSuffix = "/active/metadata";
constexpr std::string_view kFilesShare = "/active/files/share/";

struct Deployment {
  std::string metadata_path;
  bool has_metadata = false;
  FlatpakMetadata metadata;
  int info_rank = 99;  ///< lower is better: <id>.metainfo.xml, <id>.appdata.xml
  AppStreamInfo info;
  std::string info_path;
};

// <installation>/app/<id>/<arch>/<branch>: the ref's parts, or false when
// the path does not have that shape.
bool SplitDeploy(const std::string& deploy, std::string& id, std::string& arch,
                 std::string& branch) {
  branch = std::string(BaseName(deploy));
  const std::string arch_dir = ParentPath(deploy);
  arch = std::string(BaseName(arch_dir));
  const std::string id_dir = ParentPath(arch_dir);
  id = std::string(BaseName(id_dir));
  return BaseName(ParentPath(id_dir)) == "app" && !id.empty() &&
         !arch.empty() && !branch.empty();
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.substr(s.size() - suffix.size()) == suffix;
}

class FlatpakCollector : public Collector {
 public:
  std::vector<FileRequest> Requests() const override {
    std::vector<FileRequest> out;
    for (std::string_view inst : kInstallations) {
      const std::string app = std::string(inst) + "/app/*/*/*/active";
      out.push_back({app + "/metadata", 1ull << 20});
      out.push_back({app + "/files/share/metainfo/*.xml", 8ull << 20});
      out.push_back({app + "/files/share/appdata/*.xml", 8ull << 20});
    }
    return out;
  }

  void Collect(const EvidenceFile& file, CollectorSink& sink) override {
    if (EndsWith(file.path, kMetadataSuffix)) {
      const std::string deploy =
          file.path.substr(0, file.path.size() - kMetadataSuffix.size());
      Deployment& d = deployments_[deploy];
      d.metadata_path = file.path;
      d.has_metadata = true;
      d.metadata = ParseFlatpakMetadata(file.data);
      for (const std::string& p : d.metadata.problems) sink.Warn(file.path, p);
      return;
    }
    const size_t share = file.path.rfind(kFilesShare);
    if (share == std::string::npos) return;
    const std::string deploy = file.path.substr(0, share);
    std::string id, arch, branch;
    if (!SplitDeploy(deploy, id, arch, branch)) return;
    // Apps also ship metainfo for plugins and add-ons; only the app's own
    // file names its version.
    const std::string_view base = BaseName(file.path);
    int rank = base == id + ".metainfo.xml"  ? 0
               : base == id + ".appdata.xml" ? 1
                                             : -1;
    if (rank < 0) return;
    Deployment& d = deployments_[deploy];
    if (rank >= d.info_rank) return;
    AppStreamInfo info = ParseAppStream(file.data);  // throws: runner warns
    d.info_rank = rank;
    d.info = std::move(info);
    d.info_path = file.path;
  }

  void Finish(CollectorSink& sink) override {
    for (const auto& [deploy, d] : deployments_) {
      if (!d.has_metadata) continue;
      std::string id, arch, branch;
      if (!SplitDeploy(deploy, id, arch, branch)) continue;
      const FlatpakMetadata& m = d.metadata;
      if (m.kind != "Application") {
        sink.Warn(d.metadata_path,
                  m.kind.empty() ? "no [Application] group; id taken from the "
                                   "folder name"
                                 : "a [" + m.kind +
                                       "] in the app folder; "
                                       "reported as an app");
      }
      Software sw;
      sw.ecosystem = "flatpak";
      sw.id = m.name.empty() ? id : m.name;
      if (m.name.empty() && m.kind == "Application") {
        sink.Warn(d.metadata_path,
                  "[Application] has no name=; id taken from "
                  "the folder name " +
                      id);
      } else if (!m.name.empty() && m.name != id) {
        sink.Warn(d.metadata_path,
                  "metadata names \"" + m.name + "\" but is deployed as " + id);
      }
      sw.name = d.info.name.empty() ? sw.id : d.info.name;
      sw.version = d.info.version;
      sw.publisher = d.info.developer;
      sw.arch = arch;
      sw.location = deploy;
      sw.source = d.metadata_path;
      // System installations belong to nobody in particular.
      if (deploy.rfind("/var/lib/flatpak/", 0) != 0) {
        sw.user = sink.OwnerOf(d.metadata_path);
      }
      sink.Add(std::move(sw));
    }
  }

 private:
  std::map<std::string, Deployment> deployments_;
};

}  // namespace

std::unique_ptr<Collector> MakeFlatpakCollector() {
  return std::make_unique<FlatpakCollector>();
}

}  // namespace contraband
