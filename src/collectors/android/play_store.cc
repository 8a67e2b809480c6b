// android-play-store: apps Google Play remembers that the package manager no
// longer has (history, issue 12 part 5):
//   /data/data/com.android.vending/databases/localappstate.db (+ -wal)
//                      apps Play installed or tracked on this device, with
//                      first download and last update times
//   .../library.db (+ -wal)
//                      apps the account acquired (perhaps on another device)
//   /data/system/packages.xml, else packages.list
//                      what is installed now (android-packages reports those)
// An app Play knows that is not in packages.xml is a `removed` record:
// installed_at = its first download (library.db alone: its purchase time),
// no removal date (Play does not keep one). Without packages.xml or
// packages.list in the evidence nothing says what is still there: every app
// Play knows is such a record, and a warning says so (a finding of a
// product found installed on the same volume drops it, as for other
// undated sightings).
#include <optional>
#include <set>
#include <string>

#include "collectors/android/packages_xml.h"
#include "collectors/collector.h"
#include "formats/android_xml.h"
#include "formats/parse_error.h"
#include "formats/play_store.h"

namespace contraband {
namespace {

constexpr std::string_view kDatabases =
    "/data/data/com.android.vending/databases/";

struct Db {
  std::string path;
  std::string bytes, wal;
};

class PlayStoreCollector : public Collector {
 public:
  std::vector<FileRequest> Requests() const override {
    const std::string dir(kDatabases);
    return {
        {dir + "localappstate.db", kMaxPlayStoreDbBytes},
        {dir + "localappstate.db-wal", kMaxPlayStoreDbBytes},
        {dir + "library.db", kMaxPlayStoreDbBytes},
        {dir + "library.db-wal", kMaxPlayStoreDbBytes},
        {"/data/system/packages.xml", kMaxAndroidXmlBytes},
        {"/data/system/packages.list", 16ull << 20},
    };
  }

  void Collect(const EvidenceFile& file, CollectorSink& sink) override {
    const std::string_view path = file.path;
    auto is = [&](std::string_view name) {
      return path.size() >= name.size() &&
             path.substr(path.size() - name.size()) == name;
    };
    if (is("/localappstate.db")) {
      appstate_ = Db{file.path, std::string(file.data), {}};
    } else if (is("/localappstate.db-wal")) {
      if (appstate_) appstate_->wal = std::string(file.data);
    } else if (is("/library.db")) {
      library_ = Db{file.path, std::string(file.data), {}};
    } else if (is("/library.db-wal")) {
      if (library_) library_->wal = std::string(file.data);
    } else if (is("/packages.list")) {
      list_ = std::string(file.data);
    } else if (is("/packages.xml")) {
      // Kept, not parsed: only Play's databases make it worth reading
      // (android-packages reads it anyway), and a large packages.xml costs
      // as much to parse as the rest of the scan (bench/README.md, Android).
      xml_ = std::string(file.data);
    }
    (void)sink;
  }

  void Finish(CollectorSink& sink) override {
    if (!appstate_ && !library_) return;
    ReadPresent();
    if (!present_) {
      sink.Warn(appstate_ ? appstate_->path : library_->path,
                "no packages.xml or packages.list in the evidence: every app "
                "Google Play remembers is reported as removed unless found "
                "installed");
    }
    std::set<std::string> seen;
    auto add = [&](const PlayStoreApp& app, const std::string& source) {
      if (!seen.insert(app.package).second) return;
      if (present_ && present_->count(app.package)) return;
      Software sw;
      sw.ecosystem = "android";
      sw.id = app.package;
      sw.name = app.title.empty() ? app.package : app.title;
      sw.state = SoftwareState::kRemoved;
      sw.installed_at = app.first_download;
      sw.source = source;
      sink.Add(std::move(sw));
    };
    auto read = [&](std::optional<Db>& db, auto reader) {
      if (!db) return;
      try {
        PlayStoreRows rows = reader(db->bytes, db->wal);
        for (std::string& p : rows.problems) sink.Warn(db->path, std::move(p));
        for (const PlayStoreApp& app : rows.apps) add(app, db->path);
      } catch (const ParseError& e) {
        sink.Warn(db->path, e.what());
      }
      db.reset();
    };
    read(appstate_, ReadPlayStoreAppState);
    read(library_, ReadPlayStoreLibrary);
  }

 private:
  // What is installed now: packages.xml, else packages.list.
  void ReadPresent() {
    if (xml_) {
      std::set<std::string> names;
      try {
        for (const AndroidPackage& p :
             ReadAndroidPackagesXmlBytes(*xml_).packages) {
          names.insert(p.name);
        }
        present_ = std::move(names);
      } catch (const ParseError&) {
        // android-packages says why; packages.list may stand in
      }
      xml_.reset();
    }
    if (!present_ && list_) {
      std::set<std::string> names;
      for (const AndroidPackage& p : ReadAndroidPackagesList(*list_).packages) {
        names.insert(p.name);
      }
      present_ = std::move(names);
    }
    list_.reset();
  }

  std::optional<Db> appstate_, library_;
  std::optional<std::string> xml_, list_;
  std::optional<std::set<std::string>> present_;
};

}  // namespace

std::unique_ptr<Collector> MakePlayStoreCollector() {
  return std::make_unique<PlayStoreCollector>();
}

}  // namespace contraband
