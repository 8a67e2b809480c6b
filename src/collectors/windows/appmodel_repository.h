// Which AppX / MSIX packages a user has, from that user's UsrClass.dat
// (Users/<name>/AppData/Local/Microsoft/Windows/UsrClass.dat): one key per
// package registered for the user under kAppModelPackagesKey
// (Local Settings\...\AppModel\Repository\Packages\<PackageFullName>)
// with values PackageID, DisplayName and PackageRootFolder. Windows deletes
// the key when the package is removed for the user.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "formats/regf_hive.h"

namespace contraband {

inline constexpr std::string_view kAppModelPackagesKey =
    "Local Settings\\Software\\Microsoft\\Windows\\CurrentVersion\\AppModel\\"
    "Repository\\Packages";

struct AppModelPackage {
  std::string full_name;     ///< the key's name
  std::string display_name;  ///< often an "@{...ms-resource:...}" reference
  std::string root_folder;   ///< "C:\Program Files\WindowsApps\<full name>"
  std::string key_path;      ///< as the hive spells it
};

struct AppModelRepository {
  /// The user's SID, from the hive's root key name "<SID>_Classes"; empty
  /// when the root is named otherwise.
  std::string user_sid;
  std::vector<AppModelPackage> packages;
  std::vector<std::string> problems;  ///< damaged keys, skipped
};

/// Reads the package keys of an opened UsrClass.dat. A hive without the
/// Packages key has no packages.
AppModelRepository ReadAppModelRepository(const RegfHive& hive);

}  // namespace contraband
