// What Amcache.hve (Windows/appcompat/Programs) remembers of programs and
// executables, read from one opened hive. Windows keeps these entries after
// the program is uninstalled, so each is evidence that the software was
// installed once: every record is `removed` (the scan drops one that has no
// removed_at when the same product is installed in the same volume).
//   Root\InventoryApplication\<ProgramId>   Windows 10+ programs
//   Root\InventoryApplicationFile\<name|hash> Windows 10+ executables
//   Root\Programs\<ProgramId>               Windows 7/8 / Server 2012 programs
//   Root\File\<volume GUID>\<file reference> Windows 7/8 / Server 2012 files
// The older layout names its values with hex numbers; their meaning is
// public (plaso's amcache plugin, Y. Khatri's "Amcache.hve in Windows 8",
// H. Carvey's amcache.pl): Programs 0 name, 1 version, 2 publisher,
// a install time (POSIX seconds), d install folders, f product code;
// File 0 product name, 1 company, 5 file version, 12 created (FILETIME),
// 15 full path, 101 SHA-1 (behind four zeros).
#pragma once

#include "collectors/windows/uninstall_entries.h"
#include "formats/regf_hive.h"

namespace contraband {

/// Most entries read from one Amcache key (InventoryApplication, ...).
inline constexpr size_t kMaxAmcacheEntries = 200000;
/// Longest text kept from one value (a name, a path); longer is cut.
inline constexpr size_t kMaxAmcacheText = 4096;

/// Every program and executable record of an Amcache hive, in key order:
/// programs as ecosystem "windows" (or "msix" with the package family
/// name as id when Amcache says it came from an AppX package), executables
/// as ecosystem "installer" (an app file seen on the volume) with their
/// SHA-1. `source` is left to the caller; `source_key` is the key path.
void ReadAmcache(const RegfHive& hive, const UninstallOutput& out);

/// "Microsoft.WindowsCamera_2018.826.98.0_x64__8wekyb3d8bbwe" ->
/// "Microsoft.WindowsCamera_8wekyb3d8bbwe"; "" when not a full name.
std::string PackageFamilyOfFullName(std::string_view full_name);

}  // namespace contraband
