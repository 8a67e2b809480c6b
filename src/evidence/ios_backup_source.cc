#include "evidence/ios_backup_source.h"

#include <memory>

#include "evidence/host/directory_vfs.h"
#include "evidence/host/host_os.h"
#include "evidence/root_finder.h"

namespace contraband {

std::optional<OpenedEvidence> TryOpenIosBackup(const std::string& path,
                                               const OpenRequest& request) {
  (void)request;
  if (host::PathType(path) != FileType::kDirectory) return std::nullopt;
  auto vfs = std::make_unique<DirectoryVfs>(path);
  if (!LooksLikeIosBackup(*vfs, "/")) return std::nullopt;
  OpenedEvidence ev;
  ev.path = path;
  ev.kind = "ios-backup";
  ev.format = "directory";
  ev.volumes.push_back({"", "ios-backup", std::move(vfs), {}, {}});
  return ev;
}

}  // namespace contraband
