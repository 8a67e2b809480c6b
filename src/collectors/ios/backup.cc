// ios-backup: the apps an iTunes/Finder backup of an iPhone lists, at the
// backup folder's top (the evidence root; in an archive, the folder found
// holding Manifest.db):
//   Manifest.plist "Applications": bundle id, version, and the App Store
//     receipt (iTunesMetadata, a plist inside the plist) where stored;
//   Info.plist "Installed Applications": the user's apps by bundle id;
//   Manifest.db: one AppDomain-<bundle id> domain per app whose data the
//     backup holds (Apple's own apps too), and one AppDomainGroup-<group
//     id> per app group container.
// An app group id ("group.net.whatsapp.WhatsApp.shared") is not a bundle
// id: any app or extension of the team that declares the group shares its
// container, and iOS removes the container with the group's last app. So a
// group a listed app owns (its namespace, the id without "group.", starts
// with the app's bundle id, or the app's id starts with it: see Claimed)
// adds nothing to that app's record; Apple's own (com.apple.*) are left
// out; any other group is a record of its own, state residue (no app of
// the group is listed, yet the container shows one was on the phone: an
// extension's group, an app whose own data was not backed up), id = the
// group id as recorded, "group." kept, so rules on bundle ids do not match
// it (only a catalog rule naming the group id does), name = the namespace,
// location = the domain's folder as the backup is seen
// ("/AppDomainGroup-group.ph.telegra.Telegraph").
// One record per bundle id, its source the richest file that names it
// (Manifest.plist, else Info.plist, else Manifest.db), the others in
// also_sources. An encrypted backup's Manifest.db is read only when the
// evidence layer decrypted it (--password); otherwise a warning says what
// was not read.
#include <algorithm>
#include <map>
#include <string>
#include <string_view>
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
        BackupDomains domains =
            file.read_at ? ReadBackupDomains(file.read_at, file.info.size)
                         : ReadBackupDomains(file.data);
        domains_ = std::move(domains.apps);
        groups_ = std::move(domains.groups);
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
        const PlistValue info = ParsePlist(info_.second);
        for (const std::string& id : BackupInstalledApplications(info)) {
          note(id, info_.first);
        }
        DescribeDevice(info, sink);
      } catch (const ParseError& e) {
        sink.Warn(info_.first, e.what());
      }
    }
    for (const std::string& id : domains_) note(id, "/Manifest.db");
    std::vector<Software> groups = UnclaimedGroups(apps);
    if (!db_problem_.first.empty()) {
      sink.Warn(db_problem_.first,
                encrypted
                    ? "the backup is encrypted and Manifest.db was not "
                      "decrypted: only the apps Manifest.plist and "
                      "Info.plist list were read; an encrypted backup is "
                      "decrypted as a folder or an archive of one: extract "
                      "it and scan the folder with --password (or "
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
    for (Software& sw : groups) sink.Add(std::move(sw));
  }

 private:
  // Which iPhone the backup is of: Info.plist, written by iTunes/Finder
  // from the phone, names its model ("Product Type", iPhone9,3), iOS
  // version and build, and serial number.
  void DescribeDevice(const PlistValue& info, CollectorSink& sink) {
    Device d;
    d.model = info.StringAt("Product Type");
    d.os_version = info.StringAt("Product Version");
    d.build_fingerprint = info.StringAt("Build Version");
    d.serial = info.StringAt("Serial Number");
    if (d.model.empty() && d.os_version.empty() && d.serial.empty()) return;
    d.manufacturer = "Apple";
    d.source = info_.first;
    sink.Describe(std::move(d));
  }
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

  // The AppDomainGroup-* groups no listed app claims, as residue records
  // (see the top of this file).
  std::vector<Software> UnclaimedGroups(
      const std::map<std::string, Software>& apps) const {
    std::vector<Software> out;
    for (const std::string& group : groups_) {
      const std::string_view rest = GroupNamespace(group);
      // Apple's own groups belong to apps on the system volume, which a
      // backup does not list (as ios-apps leaves com.apple.* out).
      if (rest.empty() || rest.substr(0, 10) == "com.apple.") continue;
      if (Claimed(rest, apps)) continue;
      Software sw;
      sw.ecosystem = "ios";
      sw.id = group;
      sw.name = std::string(rest);
      sw.location = "/AppDomainGroup-" + group;
      sw.source = "/Manifest.db";
      sw.state = SoftwareState::kResidue;
      out.push_back(std::move(sw));
    }
    return out;
  }

  // "group.net.whatsapp.family" -> "net.whatsapp.family"; an older
  // "<Team ID>.groups.com.x" -> "com.x"; others as they are.
  static std::string_view GroupNamespace(std::string_view group) {
    if (group.substr(0, 6) == "group.") return group.substr(6);
    if (group.size() > 11 && group[10] == '.' &&
        std::all_of(group.begin(), group.begin() + 10, [](char c) {
          return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        })) {
      group.remove_prefix(11);
      if (group.substr(0, 7) == "groups.") group.remove_prefix(7);
      else if (group.substr(0, 6) == "group.") group.remove_prefix(6);
    }
    return group;
  }

  // Whether a listed app owns the group: its bundle id is the group's
  // namespace or a dotted prefix of it ("net.whatsapp.WhatsApp" owns
  // "net.whatsapp.WhatsApp.shared"), or the namespace is a dotted prefix of
  // its bundle id ("com.google.chrome" of "com.google.chrome.ios").
  static bool Claimed(std::string_view rest,
                      const std::map<std::string, Software>& apps) {
    for (std::string_view id = rest; !id.empty();) {
      if (apps.count(std::string(id))) return true;
      const size_t dot = id.rfind('.');
      id = dot == std::string_view::npos ? std::string_view() : id.substr(0, dot);
    }
    const std::string below = std::string(rest) + ".";
    auto it = apps.lower_bound(below);
    return it != apps.end() && it->first.compare(0, below.size(), below) == 0;
  }

  std::pair<std::string, std::string> info_, manifest_plist_, db_problem_;
  std::vector<std::string> domains_, groups_;
  bool have_db_ = false;
};

}  // namespace

std::unique_ptr<Collector> MakeIosBackupCollector() {
  return std::make_unique<IosBackupCollector>();
}

}  // namespace contraband
