// Finds the evidence root inside an extraction: archives and exported folders
// often carry a top folder ("Extraction_FFS/filesystem1/private/var/...").
#pragma once

#include <string>

#include "evidence/vfs.h"

namespace contraband {

/// The shallowest folder (at most `max_depth` levels down) that looks like
/// the root of a system the way an examiner recognises one: it holds var/ and
/// etc/ (Linux), private/var/ (iOS, macOS), Windows/System32/config/
/// (Windows), data/system/ (Android), or Applications/ and Library/ (macOS).
/// Returns "/" when the top itself qualifies or nothing does, and for a
/// bugreport (main-entry.txt at the top, its device files under FS/).
std::string FindEvidenceRoot(Vfs& vfs, int max_depth = 4);

/// Whether folder `dir` itself is such a root (see FindEvidenceRoot).
bool LooksLikeSystemRoot(Vfs& vfs, const std::string& dir);

}  // namespace contraband
