// Software installed without a package (a tarball in /opt, a script, a
// per-user installer) leaves no record, only files. The catalog names the
// install locations of its products (`location` rules of the `installer`
// ecosystem); this collector looks for exactly those files, by name only,
// and reports each as a record the matcher then recognises.
#include <set>

#include "catalog/catalog.h"
#include "collectors/collector.h"

namespace contraband {
namespace {

// Catalog globs let `*` span folders; evidence globs match one component a
// `*`. A leading "*/" ("*/Program Files/...", "*/AppData/...") stands for
// the places such folders sit: the volume root, or a user's home two levels
// down (/Users/alice/AppData). A walk of the whole tree ("**") would make
// every scan of a live host read every folder, so it is never used.
std::vector<std::string> ToEvidenceGlobs(const std::string& pattern) {
  if (pattern.rfind("*/", 0) == 0) {
    const std::string rest = pattern.substr(2);
    return {"/" + rest, "/*/" + rest, "/*/*/" + rest};
  }
  return {pattern.empty() || pattern[0] != '/' ? "/" + pattern : pattern};
}

class InstallMarkerCollector : public Collector {
 public:
  explicit InstallMarkerCollector(const Catalog& catalog) {
    std::set<std::string> seen;
    for (const Product& product : catalog.products) {
      for (const Rule& rule : product.rules) {
        if (rule.field != "location" || !rule.AppliesTo("installer")) continue;
        // A regex has no file glob that expresses it: such rules match
        // locations other collectors report, not files looked for here.
        if (rule.op == MatchOp::kRegex) continue;
        for (const std::string& value : rule.values) {
          const std::string glob =
              rule.op == MatchOp::kPrefix ? value + "*" : value;
          for (const std::string& g : ToEvidenceGlobs(glob)) {
            if (seen.insert(g).second) patterns_.push_back(g);
          }
        }
      }
    }
  }

  std::vector<FileRequest> Requests() const override {
    std::vector<FileRequest> out;
    for (const std::string& p : patterns_) {
      FileRequest r;
      r.pattern = p;
      r.name_only = true;
      out.push_back(r);
    }
    return out;
  }

  void Collect(const EvidenceFile& file, CollectorSink& sink) override {
    // One record per catalog location is proof enough; a folder of a
    // thousand files under /opt/kaspersky would otherwise be a thousand rows.
    bool fresh = false;
    for (const std::string& p : patterns_) {
      if (GlobMatch(p, file.path) && used_.insert(p).second) fresh = true;
    }
    // A folder inside an already reported one adds nothing.
    for (const std::string& done : reported_) {
      if (file.path.rfind(done + "/", 0) == 0) fresh = false;
    }
    if (!fresh) return;
    Software sw;
    sw.ecosystem = "installer";
    sw.id = std::string(BaseName(file.path));
    sw.name = sw.id;
    sw.location = file.path;
    sw.source = file.path;
    sw.user = sink.OwnerOf(file.path);  // empty outside home folders
    reported_.push_back(file.path);
    sink.Add(std::move(sw));
  }

 private:
  std::vector<std::string> patterns_;
  std::set<std::string> used_;
  std::vector<std::string> reported_;
};

}  // namespace

std::unique_ptr<Collector> MakeInstallMarkerCollector(const Catalog& catalog) {
  return std::make_unique<InstallMarkerCollector>(catalog);
}

}  // namespace contraband
