// What Android's package manager records about installed packages, read from
// its XML files (either encoding, see formats/android_xml.h):
//   /data/system/packages.xml                      every package on the device
//   /data/system/users/<id>/package-restrictions.xml   per user: installed?
//   /data/system/packages.list                     name, uid, version code
// The android-packages collector (packages.cc) joins them.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "formats/android_xml.h"

namespace contraband {

struct AndroidPackage {
  std::string name;  ///< the package name, Android's id for it
  std::string version_name;  ///< only where the file records one
  std::string version_code;  ///< "version"
  std::string code_path;     ///< where the APK lives on the device
  std::string installer;          ///< package that installed it
  std::string install_initiator;  ///< package that asked for the install
  std::string user_id, shared_user_id;  ///< Linux uid (app id)
  /// RFC 3339 UTC from the hex millisecond times: first install ("it"),
  /// last update ("ut"), code path's timestamp ("ft").
  std::string first_installed, last_updated, timestamp;
  /// SHA-256 (lower-case hex) of each signing certificate's DER, in the
  /// order <sigs> lists them; a package without <sigs> of its own has its
  /// shared user's.
  std::vector<std::string> cert_sha256;
  /// The first certificate's subject CN (its O when it has no CN).
  std::string cert_subject;
  /// Certificates it was signed with before a key rotation (<past-sigs>).
  std::vector<std::string> past_cert_sha256;
  /// A system app updated from a store: the <updated-package> entry (the
  /// version on the system partition) exists beside this one.
  bool updated_system_app = false;
};

struct AndroidPackages {
  std::vector<AndroidPackage> packages;
  /// Damaged records (a certificate that is not hex, a reference to an
  /// unknown certificate index), one message each.
  std::vector<std::string> problems;
};

/// Reads packages.xml. Throws ParseError when the root is not <packages>.
AndroidPackages ReadAndroidPackagesXml(const AndroidXmlDocument& doc);
/// Parses and reads packages.xml (text or ABX) from its bytes, without
/// building the subtrees the reader never looks at (every package's <perms>,
/// the permission tables, <keyset-settings>, <domain-verification>): most of
/// a real file's nodes. Throws ParseError as ParseAndroidXml and the above.
AndroidPackages ReadAndroidPackagesXmlBytes(std::string_view bytes);

/// One user's state of one package (package-restrictions.xml <pkg>).
struct AndroidPackageUserState {
  bool installed = true;  ///< inst="false": not installed for this user
  bool hidden = false;
  bool suspended = false;
  bool stopped = false;
};

/// package name -> state, for the packages the file lists; a package it does
/// not list has the default state (installed).
using AndroidPackageRestrictions =
    std::map<std::string, AndroidPackageUserState>;

/// Reads package-restrictions.xml. Throws ParseError when the root is not
/// <package-restrictions>.
AndroidPackageRestrictions ReadAndroidPackageRestrictions(
    const AndroidXmlDocument& doc);

/// Reads packages.list: "name uid debuggable dataDir seinfo gids ... version
/// code" per line (Android 2.3 has only the first four columns). Lines
/// without a name and a uid are skipped and counted in `problems`.
AndroidPackages ReadAndroidPackagesList(std::string_view text);

/// Android's hex milliseconds since 1970 ("16ff245509a") as RFC 3339 UTC;
/// "" when not hex or not a plausible moment.
std::string AndroidHexMillisToRfc3339(std::string_view hex);

}  // namespace contraband
