// rpm: the installed-package database in any of its three on-disk formats,
// in /var/lib/rpm (the classic place) and /usr/lib/sysimage/rpm (Fedora 36+,
// openSUSE, where /var/lib/rpm is usually a symlink to it):
//   Packages       Berkeley DB hash (RHEL/CentOS 5-8, Amazon Linux 2, old SUSE)
//   Packages.db    ndb (SUSE 15 SP3+)
//   rpmdb.sqlite   SQLite, with rpmdb.sqlite-wal (Fedora 33+, RHEL 9)
#include <map>
#include <set>
#include <string>
#include <tuple>

#include "collectors/collector.h"
#include "common/sha256.h"
#include "formats/parse_error.h"
#include "formats/rpm_bdb.h"
#include "formats/rpm_header.h"
#include "formats/rpm_ndb.h"
#include "formats/rpm_sqlite.h"

namespace contraband {
namespace {

constexpr std::string_view kDirs[] = {"/var/lib/rpm", "/usr/lib/sysimage/rpm"};
constexpr uint64_t kMaxDatabaseBytes = 1ull << 30;

constexpr std::string_view kBdbName = "Packages";
constexpr std::string_view kNdbName = "Packages.db";
constexpr std::string_view kSqliteName = "rpmdb.sqlite";
constexpr std::string_view kWalName = "rpmdb.sqlite-wal";

class RpmCollector : public Collector {
 public:
  std::vector<FileRequest> Requests() const override {
    std::vector<FileRequest> out;
    for (std::string_view dir : kDirs) {
      for (std::string_view name :
           {kBdbName, kNdbName, kSqliteName, kWalName}) {
        out.push_back(
            {std::string(dir) + "/" + std::string(name), kMaxDatabaseBytes});
      }
    }
    return out;
  }

  void Collect(const EvidenceFile& file, CollectorSink& sink) override {
    const std::string_view name = BaseName(file.path);
    if (name == kBdbName || name == kNdbName) {
      if (!FirstSight(file.data, {})) return;
      Report(file.path,
             name == kBdbName ? ReadRpmBdb(file.data) : ReadRpmNdb(file.data),
             sink);
    } else if (name == kSqliteName) {
      // Its log comes next in path order; both are read in Finish.
      Sqlite& s = sqlite_[ParentPath(file.path)];
      s.db_path = file.path;
      s.db = std::string(file.data);
    } else if (name == kWalName) {
      Sqlite& s = sqlite_[ParentPath(file.path)];
      s.wal_path = file.path;
      s.wal = std::string(file.data);
    }
  }

  void Finish(CollectorSink& sink) override {
    for (auto& [dir, s] : sqlite_) {
      if (s.db_path.empty()) {
        if (!s.wal.empty()) {
          sink.Warn(s.wal_path,
                    "a write-ahead log without its rpmdb.sqlite database; "
                    "its packages cannot be read");
        }
        continue;
      }
      if (!FirstSight(s.db, s.wal)) continue;
      try {
        Report(s.db_path, ReadRpmSqlite(s.db, s.wal), sink);
      } catch (const ParseError& e) {
        sink.Warn(s.db_path, std::string("cannot parse: ") + e.what());
      }
      s = Sqlite{};  // release the copies early
    }
    sqlite_.clear();
  }

 private:
  struct Sqlite {
    std::string db_path, wal_path;
    std::string db, wal;
  };

  // Whether this database (with its log) has not been read already: when one
  // of the two rpm folders is a symlink to the other, the same bytes arrive
  // under both paths.
  bool FirstSight(std::string_view db, std::string_view wal) {
    Sha256 digest;
    digest.Update(db);
    digest.Update(std::string_view("\0wal\0", 5));
    digest.Update(wal);
    return seen_databases_.insert(digest.HexDigest()).second;
  }

  void Report(const std::string& path, const RpmDbContents& contents,
              CollectorSink& sink) {
    for (const std::string& problem : contents.problems) {
      sink.Warn(path, problem);
    }
    if (contents.unlisted_problems > 0) {
      sink.Warn(path, std::to_string(contents.unlisted_problems) +
                          " more damaged parts of the database not listed");
    }
    const std::string dir = ParentPath(path);
    for (const RpmDbRecord& record : contents.records) {
      RpmHeader h;
      try {
        h = ParseRpmHeader(record.image);
      } catch (const ParseError& e) {
        sink.Warn(path, "record " + std::to_string(record.number) + ": " +
                            e.what() + "; the package is skipped");
        continue;
      }
      Software sw;
      sw.ecosystem = "rpm";
      sw.id = h.name;
      sw.name = h.name;
      sw.version = h.Evr();
      sw.arch = h.arch;
      sw.publisher = !h.vendor.empty() ? h.vendor : h.packager;
      sw.source = path;
      sw.state = SoftwareState::kInstalled;
      // A package already reported from the other rpm folder (a copy of the
      // same database in another format, or one changed by a byte) is one
      // installation, not two. Within one database every record counts, as
      // `rpm -qa` lists every one.
      auto key = std::make_tuple(h.name, sw.version, h.arch,
                                 h.install_time.value_or(-1), h.vendor);
      auto [it, inserted] = first_dir_.emplace(key, dir);
      if (!inserted && it->second != dir) continue;
      sink.Add(std::move(sw));
    }
  }

  std::map<std::string, Sqlite> sqlite_;  // by folder
  std::set<std::string> seen_databases_;
  std::map<
      std::tuple<std::string, std::string, std::string, int64_t, std::string>,
      std::string>
      first_dir_;
};

}  // namespace

std::unique_ptr<Collector> MakeRpmCollector() {
  return std::make_unique<RpmCollector>();
}

}  // namespace contraband
