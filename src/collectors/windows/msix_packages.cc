// msix: AppX / MSIX packages (Microsoft Store apps, sideloaded MSIX), one
// record per package and user, with the package family name as id:
//   Program Files/WindowsApps/<full name>/AppxManifest.xml   the package
//   Program Files/WindowsApps/<bundle>/AppxMetadata/AppxBundleManifest.xml
//   Windows/SystemApps/*/AppxManifest.xml                    inbox apps
//   ProgramData/Microsoft/Windows/AppRepository/StateRepository-Machine.srd
//                                          which user has which package
//   Users/<name>/AppData/Local/Microsoft/Windows/UsrClass.dat
//                                          the packages <name> has
// A package is installed for a user when the StateRepository or the user's
// UsrClass.dat registers it for that user. When neither file is in the
// evidence, a package folder alone is an installed record with no user
// (its users cannot be told). When one of them is and registers the staged
// package for nobody, it is residue: staged files Windows keeps for
// provisioning or has not yet cleaned up, never "installed". A
// registration whose package folder is not in the evidence (a triage
// collection without Program Files) is still an installed record, from the
// registration alone.
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "collectors/collector.h"
#include "collectors/windows/appmodel_repository.h"
#include "collectors/windows/hive_file.h"
#include "collectors/windows/uninstall_entries.h"
#include "common/wildcard.h"
#include "formats/appx_manifest.h"
#include "formats/parse_error.h"
#include "formats/regf_hive.h"
#include "formats/state_repository.h"

namespace contraband {
namespace {

constexpr std::string_view kWindowsApps = "/Program Files/WindowsApps";
constexpr std::string_view kStateRepository =
    "/ProgramData/Microsoft/Windows/AppRepository/StateRepository-Machine.srd";
constexpr std::string_view kUsrClass =
    "/Users/*/AppData/Local/Microsoft/Windows/UsrClass.dat";
// A real StateRepository is tens of megabytes; its log a few.
constexpr uint64_t kMaxStateRepositoryBytes = 512ull << 20;
constexpr uint64_t kMaxHiveBytes = 256ull << 20;
constexpr uint64_t kMaxLogBytes = 256ull << 20;
constexpr size_t kNamedStaged = 20;
constexpr char kResidueNote[] =
    "reported as residue (files Windows keeps for provisioning or has not "
    "cleaned up), not installed";

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.substr(s.size() - suffix.size()) == suffix;
}

// "/Users/alice/AppData/..." -> "alice".
std::string ProfileOf(std::string_view path) {
  const std::string lower = AsciiLower(path);
  const size_t at = lower.find("/users/");
  if (at == std::string::npos) return {};
  std::string_view rest = path.substr(at + 7);
  return std::string(rest.substr(0, rest.find('/')));
}

struct Registration {
  std::string user;
  std::string source;      ///< UsrClass.dat or the StateRepository
  std::string source_key;  ///< the package key in UsrClass.dat
  std::string full_name;   ///< as the registration spells it
  std::string display_name, root_folder;  ///< UsrClass.dat only
};

struct Manifest {
  std::string path;
  AppxManifest m;
};

class MsixPackagesCollector : public Collector {
 public:
  std::vector<FileRequest> Requests() const override {
    const std::string apps(kWindowsApps);
    std::vector<FileRequest> out = {
        {apps + "/*/AppxManifest.xml", kMaxAppxManifestBytes},
        {apps + "/*/AppxMetadata/AppxBundleManifest.xml",
         kMaxAppxManifestBytes},
        {"/Windows/SystemApps/*/AppxManifest.xml", kMaxAppxManifestBytes},
    };
    FileRequest db{std::string(kStateRepository), kMaxStateRepositoryBytes};
    db.stream = true;  // read into the one copy SQLite opens
    out.push_back(db);
    FileRequest wal{std::string(kStateRepository) + "-wal",
                    kMaxStateRepositoryBytes};
    wal.stream = true;
    out.push_back(wal);
    FileRequest hive{std::string(kUsrClass), kMaxHiveBytes};
    hive.stream = true;
    out.push_back(hive);
    FileRequest log{std::string(kUsrClass) + ".LOG[12]", kMaxLogBytes};
    log.stream = true;  // read only when the hive is dirty
    out.push_back(log);
    return out;
  }

  void Collect(const EvidenceFile& file, CollectorSink& sink) override {
    const std::string lower = AsciiLower(file.path);
    if (IsHiveLogPath(lower)) {
      if (pending_hive_) pending_hive_->TakeLog(file, lower, kMaxLogBytes);
      return;
    }
    FlushHive(sink);
    if (EndsWith(lower, ".xml")) {
      manifests_.push_back({file.path, ParseAppxManifest(file.data)});
    } else if (EndsWith(lower, ".srd")) {
      state_repository_ = {
          file.path, ReadWholeFile(file, kMaxStateRepositoryBytes), {}};
    } else if (EndsWith(lower, ".srd-wal")) {
      if (state_repository_) {
        state_repository_->wal = ReadWholeFile(file, kMaxStateRepositoryBytes);
      }
    } else {
      pending_hive_ = HiveFile::Open(file, kMaxHiveBytes);  // throws: warned
    }
  }

  void Finish(CollectorSink& sink) override {
    FlushHive(sink);
    ReadStateRepositoryFile(sink);
    Report(sink);
  }

 private:
  struct Database {
    std::string path, bytes, wal;
  };

  void FlushHive(CollectorSink& sink) {
    ReadPendingHive(pending_hive_, sink,
                    [&](const std::string& path, const RegfHive& hive) {
      AppModelRepository repo = ReadAppModelRepository(hive);
      for (std::string& p : repo.problems) sink.Warn(path, std::move(p));
      std::string user = ProfileOf(path);
      if (user.empty()) user = sink.OwnerOf(path);
      if (!repo.user_sid.empty()) sid_users_[repo.user_sid] = user;
      for (AppModelPackage& p : repo.packages) {
        Add({user, path, p.key_path, p.full_name, p.display_name,
             p.root_folder});
      }
      user_evidence_.push_back(path);
    });
  }

  void ReadStateRepositoryFile(CollectorSink& sink) {
    if (!state_repository_) return;
    const Database db = std::move(*state_repository_);
    state_repository_.reset();
    try {
      StateRepositoryContents c = ReadStateRepository(db.bytes, db.wal);
      for (std::string& p : c.problems) sink.Warn(db.path, std::move(p));
      for (const StateRepositoryPackage& p : c.packages) {
        for (const std::string& sid : p.user_sids) {
          // A SID is a user when a UsrClass.dat in the evidence is that
          // user's (its root key is "<SID>_Classes"); else the SID itself.
          auto it = sid_users_.find(sid);
          Add({it == sid_users_.end() ? sid : it->second, db.path, "",
               p.full_name, "", ""});
        }
      }
      user_evidence_.push_back(db.path);
    } catch (const ParseError& e) {
      sink.Warn(db.path, std::string("cannot parse: ") + e.what());
    }
  }

  void Add(Registration r) {
    const std::string key = AsciiLower(r.full_name);
    std::vector<Registration>& list = registrations_[key];
    for (Registration& have : list) {
      if (have.user == r.user) {
        // The same user from both files: one record, both sources.
        if (have.source != r.source)
          also_[key + "\n" + r.user].insert(r.source);
        return;
      }
    }
    list.push_back(std::move(r));
  }

  static Software FromManifest(const Manifest& mf) {
    const AppxManifest& m = mf.m;
    Software sw;
    sw.ecosystem = "msix";
    sw.id = m.FamilyName();
    // A display name that is a resource reference says nothing readable
    // without the package's resources.pri: the identity name stands in.
    sw.name = m.display_name.empty() || IsAppxResourceReference(m.display_name)
                  ? m.name
                  : m.display_name;
    sw.version = m.version;
    sw.arch = m.architecture;
    sw.publisher = m.publisher_display_name.empty() ||
                           IsAppxResourceReference(m.publisher_display_name)
                       ? m.publisher
                       : m.publisher_display_name;
    std::string folder = ParentPath(mf.path);
    if (m.bundle) folder = ParentPath(folder);  // <bundle>/AppxMetadata/...
    sw.location = folder;
    sw.source = mf.path;
    return sw;
  }

  void AlsoSources(Software& sw, const std::string& key,
                   const Registration& r) {
    std::set<std::string> paths = {r.source};
    auto it = also_.find(key + "\n" + r.user);
    if (it != also_.end()) paths.insert(it->second.begin(), it->second.end());
    for (const std::string& p : paths) {
      if (p != sw.source) sw.also_sources.push_back({p, ""});
    }
  }

  std::string EvidenceFiles() const {
    std::string files;
    for (const std::string& f : user_evidence_) {
      files += (files.empty() ? "" : ", ") + f;
    }
    return files;
  }

  void Report(CollectorSink& sink) {
    std::set<std::string> families;  // reported by a package manifest
    std::set<std::string> used;      // registrations matched to a manifest
    size_t staged = 0;               // packages registered for nobody
    // Packages first, then bundles whose family no package reported.
    std::stable_sort(manifests_.begin(), manifests_.end(),
                     [](const Manifest& a, const Manifest& b) {
                       return !a.m.bundle && b.m.bundle;
                     });
    for (const Manifest& mf : manifests_) {
      const std::string family = mf.m.FamilyName();
      if (mf.m.bundle && families.count(family)) continue;
      families.insert(family);
      // The folder's own name is the full name Windows registered; the one
      // computed from the manifest is tried too (SystemApps folders are
      // named otherwise).
      std::vector<const Registration*> regs;
      std::string matched;
      std::string folder = ParentPath(mf.path);
      if (mf.m.bundle) folder = ParentPath(folder);
      for (const std::string& name :
           {AsciiLower(BaseName(folder)), AsciiLower(mf.m.FullName())}) {
        auto it = registrations_.find(name);
        if (it == registrations_.end()) continue;
        matched = name;
        for (const Registration& r : it->second) regs.push_back(&r);
        used.insert(name);
        break;
      }
      Software sw = FromManifest(mf);
      if (!regs.empty()) {
        for (const Registration* r : regs) {
          Software one = sw;
          one.user = r->user;
          AlsoSources(one, matched, *r);
          sink.Add(std::move(one));
        }
      } else if (!user_evidence_.empty()) {
        sw.state = SoftwareState::kResidue;
        // A machine can stage hundreds: the first few are named, the rest
        // counted in one warning at the end.
        if (++staged <= kNamedStaged) {
          sink.Warn(mf.path, "package " + mf.m.FullName() +
                                 " is staged (its files are present) but "
                                 "registered for no user in " +
                                 EvidenceFiles() + "; " + kResidueNote);
        }
        sink.Add(std::move(sw));
      } else {
        sink.Add(std::move(sw));  // no file says who has it
      }
    }
    if (staged > kNamedStaged) {
      sink.Warn(std::string(kWindowsApps),
                std::to_string(staged - kNamedStaged) +
                    " more packages are staged but registered for no user "
                    "in " +
                    EvidenceFiles() + "; " + kResidueNote);
    }
    // Registrations whose package folder is not in the evidence.
    for (const auto& [key, regs] : registrations_) {
      if (used.count(key)) continue;
      for (const Registration& r : regs) {
        std::optional<AppxFullName> full = ParseAppxFullName(r.full_name);
        if (!full) {
          sink.Warn(r.source, "registration " + r.full_name +
                                  " is not a package full name; skipped");
          continue;
        }
        Software sw;
        sw.ecosystem = "msix";
        sw.id = full->FamilyName();
        sw.name =
            r.display_name.empty() || IsAppxResourceReference(r.display_name)
                ? full->name
                : r.display_name;
        sw.version = full->version;
        sw.arch = full->architecture;
        sw.user = r.user;
        sw.location = EvidencePathOfWindowsPath(r.root_folder);
        if (sw.location.empty()) {
          sw.location = std::string(kWindowsApps) + "/" + r.full_name;
        }
        sw.source = r.source;
        sw.source_key = r.source_key;
        AlsoSources(sw, key, r);
        sink.Add(std::move(sw));
      }
    }
  }

  std::vector<Manifest> manifests_;
  std::optional<HiveFile> pending_hive_;
  std::optional<Database> state_repository_;
  std::map<std::string, std::string> sid_users_;  ///< SID -> profile folder
  /// Lower-case package full name -> one registration per user.
  std::map<std::string, std::vector<Registration>> registrations_;
  /// "<full name>\n<user>" -> further files registering the same.
  std::map<std::string, std::set<std::string>> also_;
  std::vector<std::string> user_evidence_;  ///< registration files read
};

}  // namespace

std::unique_ptr<Collector> MakeMsixPackagesCollector() {
  return std::make_unique<MsixPackagesCollector>();
}

}  // namespace contraband
