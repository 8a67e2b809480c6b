// The text Android's package manager prints about its packages, wherever an
// acquisition keeps it:
//   `adb shell dumpsys package`             the whole output is the service's
//   a bugreport's dumpstate.txt / bugreport-*.txt, androidqf's dumpsys.txt
//                                           one section among many, after a
//                                           "DUMP OF SERVICE package:" line
//   `adb shell pm list packages -f -U -i --show-versioncode`
//                                           one line a package
// What is read from a "Packages:" block ("  Package [name] (hash):"):
// versionCode, versionName, codePath, installerPackageName, firstInstallTime,
// lastUpdateTime, the signatures line and each "User N:" line (installed,
// hidden, suspended, stopped, enabled). "Hidden system packages:" (the
// factory copy of a system app updated from a store) is not a second package.
//
// The signatures line ("PackageSignatures{6c98c74 version:2, signatures:
// [b378e95c], past signatures:[]}") names each signing certificate by Java's
// Signature.hashCode(), a 32-bit hash of the certificate's bytes: it tells
// two signers apart on one device but is no certificate digest, and is kept
// apart from one (DumpsysPackage::signature_hash_codes).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace contraband {

inline constexpr size_t kMaxDumpsysLineBytes = 64u << 10;  ///< longer: skipped
inline constexpr size_t kMaxDumpsysPackages = 100'000;
inline constexpr size_t kMaxDumpsysUsersPerPackage = 1'000;
inline constexpr size_t kMaxDumpsysSignatures = 64;  ///< per package

/// One "User N:" line of a package: its state for that Android user.
struct DumpsysUserState {
  std::string user;  ///< Android user id, "0", "10"
  bool installed = true;
  bool hidden = false;
  bool suspended = false;
  bool stopped = false;
  std::string enabled;  ///< as printed: 0 default, 1 enabled, 2/3/4 disabled
  bool operator==(const DumpsysUserState&) const = default;
};

struct DumpsysPackage {
  std::string name;
  std::string version_code;
  std::string version_name;
  std::string code_path;
  std::string installer;  ///< installerPackageName / pm's installer=
  std::string uid;        ///< userId= / pm's uid:
  /// "YYYY-MM-DDTHH:MM:SS", the device's local time (dumpsys prints no zone).
  std::string first_installed;
  std::string last_updated;
  /// Signature.hashCode() of each current signer, 8 hex digits as printed:
  /// NOT a certificate digest (see the file comment).
  std::vector<std::string> signature_hash_codes;
  std::vector<DumpsysUserState> users;  ///< empty when none were printed
  bool operator==(const DumpsysPackage&) const = default;
};

/// Which lines are the package service's.
enum class DumpsysScope {
  kWholeText,       ///< `dumpsys package` output: every line
  kPackageService,  ///< a dump of every service: only after
                    ///< "DUMP OF SERVICE package:" until the next service
};

/// Reads dumpsys text in pieces of any size (a bugreport is tens of
/// megabytes): each package is handed to `on_package` once its block ends.
class DumpsysPackageReader {
 public:
  DumpsysPackageReader(DumpsysScope scope,
                       std::function<void(DumpsysPackage)> on_package);
  ~DumpsysPackageReader();
  DumpsysPackageReader(const DumpsysPackageReader&) = delete;
  DumpsysPackageReader& operator=(const DumpsysPackageReader&) = delete;

  void Feed(std::string_view chunk);
  /// The end of the text: hands over the last package.
  void Finish();

  /// Whether a "Packages:" list was met (in scope).
  bool saw_packages() const;
  /// Damaged or over-limit lines, for the collector's warnings.
  const std::vector<std::string>& problems() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// The whole text at once (tests, fuzzing).
std::vector<DumpsysPackage> ParseDumpsysPackages(
    std::string_view text, DumpsysScope scope,
    std::vector<std::string>* problems = nullptr);

/// `pm list packages -f -U -i --show-versioncode` output:
/// "package:/data/app/~~x==/com.a-y==/base.apk=com.a versionCode:12
///  uid:10271 installer=com.android.vending". Lines that are not such a line
/// are skipped (counted in `problems` when they look damaged).
std::vector<DumpsysPackage> ParsePmListPackages(
    std::string_view text, std::vector<std::string>* problems = nullptr);

/// "2023-07-24 00:39:12" -> "2023-07-24T00:39:12"; "" when it is not that.
std::string DumpsysTimeToIso(std::string_view text);

/// Whether `name` is a well-formed Android package name.
bool IsAndroidPackageName(std::string_view name);

}  // namespace contraband
