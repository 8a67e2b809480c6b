// android-dumpsys: the packages a phone's package manager reported in text,
// as acquisitions made without root keep it (no packages.xml):
//   /dumpstate*.txt, /bugreport*.txt   a bugreport (zip or bare file): its
//                                      "DUMP OF SERVICE package:" section
//   /dumpsys.txt + /packages.json      androidqf: every service's dump, and
//   (+ /getprop.txt)                   its own package list with the
//                                      signing certificate's SHA-256
//   /adb/dumpsys_package.txt,          a live phone read by adb: (see
//   /adb/pm_list_packages.txt          evidence/android/adb_device.cc)
//   /dumpsys_packages.txt              `adb shell dumpsys package` saved
// each also one folder down (a zip's top folder). Files of one folder are
// one acquisition and are joined by package name: dumpsys gives versions,
// code paths, install times and per-user state; packages.json adds the
// certificate; `pm list packages` and packages.json add packages dumpsys
// did not print. As android-packages does for package-restrictions.xml,
// one record per user a package is installed for ("User 10: installed=
// true" → user "10"); a package installed for no user is residue.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "collectors/collector.h"
#include "formats/androidqf_packages.h"
#include "formats/dumpsys_package.h"
#include "formats/parse_error.h"

namespace contraband {
namespace {

constexpr uint64_t kMaxTextBytes = 1ull << 30;  // streamed: never held
constexpr uint64_t kMaxSmallTextBytes = 64ull << 20;
constexpr uint64_t kMaxGetpropBytes = 4ull << 20;
constexpr size_t kNamedResidue = 20;

std::string FolderOf(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos || slash == 0
             ? std::string("/")
             : std::string(path.substr(0, slash));
}

std::string BaseName(std::string_view path) {
  const size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path
                                                     : path.substr(slash + 1));
}

// One acquisition: the files of one folder.
struct Acquisition {
  std::string dumpsys_path;
  std::vector<DumpsysPackage> dumpsys;
  std::string pm_path;
  std::vector<DumpsysPackage> pm;
  std::string androidqf_path;
  std::vector<AndroidqfPackage> androidqf;
  bool androidqf_sibling = false;  ///< getprop.txt or dumpsys.txt beside
};

class AndroidDumpsysCollector : public Collector {
 public:
  std::vector<FileRequest> Requests() const override {
    std::vector<FileRequest> out;
    for (const char* top : {"", "/*"}) {
      const std::string dir(top);
      for (const char* name : {"/dumpstate*.txt", "/bugreport*.txt",
                               "/dumpsys.txt", "/dumpsys_packages.txt"}) {
        FileRequest r{dir + name, kMaxTextBytes};
        r.stream = true;
        out.push_back(r);
      }
      out.push_back({dir + "/packages.json", kMaxAndroidqfPackagesBytes});
      out.push_back({dir + "/getprop.txt", kMaxGetpropBytes});
      out.push_back({dir + "/pm_list_packages.txt", kMaxSmallTextBytes});
    }
    // Never read: named so an archive keeps them, which tells a bugreport
    // zip (and its root: evidence/root_finder.h).
    for (const char* name : {"/main-entry.txt", "/main_entry.txt"}) {
      FileRequest r{name, 4096};
      r.name_only = true;
      out.push_back(r);
    }
    FileRequest adb{"/adb/dumpsys_package.txt", kMaxTextBytes};
    adb.stream = true;
    out.push_back(adb);
    out.push_back({"/adb/pm_list_packages.txt", kMaxSmallTextBytes});
    return out;
  }

  void Collect(const EvidenceFile& file, CollectorSink& sink) override {
    const std::string name = BaseName(file.path);
    if (name == "main-entry.txt" || name == "main_entry.txt") return;
    Acquisition& acq = folders_[FolderOf(file.path)];
    if (name == "getprop.txt") {
      acq.androidqf_sibling = true;
    } else if (name == "packages.json") {
      // Only beside androidqf's other files: a packages.json elsewhere is
      // someone else's.
      if (!acq.androidqf_sibling) return;
      AndroidqfPackages got = ParseAndroidqfPackages(file.data);
      for (std::string& p : got.problems) sink.Warn(file.path, std::move(p));
      acq.androidqf_path = file.path;
      acq.androidqf = std::move(got.packages);
    } else if (name == "pm_list_packages.txt") {
      std::vector<std::string> problems;
      acq.pm = ParsePmListPackages(file.data, &problems);
      acq.pm_path = file.path;
      for (std::string& p : problems) sink.Warn(file.path, std::move(p));
    } else {
      // Plain `dumpsys package` output has no service headers; a bugreport
      // or androidqf's dumpsys.txt dumps every service.
      if (name == "dumpsys.txt") acq.androidqf_sibling = true;
      const bool whole = name == "dumpsys_package.txt" ||
                         name == "dumpsys_packages.txt";
      std::vector<DumpsysPackage> packages;
      DumpsysPackageReader reader(
          whole ? DumpsysScope::kWholeText : DumpsysScope::kPackageService,
          [&](DumpsysPackage p) { packages.push_back(std::move(p)); });
      file.ReadChunks([&](std::string_view chunk) { reader.Feed(chunk); });
      reader.Finish();
      for (const std::string& p : reader.problems()) sink.Warn(file.path, p);
      if (!reader.saw_packages()) return;  // not a package manager's dump
      if (!acq.dumpsys_path.empty()) {
        sink.Warn(file.path, "a second package dump beside " +
                                 acq.dumpsys_path + "; both are read");
        for (DumpsysPackage& p : packages) acq.dumpsys.push_back(std::move(p));
        return;
      }
      acq.dumpsys_path = file.path;
      acq.dumpsys = std::move(packages);
    }
  }

  void Finish(CollectorSink& sink) override {
    for (auto& [folder, acq] : folders_) Emit(acq, sink);
    folders_.clear();
  }

 private:
  static void Emit(Acquisition& acq, CollectorSink& sink) {
    // The certificate androidqf computed, by package (the base APK's, or
    // the first file's that has one).
    std::map<std::string, const AndroidqfFile*> certs;
    for (const AndroidqfPackage& p : acq.androidqf) {
      const AndroidqfFile* best = nullptr;
      for (const AndroidqfFile& f : p.files) {
        if (f.cert_sha256.empty()) continue;
        if (!best || f.path.ends_with("/base.apk")) best = &f;
      }
      if (best) certs[p.name] = best;
    }
    std::set<std::string> seen;
    size_t residue = 0;
    auto emit = [&](const DumpsysPackage& p, const std::string& source) {
      if (!seen.insert(p.name).second) return;
      Software sw;
      sw.ecosystem = "android";
      sw.id = p.name;
      sw.name = p.name;
      sw.version = p.version_name.empty() ? p.version_code : p.version_name;
      sw.location = p.code_path;
      sw.installed_at = p.first_installed;
      sw.source = source;
      if (auto it = certs.find(p.name); it != certs.end()) {
        sw.signer.cert_sha256 = it->second->cert_sha256;
        sw.signer.subject = it->second->cert_subject;
        if (sw.location.empty()) sw.location = FolderOf(it->second->path);
      }
      if (p.users.empty()) {
        sink.Add(std::move(sw));
        return;
      }
      bool any = false;
      for (const DumpsysUserState& u : p.users) {
        if (!u.installed) continue;
        Software one = sw;
        one.user = u.user;
        sink.Add(std::move(one));
        any = true;
      }
      if (!any) {
        if (++residue <= kNamedResidue) {
          sink.Warn(source, "package " + p.name +
                                " is on the device but installed for no "
                                "user (installed=false on every User line); "
                                "reported as residue");
        }
        sw.state = SoftwareState::kResidue;
        sink.Add(std::move(sw));
      }
    };
    for (const DumpsysPackage& p : acq.dumpsys) emit(p, acq.dumpsys_path);
    for (const DumpsysPackage& p : acq.pm) emit(p, acq.pm_path);
    for (const AndroidqfPackage& q : acq.androidqf) {
      DumpsysPackage p;
      p.name = q.name;
      p.installer = q.installer;
      p.uid = q.uid;
      emit(p, acq.androidqf_path);
    }
    if (residue > kNamedResidue) {
      sink.Warn(acq.dumpsys_path,
                std::to_string(residue - kNamedResidue) +
                    " more packages are on the device but installed for no "
                    "user; reported as residue");
    }
  }

  std::map<std::string, Acquisition> folders_;  ///< by folder
};

}  // namespace

std::unique_ptr<Collector> MakeAndroidDumpsysCollector() {
  return std::make_unique<AndroidDumpsysCollector>();
}

}  // namespace contraband
