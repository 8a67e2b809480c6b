// What Windows itself lists as installed programs, read from one opened
// registry hive: the Uninstall keys (per machine, 32-bit, per user) and
// Windows Installer's own registrations, which still name MSI products whose
// Uninstall entry is hidden or gone.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "collectors/collector.h"
#include "formats/regf_hive.h"
#include "scan/software.h"

namespace contraband {

/// Receives one record, or a damaged key's path and what was wrong.
struct UninstallOutput {
  std::function<void(Software)> add;
  std::function<void(std::string)> warn;
};

/// Records and warnings to `sink`, each record with `hive` as its source.
UninstallOutput OutputToSink(CollectorSink& sink, const std::string& hive);

/// SID -> profile folder ("S-1-5-21-…-1001" -> "alice"), from SOFTWARE's
/// Microsoft\Windows NT\CurrentVersion\ProfileList; the profile path as
/// the registry writes it is kept beside it.
struct Profile {
  std::string user;  ///< the profile folder's name
  std::string path;  ///< ProfileImagePath as recorded
};
std::map<std::string, Profile> ReadProfileList(const RegfHive& hive,
                                               const UninstallOutput& out);

/// The records of a SOFTWARE hive: Uninstall, WOW6432Node Uninstall,
/// Installer\UserData\<SID>\Products (user from `profiles`), then
/// Classes\Installer\Products for products listed nowhere else.
void ReadMachineUninstall(const RegfHive& hive,
                          const std::map<std::string, Profile>& profiles,
                          const UninstallOutput& out);

/// The records of a user's NTUSER.DAT: Software\...\Uninstall (and its
/// WOW6432Node twin), each with `user`.
void ReadUserUninstall(const RegfHive& hive, const std::string& user,
                       const UninstallOutput& out);

/// "C:\Program Files\Zoom\" -> "/Program Files/Zoom"; empty when `path`
/// does not start with a drive letter.
std::string EvidencePathOfWindowsPath(std::string_view path);

/// Windows Installer's packed product code (32 hex digits, each part
/// reversed) as the usual "{GUID}"; empty when `packed` is not one.
std::string UnpackProductCode(std::string_view packed);

}  // namespace contraband
