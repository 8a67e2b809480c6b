// apk: Alpine's installed database, /lib/apk/db/installed.
#include "collectors/collector.h"
#include "formats/apk_installed.h"

namespace contraband {
namespace {

class ApkCollector : public Collector {
 public:
  std::vector<FileRequest> Requests() const override {
    return {{"/lib/apk/db/installed", 256ull << 20}};
  }

  void Collect(const EvidenceFile& file, CollectorSink& sink) override {
    const ApkDatabase db = ParseApkInstalled(file.data);
    for (const std::string& problem : db.problems)
      sink.Warn(file.path, problem);
    for (const ApkPackage& pkg : db.packages) Add(file, pkg, sink);
  }

 private:
  static void Add(const EvidenceFile& file, const ApkPackage& pkg,
                  CollectorSink& sink) {
    const std::string where = "stanza at line " + std::to_string(pkg.line);
    const std::string label = pkg.name.empty() ? "" : " (" + pkg.name + ")";
    if (pkg.name.empty()) {
      sink.Warn(file.path, where + " has no P: (name) field" +
                               (pkg.error.empty() ? "" : " (" + pkg.error + ")") +
                               "; skipped");
      return;
    }
    // apk itself refuses a stanza without V:, but the name alone still says
    // the package was recorded as installed: report it without a version.
    if (pkg.version.empty()) {
      sink.Warn(file.path, where + label + " has no V: (version) field" +
                               (pkg.error.empty() ? "" : " (" + pkg.error + ")") +
                               "; reported without a version");
    }
    if (!pkg.error.empty() && !pkg.version.empty()) {
      // Name and version come first in every stanza apk writes, so a stanza
      // damaged further down still proves the package: report it.
      sink.Warn(file.path, where + label + " is damaged: " + pkg.error +
                               "; reported from the fields before the damage");
    }
    Software sw;
    sw.ecosystem = "apk";
    sw.id = pkg.name;
    sw.name = pkg.name;
    sw.version = pkg.version;
    sw.arch = pkg.arch;
    sw.publisher = pkg.maintainer;
    sink.Add(std::move(sw));
  }
};

}  // namespace

std::unique_ptr<Collector> MakeApkCollector() {
  return std::make_unique<ApkCollector>();
}

}  // namespace contraband
