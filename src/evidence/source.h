// Turns one evidence argument into one or more Vfs (one per filesystem found
// in it). Each TryOpen* in the chain returns nothing when the evidence is not
// of its kind (bloaty's GetObjectFile); source.cc holds the chain.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "evidence/host/host_os.h"
#include "evidence/vfs.h"

namespace contraband {

/// One filesystem inside the evidence.
struct EvidenceVolume {
  std::string name;   ///< "" when the evidence is one filesystem; else "p2", "vg0/root"
  std::string chain;  ///< the layers that led to it, "qcow2 > gpt > lvm > xfs"
  std::unique_ptr<Vfs> vfs;
  /// A Volume Shadow Copy: the live volume it is a snapshot of ("p2", or ""
  /// for a bare volume), and when Windows took it (RFC 3339).
  std::optional<std::string> snapshot_of;
  std::string snapshot_time;
  /// Set when only one platform's collectors can read this volume ("ios"
  /// for an iPhone backup, whose tree is its domains, not a system root):
  /// the others' broad patterns would find nothing there and, by looking
  /// inside every domain, make the backup map every Manifest.db row.
  std::string only_platform;
};

/// A problem met while opening (a corrupt partition table, an encrypted
/// archive entry): the scan goes on with what could be read.
struct OpenWarning {
  std::string path;  ///< inside the evidence where known
  std::string message;
};

struct OpenedEvidence {
  std::string path;    ///< the argument as given
  std::string kind;    ///< host | directory | archive | disk-image | ...
  std::string format;  ///< finer format name where there is one ("tar.zst")
  uint64_t size = 0;   ///< bytes of the container; 0 for folders
  std::string sha256;  ///< of the container, with OpenRequest::hash
  std::vector<EvidenceVolume> volumes;
  std::vector<OpenWarning> warnings;
  /// A live device read through its own tools (adb:): what it says it is,
  /// for the report's host fields as the live host's are.
  host::HostIdentity live_device;
};

/// A secret for encrypted volumes (--password, --recovery-key, --key-file),
/// tried on every encrypted volume until one opens it.
struct VolumeKey {
  enum class Kind { kPassword, kRecoveryKey, kKeyFile };
  Kind kind = Kind::kPassword;
  std::string secret;  ///< the password, recovery key, or key file's bytes
  std::string label;   ///< for messages: "--key-file /media/key.bek"
};

struct OpenRequest {
  std::string as_kind;              ///< --as; empty: detect
  std::vector<FileRequest> wanted;  ///< what the collectors will ask for
  bool hash = false;                ///< hash the container while reading it
  std::vector<VolumeKey> keys;       ///< for BitLocker and LUKS volumes
  bool shadow_copies = false;       ///< --shadow-copies: also each snapshot
  /// --allow-backing: folders outside the image's own where a QCOW2 image's
  /// backing file, or a VMDK's extent and parent files, may be read.
  std::vector<std::string> allow_backing;
  /// Called now and then while a container is read: bytes done of total.
  std::function<void(uint64_t done, uint64_t total)> progress;
};

/// Kinds `--as` accepts in this build.
const std::vector<std::string>& SupportedEvidenceKinds();

/// Opens `path`. Throws EvidenceError with a message naming the path and
/// what to do when it is missing, unreadable or of no kind this build reads
/// (exit code 3).
OpenedEvidence OpenEvidence(const std::string& path, const OpenRequest& request);

}  // namespace contraband
