// Homebrew (macOS and Linuxbrew): formulae are kegs
// <prefix>/Cellar/<name>/<version>/ with an INSTALL_RECEIPT.json; casks keep
// their definition under <prefix>/Caskroom/<token>/.metadata/<version>/
// <timestamp>/Casks/. The path names the package and version, as `brew list
// --versions` reads them; the files confirm and add details.
#include "formats/homebrew.h"

#include <map>
#include <utility>

#include "collectors/collector.h"
#include "formats/parse_error.h"

namespace contraband {
namespace {

constexpr std::string_view kPrefixes[] = {"/opt/homebrew", "/usr/local",
                                          "/home/linuxbrew/.linuxbrew"};

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.substr(s.size() - suffix.size()) == suffix;
}

struct CaskRecord {
  std::string timestamp;  ///< the .metadata/<version>/<timestamp> folder
  std::string version;    ///< the .metadata/<version> folder
  std::string path;
  std::string location;
  HomebrewCask cask;
};

class HomebrewCollector : public Collector {
 public:
  std::vector<FileRequest> Requests() const override {
    std::vector<FileRequest> out;
    for (std::string_view prefix : kPrefixes) {
      const std::string p(prefix);
      out.push_back({p + "/Cellar/*/*/INSTALL_RECEIPT.json", 4ull << 20});
      out.push_back({p + "/Caskroom/*/.metadata/*/*/Casks/*.json", 8ull << 20});
      out.push_back({p + "/Caskroom/*/.metadata/*/*/Casks/*.rb", 8ull << 20});
    }
    return out;
  }

  void Collect(const EvidenceFile& file, CollectorSink& sink) override {
    if (EndsWith(file.path, "/INSTALL_RECEIPT.json")) {
      AddFormula(file, sink);
    } else {
      CollectCask(file, sink);
    }
  }

  void Finish(CollectorSink& sink) override {
    for (const auto& [key, rec] : casks_) {
      const auto& [prefix, token] = key;
      Software sw;
      sw.ecosystem = "homebrew";
      sw.id = token;
      sw.name = rec.cask.name.empty() ? token : rec.cask.name;
      // The folder is what Homebrew installed; the definition inside may be a
      // newer one fetched later, so its version only fills a gap.
      sw.version = rec.version;
      if (sw.version.empty()) sw.version = rec.cask.version;
      sw.source = rec.path;
      sw.location = rec.location;
      sink.Add(std::move(sw));
    }
  }

 private:
  static void AddFormula(const EvidenceFile& file, CollectorSink& sink) {
    // <prefix>/Cellar/<name>/<version>/INSTALL_RECEIPT.json
    const std::string keg = ParentPath(file.path);
    const std::string name(BaseName(ParentPath(keg)));
    Software sw;
    sw.ecosystem = "homebrew";
    sw.id = name;
    sw.name = name;
    sw.version = std::string(BaseName(keg));
    sw.location = keg;
    try {
      const HomebrewReceipt r = ParseHomebrewReceipt(file.data);
      sw.arch = r.arch;
    } catch (const ParseError& e) {
      // The keg and its receipt are there: the formula is installed even if
      // the receipt is damaged.
      sink.Warn(file.path, std::string("receipt is damaged (") + e.what() +
                               "); name and version taken from the path");
    }
    sink.Add(std::move(sw));
  }

  void CollectCask(const EvidenceFile& file, CollectorSink& sink) {
    // <prefix>/Caskroom/<token>/.metadata/<version>/<timestamp>/Casks/<file>
    const std::string casks_dir = ParentPath(file.path);
    const std::string stamp_dir = ParentPath(casks_dir);
    const std::string version_dir = ParentPath(stamp_dir);
    const std::string meta_dir = ParentPath(version_dir);
    const std::string token_dir = ParentPath(meta_dir);
    const std::string caskroom = ParentPath(token_dir);
    const std::string token(BaseName(token_dir));
    const std::string version(BaseName(version_dir));
    const std::string prefix = ParentPath(caskroom);

    HomebrewCask cask;
    try {
      cask = EndsWith(file.path, ".json") ? ParseCaskJson(file.data)
                                          : ParseCaskRuby(file.data);
    } catch (const ParseError& e) {
      sink.Warn(file.path, std::string("cask definition is damaged (") +
                               e.what() +
                               "); token and version taken from "
                               "the path");
    }
    if (!cask.token.empty() && cask.token != token &&
        cask.token.substr(cask.token.rfind('/') + 1) != token) {
      sink.Warn(file.path, "cask definition names \"" + cask.token +
                               "\" but is installed as " + token);
    }
    // The installed version is the one with the newest metadata timestamp,
    // as Homebrew itself decides.
    CaskRecord rec;
    rec.timestamp = std::string(BaseName(stamp_dir));
    rec.version = version;
    rec.path = file.path;
    rec.location = token_dir + "/" + version;
    rec.cask = std::move(cask);
    auto key = std::make_pair(prefix, token);
    auto it = casks_.find(key);
    if (it == casks_.end()) {
      casks_.emplace(key, std::move(rec));
    } else if (it->second.timestamp < rec.timestamp) {
      it->second = std::move(rec);
    }
  }

  std::map<std::pair<std::string, std::string>, CaskRecord> casks_;
};

}  // namespace

std::unique_ptr<Collector> MakeHomebrewCollector() {
  return std::make_unique<HomebrewCollector>();
}

}  // namespace contraband
