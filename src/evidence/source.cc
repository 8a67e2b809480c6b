#include "evidence/source.h"

#include <algorithm>
#include <optional>

#include "evidence/android/adb_device.h"
#include "evidence/android/android_evidence.h"
#include "evidence/app_bundle_source.h"
#include "evidence/archive/archive_source.h"
#include "evidence/host/directory_vfs.h"
#include "evidence/image/disk_image_source.h"
#include "evidence/ios_backup_source.h"
#include "evidence/ios_device_source.h"
#include "evidence/host/host_os.h"
#include "evidence/rerooted_vfs.h"
#include "evidence/root_finder.h"
#include "evidence/windows_roots.h"

namespace contraband {
namespace {

std::optional<OpenedEvidence> TryOpenDirectory(const std::string& path,
                                               const OpenRequest&) {
  if (host::PathType(path) != FileType::kDirectory) return std::nullopt;
  OpenedEvidence ev;
  ev.path = path;
  // The host's own root is the live host; any other folder is a mounted or
  // extracted root.
  ev.kind = host::IsHostRoot(path) ? "host" : "directory";
  ev.format = "directory";
  auto vfs = std::make_unique<DirectoryVfs>(path);
  // A folder an iPhone extraction was unpacked into ("Extraction/
  // filesystem1/private/var/..."): scanned from the phone's root, as the
  // same extraction in an archive is. Other folders are scanned as given.
  if (ev.kind == "directory" && !LooksLikeSystemRoot(*vfs, "/")) {
    if (std::string root = FindIosRoot(*vfs); !root.empty() && root != "/") {
      ev.volumes.push_back(
          {"", "directory > " + root.substr(1),
           std::make_unique<RerootedVfs>(
               std::shared_ptr<Vfs>(std::move(vfs)),
               std::vector<std::string>{root}, false),
           {}, {}, {}});
      return ev;
    }
  }
  ev.volumes.push_back({"", "directory", std::move(vfs), {}, {}, {}});
  return ev;
}

using Opener = std::optional<OpenedEvidence> (*)(const std::string&,
                                                 const OpenRequest&);

struct SourceKind {
  const char* kind;  ///< the name --as takes
  Opener open;
};

// The detection chain, in order: the first opener that recognises the
// evidence wins. --as KIND tries only the opener of that kind.
const std::vector<SourceKind>& Chain() {
  static const std::vector<SourceKind> kChain = {
      // A backup folder before any folder: it is read through its manifest.
      {"ios-backup", &TryOpenIosBackup},
      // A Foo.app folder: shown at /Applications/Foo.app.
      {"app", &TryOpenAppBundle},
      {"directory", &TryOpenDirectory},
      // A bare bugreport or dumpsys text file (read in its first MiB).
      {"bugreport", &TryOpenAndroidDump},
      {"adb-backup", &TryOpenAdbBackup},
      // Images before archives: libarchive takes a file that starts with a
      // zeroed block (a bare ext or HFS+ image) for an empty tar. A bare
      // ISO 9660 image is left to the archive opener, which reads its Rock
      // Ridge and Joliet names (TryOpenDiskImage declines it unless --as).
      {"disk-image", &TryOpenDiskImage},
      {"archive", &TryOpenArchive},
  };
  return kChain;
}

}  // namespace

const std::vector<std::string>& SupportedEvidenceKinds() {
  static const std::vector<std::string> kKinds = [] {
    std::vector<std::string> k = {"host"};
    for (const SourceKind& s : Chain()) k.push_back(s.kind);
    return k;
  }();
  return kKinds;
}

OpenedEvidence OpenEvidence(const std::string& path,
                            const OpenRequest& request) {
  // A live phone, not a path.
  if (IsAdbEvidence(path)) return OpenAdbDevice(path, request);
  if (IsIosDeviceArgument(path)) return OpenIosDevice(path, request);
  if (!host::PathType(path)) {
    throw EvidenceError("evidence " + path +
                        " does not exist or cannot be reached; check the path "
                        "(and that it is mounted)");
  }
  // "host" is a folder scanned as the live system.
  const std::string as = request.as_kind == "host" ? "directory" : request.as_kind;
  for (const SourceKind& s : Chain()) {
    if (!as.empty() && as != s.kind) continue;
    if (std::optional<OpenedEvidence> ev = s.open(path, request)) {
      if (request.as_kind == "host") ev->kind = "host";
      NameAndroidAcquisition(*ev);
      PrepareWindowsVolumes(*ev);
      return std::move(*ev);
    }
    if (!as.empty()) {
      throw EvidenceError("evidence " + path + " cannot be read as " +
                          request.as_kind + "; drop --as to detect its kind");
    }
  }
  throw EvidenceError("evidence " + path +
                      " is of no kind this build reads (folders, the live "
                      "host, archives, raw/E01/VMDK/VHD disk images); extract "
                      "or mount it and scan the folder, or name its kind "
                      "with --as");
}

}  // namespace contraband
