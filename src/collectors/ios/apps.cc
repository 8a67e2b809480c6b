// ios-apps: the apps of an iPhone full-filesystem extraction (any top folder:
// the evidence root is the folder holding private/var, or var/ where the
// extraction tool dropped private/: see private_var.h).
//   private/var/containers/Bundle/Application/<UUID>/<Name>.app/Info.plist
//     the App Store and sideloaded apps: bundle id, name, version;
//   .../<UUID>/iTunesMetadata.plist beside the .app: the purchase (seller,
//     buying Apple ID, store item id);
//   .../<Name>.app/<CFBundleExecutable>: the main executable's code
//     signature (Team ID, signer), load commands and signature only;
//   /Applications/<Name>.app/Info.plist and executable: Apple's own apps
//     (inventory), and an iPhone .app folder given as evidence (shown
//     there by the evidence layer);
//   private/var/mobile/Library/FrontBoard/applicationState.db: every app
//     SpringBoard knows; one whose bundle is not in the evidence (offloaded,
//     or the extraction lacks it) is reported as residue, with a warning
//     saying so. Apple's own ids (com.apple.*) are left out of that: their
//     bundles live on the system volume, which extractions often omit.
//   private/var/containers/Data/System/*/Documents/Persistence/
//     storeSystem.db (iOS 16+): the App Store's installs; a bundle's record
//     gets its install time (and seller, and store item id where
//     iTunesMetadata gave none); an install whose bundle is gone
//     is residue like the above.
//
// Files come in path order, and an executable may sort before its
// Info.plist ("AppName" < "Info.plist"), so every Mach-O at the top of a
// bundle is read until the plist names the main one, and the join happens
// in Finish.
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/collector.h"
#include "collectors/ios/ios_app.h"
#include "collectors/ios/private_var.h"
#include "collectors/macos/code_signature.h"
#include "formats/ios_application_state.h"
#include "formats/ios_store_system.h"
#include "formats/macho_signature.h"
#include "formats/parse_error.h"
#include "formats/plist.h"

namespace contraband {
namespace {

constexpr std::string_view kBundles =
    "/private/var/containers/Bundle/Application/";
constexpr std::string_view kStateDb =
    "/private/var/mobile/Library/FrontBoard/applicationState.db";
constexpr uint64_t kMaxPlistBytes = 4ull << 20;
constexpr uint64_t kMaxStateDbBytes = 256ull << 20;
constexpr std::string_view kStoreDbDir = "/private/var/containers/Data/System/";
constexpr std::string_view kStoreDbTail =
    "/Documents/Persistence/storeSystem.db";
// An archive keeps entries up to this for ranges reads (see macos-apps).
constexpr uint64_t kMaxKeptBytes = 256ull << 20;
constexpr size_t kMaxBundles = 20000;
// Mach-Os read at the top of one bundle before its Info.plist is known.
constexpr size_t kMaxCandidatesPerBundle = 8;
constexpr size_t kResidueIdsNamed = 10;

struct Bundle {
  std::string executable;  // CFBundleExecutable
  bool have_plist = false;
  Software software;
  std::map<std::string, MachOSignature> signatures;  // by file name
};

// "/…/Application/<UUID>/X.app/rest" -> "/…/Application/<UUID>/X.app";
// "/Applications/X.app/rest" -> "/Applications/X.app"; "" otherwise.
std::string BundleOf(std::string_view path) {
  const size_t at = path.find(".app/");
  if (at == std::string_view::npos) return {};
  return std::string(path.substr(0, at + 4));
}

std::string FolderName(std::string_view bundle) {
  std::string name(BaseName(bundle));
  if (name.size() > 4) name.resize(name.size() - 4);
  return name;
}

// The App Store item id of an install; 0 is no store's id (apps the
// App Store daemon tracks without a purchase: TestFlight, enterprise).
std::string StoreId(const StoreInstall& install) {
  return install.item_id == "0" ? std::string() : install.item_id;
}

class IosAppsCollector : public Collector {
 public:
  std::vector<FileRequest> Requests() const override {
    const std::string app = std::string(kBundles) + "*/*.app";
    FileRequest exe{app + "/*", kMaxKeptBytes};
    exe.ranges = true;
    FileRequest system_exe{"/Applications/*.app/*", kMaxKeptBytes};
    system_exe.ranges = true;
    return {
        system_exe,
        {app + "/Info.plist", kMaxPlistBytes},
        {std::string(kBundles) + "*/iTunesMetadata.plist", kMaxPlistBytes},
        exe,
        {"/Applications/*.app/Info.plist", kMaxPlistBytes},
        {std::string(kStateDb), kMaxStateDbBytes},
        {std::string(kStateDb) + "-wal", kMaxStateDbBytes},
        {std::string(kStoreDbDir) + "*" + std::string(kStoreDbTail),
         kMaxStateDbBytes},
        {std::string(kStoreDbDir) + "*" + std::string(kStoreDbTail) + "-wal",
         kMaxStateDbBytes},
    };
  }

  void Collect(const EvidenceFile& file, CollectorSink& sink) override {
    const std::string_view path = file.path;
    if (path == kStateDb) {
      state_db_path_ = file.path;
      state_db_ = std::string(file.data);
      return;
    }
    if (path == std::string(kStateDb) + "-wal") {
      state_wal_ = std::string(file.data);
      return;
    }
    if (path.substr(0, kStoreDbDir.size()) == kStoreDbDir) {
      const bool wal =
          path.size() > 4 && path.substr(path.size() - 4) == "-wal";
      const std::string db(wal ? path.substr(0, path.size() - 4) : path);
      (wal ? store_dbs_[db].second : store_dbs_[db].first) =
          std::string(file.data);
      return;
    }
    if (path.substr(0, kBundles.size()) == kBundles &&
        BaseName(path) == "iTunesMetadata.plist" &&
        path.find(".app/") == std::string_view::npos) {
      const PlistValue m = ParsePlist(file.data);  // throws: a warning
      const std::string container(path.substr(0, path.rfind('/')));
      metadata_[container] = {ReadItunesMetadata(m), file.path};
      return;
    }
    const std::string bundle = BundleOf(path);
    if (bundle.empty()) return;
    const std::string_view rest = path.substr(bundle.size() + 1);
    if (rest.find('/') != std::string_view::npos) return;
    if (rest == "Info.plist") {
      ReadInfoPlist(bundle, file, sink);
    } else {
      ReadExecutable(bundle, rest, file, sink);
    }
  }

  void Finish(CollectorSink& sink) override {
    const std::map<std::string, std::pair<StoreInstall, std::string>> store =
        ReadStoreDbs(sink);
    std::set<std::string> ids;
    for (auto& [path, b] : bundles_) {
      if (!b.have_plist) continue;
      Software& sw = b.software;
      if (auto s = store.find(sw.id); s != store.end()) {
        sw.installed_at = s->second.first.when;
        if (sw.publisher.empty()) sw.publisher = s->second.first.vendor;
      }
      const std::string container = path.substr(0, path.rfind('/'));
      // The seller's name first: an App Store app's certificate is Apple's.
      if (auto m = metadata_.find(container); m != metadata_.end()) {
        ApplyItunesMetadata(m->second.first, sw);
      }
      if (auto s = store.find(sw.id); s != store.end() && sw.store_id.empty()) {
        sw.store_id = StoreId(s->second.first);
      }
      std::string exe = b.executable.empty() ? FolderName(path) : b.executable;
      if (auto sig = b.signatures.find(exe); sig != b.signatures.end()) {
        ApplyCodeSignature(sig->second, sw);
      }
      ids.insert(sw.id);
      sink.Add(std::move(sw));
    }
    bundles_.clear();
    std::vector<std::string> gone;
    for (const auto& [id, install] : store) {
      if (ids.count(id)) continue;
      Software sw;
      sw.ecosystem = "ios";
      sw.id = id;
      sw.name = install.first.name.empty() ? id : install.first.name;
      sw.version = install.first.version;
      sw.publisher = install.first.vendor;
      sw.store_id = StoreId(install.first);
      sw.installed_at = install.first.when;
      sw.state = SoftwareState::kResidue;
      sw.source = install.second;
      sink.Add(std::move(sw));
      gone.push_back(id);
      ids.insert(id);
    }
    WarnNoBundle(store.empty() ? std::string() : store.begin()->second.second,
                 gone, "the App Store installed", sink);
    FinishApplicationState(ids, sink);
  }

 private:
  void ReadInfoPlist(const std::string& bundle, const EvidenceFile& file,
                     CollectorSink& sink) {
    if (!bundles_.count(bundle) && bundles_.size() >= kMaxBundles) {
      if (!warned_full_) {
        sink.Warn(file.path, "over " + std::to_string(kMaxBundles) +
                                 " bundles: this and the rest were not read");
        warned_full_ = true;
      }
      return;
    }
    const PlistValue info = ParsePlistDict(file.data, "Info.plist");  // throws: a warning
    Bundle& b = bundles_[bundle];
    b.have_plist = true;
    b.executable = info.StringAt("CFBundleExecutable");
    b.software = IosAppFromInfo(info, FolderName(bundle));
    if (b.software.id.empty()) {
      sink.Warn(file.path,
                "no CFBundleIdentifier: the bundle is reported by its "
                "folder's name");
      b.software.id = FolderName(bundle);
    }
    b.software.location = bundle;
    b.software.source = file.path;
    // Signatures read before the plist: keep only the main executable's.
    const std::string exe =
        b.executable.empty() ? FolderName(bundle) : b.executable;
    for (auto it = b.signatures.begin(); it != b.signatures.end();) {
      it = it->first == exe ? std::next(it) : b.signatures.erase(it);
    }
  }

  void ReadExecutable(const std::string& bundle, std::string_view name,
                      const EvidenceFile& file, CollectorSink& sink) {
    if (!file.read_at || file.info.type != FileType::kRegular) return;
    auto it = bundles_.find(bundle);
    if (it != bundles_.end() && it->second.have_plist) {
      const Bundle& b = it->second;
      const std::string exe =
          b.executable.empty() ? FolderName(bundle) : b.executable;
      if (name != exe) return;
    } else {
      if (it == bundles_.end() && bundles_.size() >= kMaxBundles) return;
      if (it != bundles_.end() &&
          it->second.signatures.size() >= kMaxCandidatesPerBundle) {
        return;
      }
      // Not yet known which file is the main executable: only Mach-Os.
      if (!LooksLikeMachO(file.read_at(0, 8))) return;
    }
    const MachOFile macho = ParseMachO(file.read_at, file.info.size);
    for (const std::string& problem : macho.problems) {
      sink.Warn(file.path, problem);
    }
    const MachOSignature* sig = macho.Primary();
    bundles_[bundle].signatures[std::string(name)] = sig ? *sig : MachOSignature{};
  }

  void FinishApplicationState(const std::set<std::string>& ids,
                              CollectorSink& sink) {
    if (state_db_path_.empty()) return;
    bool truncated = false;
    std::vector<std::string> known;
    try {
      known = ReadApplicationStateIds(state_db_, state_wal_, &truncated);
    } catch (const ParseError& e) {
      sink.Warn(state_db_path_, e.what());
      return;
    }
    if (truncated) {
      sink.Warn(state_db_path_, "over " +
                                    std::to_string(kApplicationStateMaxIds) +
                                    " identifiers: the rest were not read");
    }
    std::vector<std::string> gone;
    for (const std::string& id : known) {
      if (ids.count(id) || id.rfind("com.apple.", 0) == 0) continue;
      Software sw;
      sw.ecosystem = "ios";
      sw.id = id;
      sw.name = id;
      sw.state = SoftwareState::kResidue;
      sw.source = state_db_path_;
      sink.Add(std::move(sw));
      gone.push_back(id);
    }
    WarnNoBundle(state_db_path_, gone, "known to SpringBoard", sink);
    state_db_.clear();
    state_wal_.clear();
  }

  static void WarnNoBundle(const std::string& path,
                           const std::vector<std::string>& gone,
                           const char* who, CollectorSink& sink) {
    if (gone.empty()) return;
    std::string named;
    for (size_t i = 0; i < gone.size() && i < kResidueIdsNamed; ++i) {
      named += (i ? ", " : "") + gone[i];
    }
    if (gone.size() > kResidueIdsNamed) named += ", ...";
    sink.Warn(path, std::to_string(gone.size()) + " app(s) " + who +
                        " have no bundle in the evidence (offloaded, "
                        "deleted since, or the extraction lacks "
                        "private/var/containers/Bundle): reported as "
                        "residue: " +
                        named);
  }

  // Each storeSystem.db's installs, by bundle id (the newest row wins),
  // with the database's path.
  std::map<std::string, std::pair<StoreInstall, std::string>> ReadStoreDbs(
      CollectorSink& sink) {
    std::map<std::string, std::pair<StoreInstall, std::string>> out;
    for (auto& [path, bytes] : store_dbs_) {
      if (bytes.first.empty()) continue;  // a -wal without its database
      try {
        for (StoreInstall& row : ReadStoreInstalls(bytes.first, bytes.second)) {
          auto it = out.find(row.bundle_id);
          if (it == out.end() || it->second.first.when < row.when) {
            const std::string id = row.bundle_id;
            out[id] = {std::move(row), path};
          }
        }
      } catch (const ParseError& e) {
        sink.Warn(path, e.what());
      }
    }
    store_dbs_.clear();
    return out;
  }

  std::map<std::string, Bundle> bundles_;
  // storeSystem.db files: database and write-ahead log bytes, by path.
  std::map<std::string, std::pair<std::string, std::string>> store_dbs_;
  // By container folder: the purchase and its file.
  std::map<std::string, std::pair<ItunesMetadata, std::string>> metadata_;
  std::string state_db_path_, state_db_, state_wal_;
  bool warned_full_ = false;
};

}  // namespace

std::unique_ptr<Collector> MakeIosAppsCollector() {
  // Also var/containers/..., var/mobile/... of extractions without private/.
  return WithPrivateVarAlias(std::make_unique<IosAppsCollector>());
}

}  // namespace contraband
