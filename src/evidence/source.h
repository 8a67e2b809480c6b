// Turns one evidence argument into a Vfs. Each TryOpen* in the chain returns
// nothing when the evidence is not of its kind (bloaty's GetObjectFile).
#pragma once

#include <memory>
#include <string>

#include "evidence/vfs.h"

namespace contraband {

struct OpenedEvidence {
  std::string path;    ///< the argument as given
  std::string kind;    ///< host | directory | archive | disk-image | ...
  std::string format;  ///< finer format name where there is one ("tar.zst")
  uint64_t size = 0;   ///< bytes of the container; 0 for folders
  std::unique_ptr<Vfs> vfs;
};

/// Kinds `--as` accepts in this build.
const std::vector<std::string>& SupportedEvidenceKinds();

/// Opens `path`. `as_kind` (may be empty) overrides detection. Throws
/// EvidenceError with a message naming the path and what to do when it is
/// missing, unreadable or of no kind this build reads (exit code 3).
OpenedEvidence OpenEvidence(const std::string& path, const std::string& as_kind);

}  // namespace contraband
