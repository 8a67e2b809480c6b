// Evidence inside evidence: an examiner's folder often holds the phone
// extractions and exports themselves (an iOS extraction .zip, a server's
// .tar.zst). With --recurse-archives they are scanned as evidence of their
// own, one level deep.
#pragma once

#include <string>
#include <vector>

#include "evidence/vfs.h"

namespace contraband {

/// Evidence paths of files in `vfs` whose names mark them as archives or app
/// packages (.zip, .tar.*, .7z, .ipa, .apk, .iso, .cpio), found by a walk
/// that follows no links, descends at most 8 folders and looks at most at
/// 200000 entries. Whether each really is an archive is decided by opening
/// it, by content.
std::vector<std::string> FindNestedArchives(Vfs& vfs);

}  // namespace contraband
