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
#include <map>
#include <optional>
#include <set>

#include "collectors/android/packages_xml.h"
#include "collectors/collector.h"
#include "formats/android_xml.h"
#include "formats/parse_error.h"

namespace contraband {
namespace {

constexpr std::string_view kSystem = "/data/system";
constexpr uint64_t kMaxListBytes = 16ull << 20;
constexpr size_t kNamedResidue = 20;

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

struct PackageFile {
  std::string path;
  AndroidPackages contents;
};

class AndroidPackagesCollector : public Collector {
 public:
  std::vector<FileRequest> Requests() const override {
    const std::string system(kSystem);
    return {
        {system + "/packages.xml", kMaxAndroidXmlBytes},
        {system + "/packages-backup.xml", kMaxAndroidXmlBytes},
        {system + "/packages.list", kMaxListBytes},
        {system + "/users/*/package-restrictions.xml", kMaxAndroidXmlBytes},
    };
  }

  void Collect(const EvidenceFile& file, CollectorSink& sink) override {
    (void)sink;
    if (EndsWith(file.path, "/package-restrictions.xml")) {
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
    if (!chosen) return;
    for (std::string& p : chosen->contents.problems) {
      sink.Warn(chosen->path, std::move(p));
    }
    size_t residue = 0;
    for (const AndroidPackage& p : chosen->contents.packages) {
      Software sw = Record(p, chosen->path);
      if (restrictions_.empty()) {
        sink.Add(std::move(sw));
        continue;
      }
      bool any = false;
      for (const auto& [user, file] : restrictions_) {
        auto it = file.states.find(p.name);
        if (it != file.states.end() && !it->second.installed) continue;
        Software one = sw;
        one.user = user;
        sink.Add(std::move(one));
        any = true;
      }
      if (!any) {
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

  std::optional<PackageFile> xml_, backup_, list_;
  std::map<std::string, UserFile> restrictions_;  ///< by Android user id
};

}  // namespace

std::unique_ptr<Collector> MakeAndroidPackagesCollector() {
  return std::make_unique<AndroidPackagesCollector>();
}

}  // namespace contraband
