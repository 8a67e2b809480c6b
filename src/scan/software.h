// The inventory row: one piece of installed (or once-installed) software as a
// platform recorded it. Typed, serialised to JSON in one place (report/).
#pragma once

#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace contraband {

/// Whether the evidence shows the software present now, once present, or only
/// its leftovers. Only kInstalled findings make the exit code 1.
enum class SoftwareState { kInstalled, kRemoved, kResidue };

std::string_view ToString(SoftwareState state);

/// What a code signature says about who built the software.
struct Signer {
  std::string team_id;      ///< Apple Team ID
  std::string cert_sha256;  ///< Android / Authenticode certificate digest
  std::string subject;      ///< certificate subject or signer name
  /// Android key rotation (APK Signature Scheme v3 proof-of-rotation): the
  /// SHA-256 of every certificate the signing key passed through, oldest
  /// first, the last being cert_sha256; empty without rotation.
  std::vector<std::string> cert_lineage;
  bool empty() const {
    return team_id.empty() && cert_sha256.empty() && subject.empty();
  }
};

/// Another record file that says the same as `Software::source`.
struct AlsoSource {
  std::string path;
  std::string sha256;  ///< with --hash
  auto operator<=>(const AlsoSource&) const = default;
};

struct Software {
  std::string ecosystem;  ///< dpkg, rpm, apk, pacman, snap, flatpak, ...
  std::string id;         ///< the platform's machine identifier
  std::string name;       ///< human name
  std::string version;
  std::string arch;  ///< architecture where the platform records one
  std::string publisher;
  Signer signer;
  /// The store's own id of the product where the record carries one: an
  /// App Store item id ("414478124", iTunesMetadata's itemId). Generic on
  /// purpose: another store's product id (Microsoft Store's 9NH2GPH4JZS4)
  /// would go here too.
  std::string store_id;
  std::string user;      ///< owner of a per-user install
  std::string location;  ///< where the software lives inside the evidence
  /// SHA-1 of the program file itself, where the record carries one
  /// (Amcache's FileId).
  std::string file_sha1;
  std::string source;    ///< the record file that proves it
  /// Where inside `source` the record is, for record files that are trees:
  /// a registry key path ("Microsoft\\Windows\\...\\Uninstall\\ZoomUMX").
  std::string source_key;
  /// The command the platform runs to remove it, as recorded (a Windows
  /// Uninstall entry's UninstallString): where its uninstaller lives.
  std::string uninstall_command;
  std::string source_sha256;  ///< SHA-256 of `source` as read (with --hash)
  /// Other files recording the same event (a removal logged by both dpkg.log
  /// and apt's history.log); see scan/repeated_records.h.
  std::vector<AlsoSource> also_sources;
  std::string evidence;  ///< which evidence argument it came from
  std::string volume;    ///< partition or volume inside it ("p2", "vg0/root")
  SoftwareState state = SoftwareState::kInstalled;
  /// ISO 8601, as precise as the record allows; empty when it does not say.
  /// A package history log sets both for removed software.
  std::string installed_at;
  std::string removed_at;
  /// The last time the evidence shows it present: for software found only
  /// in a Volume Shadow Copy, when that snapshot was taken; for an app a
  /// TCC.db remembers, its latest privacy decision.
  std::string last_seen;
  /// The last time a user had it in the foreground, where the platform
  /// keeps usage statistics (Android's usagestats), RFC 3339 UTC.
  std::string last_used;

  /// Total order used to make reports deterministic.
  auto SortKey() const {
    return std::tie(evidence, volume, ecosystem, id, version, arch, source,
                    source_key, location,
                    user, name, publisher, state);
  }
};

}  // namespace contraband
