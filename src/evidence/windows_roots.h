// Windows volumes inside evidence, decided once per root so that no collector
// has to care: whether a root is a Windows tree (its names then match in any
// case, see Vfs::fold_case), and the drive roots of triage collections —
// a KAPE target folder or VHDX ("C/Windows/..."), a CyLR zip ("C/..."), a
// Velociraptor offline collection ("uploads/auto/C%3A/...",
// "uploads/ntfs/%5C%5C.%5CC%3A/...") — each of which is scanned like a disk.
#pragma once

#include <string>
#include <vector>

#include "evidence/source.h"
#include "evidence/vfs.h"

namespace contraband {

/// Whether the root of `vfs` is a Windows system volume: it holds Windows/
/// System32, Program Files, ProgramData or Documents and Settings, in any
/// letter case.
bool LooksLikeWindowsRoot(Vfs& vfs);

/// One drive of a triage collection.
struct WindowsDrive {
  char letter = 'C';                 ///< upper case
  std::vector<std::string> folders;  ///< where it was filed, in precedence order
  bool encoded_names = false;        ///< Velociraptor's URL-encoded names
};

/// The drives of a triage collection in `vfs`: folders named like a drive
/// ("C", "C:", "C%3A", "%5C%5C.%5CC%3A") at most 4 levels down that hold a
/// Windows tree (or at least Users/). Empty when the root is itself a
/// Windows volume or holds no drive folders. Looks at most at 2000 folders.
std::vector<WindowsDrive> FindWindowsDrives(Vfs& vfs);

/// Applied to every opened evidence: each volume that is a triage
/// collection becomes one volume per drive (named "C", or "p2/C" inside a
/// partition; its chain ends with the folder, "zip > uploads/auto/C%3A"),
/// and every volume that is a Windows tree is set to fold case.
void PrepareWindowsVolumes(OpenedEvidence& ev);

}  // namespace contraband
