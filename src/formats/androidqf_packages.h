// androidqf's packages.json: what the androidqf collector (mvt-project's
// acquisition tool) found of every package on a phone, one object a package:
//   {"name": "com.whatsapp", "installer": "null", "uid": 10271,
//    "disabled": false, "system": false, "third_party": true,
//    "files": [{"path": ".../base.apk", "sha256": "...",
//               "certificate": {"Sha256": "...", "Subject": "..."}, ...}]}
// The certificate's Sha256 is androidqf's digest of the APK's signing
// certificate (DER), the same value apksigner prints: a real cert digest.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace contraband {

inline constexpr size_t kMaxAndroidqfPackagesBytes = 64u << 20;
inline constexpr size_t kMaxAndroidqfPackages = 100'000;
inline constexpr int kMaxAndroidqfDepth = 16;
inline constexpr size_t kMaxAndroidqfFilesPerPackage = 256;

struct AndroidqfFile {
  std::string path;
  std::string sha256;       ///< of the APK file
  std::string cert_sha256;  ///< of its signing certificate, lower-case hex
  std::string cert_subject;
};

struct AndroidqfPackage {
  std::string name;
  std::string installer;  ///< "" when androidqf says "null"
  std::string uid;
  bool disabled = false;
  bool system = false;
  std::vector<AndroidqfFile> files;
};

struct AndroidqfPackages {
  std::vector<AndroidqfPackage> packages;
  std::vector<std::string> problems;  ///< entries skipped, and why
};

/// Throws ParseError when the file is not a JSON array (or is over a limit);
/// an entry that is not a package object is a problem, and reading goes on.
AndroidqfPackages ParseAndroidqfPackages(std::string_view text);

/// getprop output ("[ro.product.model]: [Pixel 5]"): the value of `name`,
/// or "" when absent.
std::string GetpropValue(std::string_view text, std::string_view name);

}  // namespace contraband
