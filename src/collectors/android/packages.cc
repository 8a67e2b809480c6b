// android-packages: the packages Android's package manager knows, joined
// from its record files (text XML, or ABX since Android 12):
//   /data/system/packages.xml          every package whose code is on the
//                                      device: version, code path, signers,
//                                      install times (packages-backup.xml
//                                      when packages.xml is missing, as
//                                      Android itself falls back)
//   /data/system/users/<id>/package-restrictions.xml
//                                      per user: whether it is installed
//   /data/system/packages.list         fallback when neither XML is there
// One record per package and user it is installed for (as DESIGN.md's `user`
// field is for per-user installs elsewhere), with the Android user id as
// `user` ("0" the owner, "10" a work profile or second user). When no
// package-restrictions.xml is in the evidence (Android before 4.2, or a
// partial extraction), a package is one installed record without a user.
// When some are, a package every user file marks inst="false" is residue:
// its code is on the device but no user has it.
//
// Usage statistics (formats/usagestats.h) add `last_used`: the latest
// foreground time any of the user's interval files (daily, weekly, monthly,
// yearly) records for the package, on that user's record (a record without
// a user takes the latest of every user's):
//   /data/system/usagestats/<user>/<interval>/<start>      Android <= 10
//   /data/system_ce/<user>/usagestats/<interval>/<start>   Android 11+, with
//   /data/system_ce/<user>/usagestats/mappings             its package names
// Usage alone creates no record (usage is not installation), with one
// exception: a package a user used that the package manager's records do
// not know at all was installed once and is gone now, so it is a `removed`
// record for that user, with last_used and the interval file as source.
// Examiners want that (a banned app used last month and uninstalled since);
// Android keeps interval files for up to two years (yearly) and, before
// Android 11, keeps an uninstalled package's usage in them. Without
// packages.xml or packages.list nothing says what is gone, so no such
// records are made.
#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "collectors/android/packages_xml.h"
#include "collectors/collector.h"
#include "formats/android_xml.h"
#include "formats/parse_error.h"
#include "formats/play_store.h"  // MillisToRfc3339
#include "formats/usagestats.h"

namespace contraband {
namespace {

constexpr std::string_view kSystem = "/data/system";
constexpr uint64_t kMaxListBytes = 16ull << 20;
constexpr size_t kNamedResidue = 20;
constexpr std::string_view kUsageIntervals[] = {"daily", "weekly", "monthly",
                                                "yearly"};
// Interval files read per user: Android keeps at most 100 + 50 + 12 + 10.
constexpr size_t kMaxUsageFilesPerUser = 1000;

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.substr(s.size() - suffix.size()) == suffix;
}

// "/data/system/users/10/package-restrictions.xml" -> "10".
std::string UserOf(std::string_view path) {
  const size_t end = path.rfind('/');
  if (end == std::string_view::npos || end == 0) return {};
  const size_t start = path.rfind('/', end - 1);
  return std::string(path.substr(start + 1, end - start - 1));
}

// The user of a usage statistics file, and whether it is one:
// "/data/system/usagestats/0/daily/1650012087093" -> "0",
// "/data/system_ce/10/usagestats/mappings" -> "10".
std::optional<std::string> UsageUserOf(std::string_view path) {
  std::vector<std::string_view> parts;
  for (size_t start = 1; start <= path.size();) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  if (parts.size() < 5 || parts[0] != "data") return std::nullopt;
  if (parts[1] == "system" && parts[2] == "usagestats") {
    return std::string(parts[3]);
  }
  if (parts[1] == "system_ce" && parts[3] == "usagestats") {
    return std::string(parts[2]);
  }
  return std::nullopt;
}

struct PackageFile {
  std::string path;
  AndroidPackages contents;
};

class AndroidPackagesCollector : public Collector {
 public:
  std::vector<FileRequest> Requests() const override {
    const std::string system(kSystem);
    std::vector<FileRequest> requests = {
        {system + "/packages.xml", kMaxAndroidXmlBytes},
        {system + "/packages-backup.xml", kMaxAndroidXmlBytes},
        {system + "/packages.list", kMaxListBytes},
        {system + "/users/*/package-restrictions.xml", kMaxAndroidXmlBytes},
        {"/data/system_ce/*/usagestats/mappings", kMaxUsageStatsBytes},
    };
    for (std::string_view interval : kUsageIntervals) {
      requests.push_back({system + "/usagestats/*/" + std::string(interval) +
                              "/*",
                          kMaxUsageStatsBytes});
      requests.push_back({"/data/system_ce/*/usagestats/" +
                              std::string(interval) + "/*",
                          kMaxUsageStatsBytes});
    }
    return requests;
  }

  void Collect(const EvidenceFile& file, CollectorSink& sink) override {
    if (std::optional<std::string> user = UsageUserOf(file.path)) {
      CollectUsage(file, *user, sink);
    } else if (EndsWith(file.path, "/package-restrictions.xml")) {
      restrictions_[UserOf(file.path)] = {
          file.path, ReadAndroidPackageRestrictions(ParseAndroidXml(file.data))};
    } else if (EndsWith(file.path, "/packages.xml")) {
      xml_ = PackageFile{file.path,
                         ReadAndroidPackagesXmlBytes(file.data)};
    } else if (EndsWith(file.path, "/packages-backup.xml")) {
      backup_ = PackageFile{file.path,
                            ReadAndroidPackagesXmlBytes(file.data)};
    } else if (EndsWith(file.path, "/packages.list")) {
      list_ = PackageFile{file.path, ReadAndroidPackagesList(file.data)};
    }
  }

  void Finish(CollectorSink& sink) override {
    std::optional<PackageFile> chosen = std::move(xml_);
    if (!chosen && backup_) {
      chosen = std::move(backup_);
      sink.Warn(chosen->path,
                "packages.xml is missing or unreadable; read its backup, as "
                "Android does");
    }
    if (!chosen && list_) {
      chosen = std::move(list_);
      sink.Warn(chosen->path,
                "packages.xml is missing or unreadable; packages read from "
                "packages.list (no signers, install times or versions "
                "before Android 9)");
    }
    ResolveUsageTokens(sink);
    if (!chosen) return;
    for (std::string& p : chosen->contents.problems) {
      sink.Warn(chosen->path, std::move(p));
    }
    size_t residue = 0;
    std::set<std::string> known;
    for (const AndroidPackage& p : chosen->contents.packages) {
      known.insert(p.name);
      Software sw = Record(p, chosen->path);
      if (restrictions_.empty()) {
        sw.last_used = LastUsed(p.name, std::nullopt);
        sink.Add(std::move(sw));
        continue;
      }
      bool any = false;
      for (const auto& [user, file] : restrictions_) {
        auto it = file.states.find(p.name);
        if (it != file.states.end() && !it->second.installed) continue;
        Software one = sw;
        one.user = user;
        one.last_used = LastUsed(p.name, user);
        sink.Add(std::move(one));
        any = true;
      }
      if (!any) {
        sw.last_used = LastUsed(p.name, std::nullopt);
        if (++residue <= kNamedResidue) {
          sink.Warn(chosen->path,
                    "package " + p.name + " is on the device but installed "
                    "for no user (inst=\"false\" in " + UserFiles() +
                    "); reported as residue");
        }
        sw.state = SoftwareState::kResidue;
        sink.Add(std::move(sw));
      }
    }
    if (residue > kNamedResidue) {
      sink.Warn(chosen->path,
                std::to_string(residue - kNamedResidue) +
                    " more packages are on the device but installed for no "
                    "user; reported as residue");
    }
    // Used once, unknown to the package manager now: removed (see top).
    for (const auto& [user, packages] : usage_) {
      for (const auto& [name, use] : packages) {
        if (known.count(name)) continue;
        Software sw;
        sw.ecosystem = "android";
        sw.id = name;
        sw.name = name;
        sw.user = user;
        sw.state = SoftwareState::kRemoved;
        sw.last_used = MillisToRfc3339(use.ms);
        sw.source = use.source;
        sink.Add(std::move(sw));
      }
    }
  }

 private:
  struct UserFile {
    std::string path;
    AndroidPackageRestrictions states;
  };

  static Software Record(const AndroidPackage& p, const std::string& source) {
    Software sw;
    sw.ecosystem = "android";
    sw.id = p.name;
    sw.name = p.name;
    sw.version = p.version_name.empty() ? p.version_code : p.version_name;
    if (!p.cert_sha256.empty()) sw.signer.cert_sha256 = p.cert_sha256.front();
    sw.signer.subject = p.cert_subject;
    sw.location = p.code_path;
    sw.installed_at = p.first_installed;
    sw.source = source;
    return sw;
  }

  std::string UserFiles() const {
    std::string files;
    for (const auto& [user, file] : restrictions_) {
      files += (files.empty() ? "" : ", ") + file.path;
    }
    return files;
  }

  /// A package's latest use, and the interval file that records it.
  struct Use {
    int64_t ms = 0;
    std::string source;
  };
  using Uses = std::map<std::string, Use>;

  template <typename Key>
  static void Keep(std::map<Key, Use>& uses, const Key& key, int64_t ms,
                   const std::string& source) {
    Use& use = uses[key];
    if (ms > use.ms) use = Use{ms, source};
  }

  void CollectUsage(const EvidenceFile& file, const std::string& user,
                    CollectorSink& sink) {
    if (EndsWith(file.path, "/mappings")) {
      mappings_[user] = ReadUsageStatsMappings(file.data);
      return;
    }
    const std::optional<int64_t> begin =
        UsageStatsBeginTime(file.path.substr(file.path.rfind('/') + 1));
    if (!begin) return;  // a ".bak" copy or something else
    if (++usage_files_[user] > kMaxUsageFilesPerUser) {
      if (usage_files_[user] == kMaxUsageFilesPerUser + 1) {
        sink.Warn(file.path, "more than " +
                                 std::to_string(kMaxUsageFilesPerUser) +
                                 " usage statistics files for user " + user +
                                 "; the rest are not read");
      }
      return;
    }
    UsageStatsFile stats = ReadUsageStats(file.data, *begin);
    for (std::string& p : stats.problems) sink.Warn(file.path, std::move(p));
    for (const UsageStatsEntry& e : stats.entries) {
      if (e.package.empty()) {
        Keep(tokens_[user], e.token, e.last_used_ms, file.path);
      } else {
        Keep(usage_[user], e.package, e.last_used_ms, file.path);
      }
    }
  }

  // Android 11+ files name packages by token; the user's mappings file
  // (read after some of them, in path order) names the tokens.
  void ResolveUsageTokens(CollectorSink& sink) {
    for (const auto& [user, tokens] : tokens_) {
      const auto names = mappings_.find(user);
      size_t unknown = 0;
      std::string where;
      for (const auto& [token, use] : tokens) {
        const std::string* name = nullptr;
        if (names != mappings_.end()) {
          auto it = names->second.find(token);
          if (it != names->second.end()) name = &it->second;
        }
        if (!name) {
          ++unknown;
          where = use.source;
          continue;
        }
        Keep(usage_[user], *name, use.ms, use.source);
      }
      if (unknown > 0) {
        sink.Warn(where, std::to_string(unknown) + " packages in user " +
                             user +
                             "'s usage statistics are tokens that /data/"
                             "system_ce/" + user +
                             "/usagestats/mappings does not name (missing "
                             "or older than the statistics); their use is "
                             "not reported");
      }
    }
    tokens_.clear();
  }

  // RFC 3339 of the package's latest use by `user`, or by any user.
  std::string LastUsed(const std::string& name,
                       const std::optional<std::string>& user) const {
    int64_t latest = 0;
    for (const auto& [u, packages] : usage_) {
      if (user && u != *user) continue;
      auto it = packages.find(name);
      if (it != packages.end()) latest = std::max(latest, it->second.ms);
    }
    return latest > 0 ? MillisToRfc3339(latest) : "";
  }

  std::optional<PackageFile> xml_, backup_, list_;
  std::map<std::string, UserFile> restrictions_;  ///< by Android user id
  std::map<std::string, Uses> usage_;  ///< by Android user id
  /// Obfuscated uses (Android 11+) until the mappings are read: user ->
  /// package token -> use.
  std::map<std::string, std::map<int64_t, Use>> tokens_;
  std::map<std::string, std::map<int64_t, std::string>> mappings_;
  std::map<std::string, size_t> usage_files_;
};

}  // namespace

std::unique_ptr<Collector> MakeAndroidPackagesCollector() {
  return std::make_unique<AndroidPackagesCollector>();
}

}  // namespace contraband
