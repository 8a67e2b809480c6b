#include "evidence/source.h"

#include <optional>

#include "evidence/directory_vfs.h"
#include "evidence/host_os.h"

namespace contraband {
namespace {

std::optional<OpenedEvidence> TryOpenDirectory(const std::string& path) {
  if (host::PathType(path) != FileType::kDirectory) return std::nullopt;
  OpenedEvidence ev;
  ev.path = path;
  // "/" is the live host; any other folder is a mounted or extracted root.
  ev.kind = NormalizeEvidencePath(path) == "/" ? "host" : "directory";
  ev.format = "directory";
  ev.vfs = std::make_unique<DirectoryVfs>(path);
  return ev;
}

}  // namespace

const std::vector<std::string>& SupportedEvidenceKinds() {
  static const std::vector<std::string> kKinds = {"host", "directory"};
  return kKinds;
}

OpenedEvidence OpenEvidence(const std::string& path,
                            const std::string& as_kind) {
  std::optional<FileType> type = host::PathType(path);
  if (!type) {
    throw EvidenceError("evidence " + path +
                        " does not exist or cannot be reached; check the path "
                        "(and that it is mounted)");
  }
  if (!as_kind.empty()) {
    bool known = false;
    for (const std::string& k : SupportedEvidenceKinds()) known |= k == as_kind;
    if (!known) {
      throw EvidenceError("evidence " + path + ": --as " + as_kind +
                          " is not a kind this build reads (it reads: host, "
                          "directory)");
    }
  }
  if (std::optional<OpenedEvidence> ev = TryOpenDirectory(path)) {
    if (!as_kind.empty()) ev->kind = as_kind;
    return std::move(*ev);
  }
  throw EvidenceError("evidence " + path +
                      " is not a folder, and this build reads no other kind "
                      "of evidence yet; extract or mount it and scan the "
                      "folder");
}

}  // namespace contraband
