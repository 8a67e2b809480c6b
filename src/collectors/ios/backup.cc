// ios-backup: the apps an iTunes/Finder backup of an iPhone lists, at the
// backup folder's top (the evidence root; in an archive, the folder found
// holding Manifest.db):
//   Manifest.plist "Applications": bundle id, version, and the App Store
//     receipt (iTunesMetadata, a plist inside the plist) where stored;
//   Info.plist "Installed Applications": the user's apps by bundle id;
//   Manifest.db: one AppDomain-<bundle id> domain per app whose data the
//     backup holds (Apple's own apps too).
// One record per bundle id, its source the richest file that names it
// (Manifest.plist, else Info.plist, else Manifest.db), the others in
// also_sources. An encrypted backup's Manifest.db is read only when the
// evidence layer decrypted it (--password); otherwise a warning says what
// was not read.
#include <map>
#include <string>
#include <vector>

#include "collectors/collector.h"
#include "collectors/ios/ios_app.h"
#include "formats/ios_backup_manifest.h"
#include "formats/parse_error.h"
#include "formats/plist.h"

namespace contraband {
namespace {

constexpr uint64_t kMaxInfoBytes = 16ull << 20;
constexpr uint64_t kMaxManifestPlistBytes = 256ull << 20;
constexpr uint64_t kMaxManifestDbBytes = 2ull << 30;

class IosBackupCollector : public Collector {
 public:
  std::vector<FileRequest> Requests() const override {
    // Manifest.db in ranges: its domain index is all that is read of a
    // database that may be hundreds of MB.
    FileRequest db{"/Manifest.db", kMaxManifestDbBytes};
    db.ranges = true;
    return {{"/Info.plist", kMaxInfoBytes},
            {"/Manifest.plist", kMaxManifestPlistBytes},
            db};
  }

  void Collect(const EvidenceFile& file, CollectorSink& sink) override {
    if (file.path == "/Info.plist") {
      info_ = {file.path, std::string(file.data)};
    } else if (file.path == "/Manifest.plist") {
      manifest_plist_ = {file.path, std::string(file.data)};
    } else if (file.path == "/Manifest.db") {
      // Read now, while its bytes are handed over; kept are only ids.
      try {
        domains_ = file.read_at ? BackupAppDomains(file.read_at, file.info.size)
                                : BackupAppDomains(file.data);
        have_db_ = true;
      } catch (const ParseError& e) {
        db_problem_ = {file.path, e.what()};
      }
    }
    (void)sink;
  }

  void Finish(CollectorSink& sink) override {
    // A backup has a Manifest.db or a Manifest.plist beside its Info.plist;
    // a lone Info.plist at the top of other evidence is not one.
    if (!have_db_ && db_problem_.first.empty() &&
        manifest_plist_.first.empty()) {
      return;
    }
    std::map<std::string, Software> apps;
    auto note = [&](const std::string& id, const std::string& source) {
      auto [it, fresh] = apps.try_emplace(id);
      Software& sw = it->second;
      if (fresh) {
        sw.ecosystem = "ios";
        sw.id = id;
        sw.name = id;
        sw.source = source;
      } else if (sw.source != source &&
                 (sw.also_sources.empty() ||
                  sw.also_sources.back().path != source)) {
        sw.also_sources.push_back({source, {}});
      }
      return &sw;
    };
    bool encrypted = false;
    if (!manifest_plist_.first.empty()) {
      try {
        const PlistValue manifest = ParsePlist(manifest_plist_.second);
        const PlistValue* enc = manifest.Find("IsEncrypted");
        encrypted = enc && enc->type == PlistValue::Type::kBool && enc->boolean;
        if (const PlistValue* list = manifest.Find("Applications");
            list && list->type == PlistValue::Type::kDict) {
          for (size_t i = 0; i < list->keys.size() && i < kBackupMaxApps; ++i) {
            ReadManifestApp(list->keys[i], list->items[i], note, sink);
          }
        }
      } catch (const ParseError& e) {
        sink.Warn(manifest_plist_.first, e.what());
      }
    }
    if (!info_.first.empty()) {
      try {
        for (const std::string& id :
             BackupInstalledApplications(ParsePlist(info_.second))) {
          note(id, info_.first);
        }
      } catch (const ParseError& e) {
        sink.Warn(info_.first, e.what());
      }
    }
    for (const std::string& id : domains_) note(id, "/Manifest.db");
    if (!db_problem_.first.empty()) {
      sink.Warn(db_problem_.first,
                encrypted
                    ? "the backup is encrypted and Manifest.db was not "
                      "decrypted: only the apps Manifest.plist and "
                      "Info.plist list were read; an encrypted backup is "
                      "decrypted only as a folder: extract it and scan the "
                      "folder with --password (or "
                      "CONTRABAND_BACKUP_PASSWORD)"
                    : db_problem_.second);
    } else if (encrypted && !have_db_) {
      sink.Warn(manifest_plist_.first,
                "the backup is encrypted and Manifest.db was not read: only "
                "the apps Manifest.plist and Info.plist list were read; pass "
                "the backup's password with --password (or "
                "CONTRABAND_BACKUP_PASSWORD) to read the rest");
    }
    for (auto& [id, sw] : apps) sink.Add(std::move(sw));
  }

 private:
  template <typename Note>
  void ReadManifestApp(const std::string& key, const PlistValue& entry,
                       Note& note, CollectorSink& sink) {
    if (entry.type != PlistValue::Type::kDict) return;
    Software from = IosAppFromInfo(entry, key);
    if (from.id.empty()) from.id = key;
    Software* sw = note(from.id, manifest_plist_.first);
    if (from.name != from.id) sw->name = from.name;
    sw->version = from.version;
    sw->location = entry.StringAt("Path");
    if (const PlistValue* meta = entry.Find("iTunesMetadata");
        meta && meta->type == PlistValue::Type::kData) {
      try {
        const ItunesMetadata m = ReadItunesMetadata(ParsePlist(meta->text));
        ApplyItunesMetadata(m, *sw);
        if (sw->version.empty()) sw->version = m.version;
      } catch (const ParseError& e) {
        sink.Warn(manifest_plist_.first,
                  "Applications/" + key + "/iTunesMetadata: " + e.what());
      }
    }
  }

  std::pair<std::string, std::string> info_, manifest_plist_, db_problem_;
  std::vector<std::string> domains_;
  bool have_db_ = false;
};

}  // namespace

std::unique_ptr<Collector> MakeIosBackupCollector() {
  return std::make_unique<IosBackupCollector>();
}

}  // namespace contraband
