// Finds the evidence root inside an extraction: archives and exported folders
// often carry a top folder ("Extraction_FFS/filesystem1/private/var/...").
#pragma once

#include <string>

#include "evidence/vfs.h"

namespace contraband {

/// The shallowest folder (at most `max_depth` levels down) that looks like
/// the root of a system the way an examiner recognises one: it holds var/ and
/// etc/ (Linux), private/var/ (iOS, macOS), var/containers/Bundle/,
/// var/mobile/ or var/installd/ (iOS without private/), Windows/System32/config/
/// (Windows), data/system/ (Android), Applications/ and Library/ (macOS), or
/// an iPhone backup's Manifest.db with its Info.plist or Manifest.plist.
/// Returns "/" when the top itself qualifies or nothing does, and for a
/// bugreport (main-entry.txt at the top, its device files under FS/).
std::string FindEvidenceRoot(Vfs& vfs, int max_depth = 4);

/// Whether folder `dir` itself is such a root (see FindEvidenceRoot).
bool LooksLikeSystemRoot(Vfs& vfs, const std::string& dir);

/// Whether folder `dir` holds an iTunes/Finder backup of an iPhone:
/// Manifest.db beside Info.plist or Manifest.plist.
bool LooksLikeIosBackup(Vfs& vfs, const std::string& dir);

/// Whether folder `dir` is the root of an iPhone's filesystem as extraction
/// tools write it: private/var/containers/Bundle or private/var/mobile, or
/// the same without private/ (var/containers/Bundle, var/mobile,
/// var/installd), as some tools strip it.
bool LooksLikeIosRoot(Vfs& vfs, const std::string& dir);

/// The shallowest such folder at most `max_depth` levels down, "" when none
/// (a folder given as evidence that holds an extraction's
/// "filesystem1/private/var/...").
std::string FindIosRoot(Vfs& vfs, int max_depth = 4);

}  // namespace contraband
