// android-backup: apps in an `adb backup` (evidence kind adb-backup, which
// keeps only each app's manifest; or such a backup unpacked to a folder):
//   /apps/<package>/_manifest   package, versionCode, installer, and the
//                               signing certificates as hex DER
// The record: id = package, version = versionCode (the manifest has no
// versionName), signer.cert_sha256 = SHA-256 of the first signer's DER,
// location = /apps/<package>, source = the _manifest.
#include <string>
#include <vector>

#include "collectors/collector.h"
#include "formats/adb_backup.h"
#include "formats/parse_error.h"

namespace contraband {
namespace {

class AndroidBackupCollector : public Collector {
 public:
  std::vector<FileRequest> Requests() const override {
    return {{"/apps/*/_manifest", kMaxAdbBackupManifestBytes}};
  }

  void Collect(const EvidenceFile& file, CollectorSink& sink) override {
    const AdbBackupApp app = ParseAdbBackupManifest(file.data);
    const std::string folder = file.path.substr(0, file.path.rfind('/'));
    const std::string named = folder.substr(folder.rfind('/') + 1);
    if (app.package != named) {
      sink.Warn(file.path, "the _manifest names package " +
                               app.package.substr(0, 200) +
                               ", not its folder's " + named);
    }
    Software sw;
    sw.ecosystem = "android";
    sw.id = app.package;
    sw.name = app.package;
    sw.version = app.version_code;
    sw.location = folder;
    if (!app.cert_sha256.empty()) sw.signer.cert_sha256 = app.cert_sha256[0];
    if (app.cert_sha256.size() > 1) {
      sink.Warn(file.path,
                std::to_string(app.cert_sha256.size()) +
                    " signers; the first is reported");
    }
    sink.Add(std::move(sw));
  }
};

}  // namespace

std::unique_ptr<Collector> MakeAndroidBackupCollector() {
  return std::make_unique<AndroidBackupCollector>();
}

}  // namespace contraband
