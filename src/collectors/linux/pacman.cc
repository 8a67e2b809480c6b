// pacman: Arch Linux's local database, one folder per installed package,
// /var/lib/pacman/local/<name>-<pkgver>-<pkgrel>/desc.
#include "collectors/collector.h"
#include "formats/pacman_desc.h"

namespace contraband {
namespace {

class PacmanCollector : public Collector {
 public:
  std::vector<FileRequest> Requests() const override {
    return {{"/var/lib/pacman/local/*/desc", 16ull << 20}};
  }

  void Collect(const EvidenceFile& file, CollectorSink& sink) override {
    const PacmanDesc desc = ParsePacmanDesc(file.data);
    for (const std::string& p : desc.problems) sink.Warn(file.path, p);

    // pacman itself names the package after its folder and only checks the
    // desc against it; the desc is what we report, the folder is the
    // fallback and the cross-check.
    const std::string folder = ParentPath(file.path);
    const std::string entry(BaseName(folder));
    const auto from_folder = SplitPacmanEntryName(entry);
    const std::string* name = desc.First("NAME");
    const std::string* version = desc.First("VERSION");

    Software sw;
    sw.ecosystem = "pacman";
    if (name != nullptr && version != nullptr) {
      sw.id = *name;
      sw.version = *version;
      if (from_folder &&
          (from_folder->first != *name || from_folder->second != *version)) {
        sink.Warn(file.path,
                  "local database is inconsistent: the folder says " +
                      from_folder->first + " " + from_folder->second +
                      ", the desc says " + *name + " " + *version +
                      "; reporting the desc");
      }
    } else if (from_folder) {
      sw.id = name ? *name : from_folder->first;
      sw.version = version ? *version : from_folder->second;
      sink.Warn(file.path, std::string("desc has no ") +
                               (name ? "%VERSION%" : "%NAME%") +
                               " section; taken from the folder name " + entry);
    } else if (name != nullptr) {
      sw.id = *name;
      sink.Warn(file.path, "desc has no %VERSION% section and the folder name \"" +
                               entry + "\" is not <name>-<version>-<release>; "
                               "reported without a version");
    } else {
      sink.Warn(file.path, "desc has no %NAME% section and the folder name \"" +
                               entry + "\" is not <name>-<version>-<release>; "
                               "skipped");
      return;
    }
    if (sw.id.empty()) {
      sink.Warn(file.path, "package name is empty; skipped");
      return;
    }
    // A named package is still software: without a version it is reported
    // without one, never dropped.
    if (sw.version.empty() && version != nullptr) {
      sink.Warn(file.path, "package " + sw.id + " has an empty version; "
                           "reported without one");
    }
    sw.name = sw.id;
    if (const std::string* arch = desc.First("ARCH")) sw.arch = *arch;
    if (const std::string* packager = desc.First("PACKAGER")) {
      sw.publisher = *packager;
    }
    sink.Add(std::move(sw));
  }
};

}  // namespace

std::unique_ptr<Collector> MakePacmanCollector() {
  return std::make_unique<PacmanCollector>();
}

}  // namespace contraband
