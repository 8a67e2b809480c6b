// The scan core: runs the collectors over one evidence Vfs. It asks every
// collector which files it wants, reads each wanted file once, and hands it to
// the collectors that asked, catching every parse or read error at the file
// boundary as a warning.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "collectors/registry.h"
#include "evidence/vfs.h"
#include "scan/device.h"
#include "scan/software.h"

namespace contraband {

/// A problem that did not stop the scan: a damaged record, an unreadable file.
struct Warning {
  std::string evidence;
  std::string path;
  std::string collector;
  std::string message;
  auto SortKey() const { return std::tie(evidence, path, collector, message); }
};

struct CollectResult {
  std::vector<Software> software;  ///< empty when a consumer took them
  std::vector<Warning> warnings;
  /// With CollectOptions::hash: the SHA-256 of every file read (whole, or
  /// streamed to its end), by evidence path.
  std::map<std::string, std::string> digests;
  /// What collectors said about the device (CollectorSink::Describe),
  /// sorted, each once.
  std::vector<Device> devices;
};

/// Receives each record as soon as its collector reports it.
using SoftwareConsumer = std::function<void(Software software)>;

struct CollectOptions {
  /// The partition or volume inside the evidence, empty when the evidence is
  /// one filesystem. With a volume, locations read "EVIDENCE#VOLUME:/path".
  std::string volume;
  /// Every record whose source is a file read here carries that file's
  /// SHA-256, computed from the same bytes the collector parsed.
  bool hash = false;
  /// For collectors driven by the catalog (install markers); they are
  /// skipped without one.
  const Catalog* catalog = nullptr;
};

/// Runs `collectors` over `vfs`, labelling every record and warning with
/// `evidence` (the evidence argument as given).
CollectResult CollectSoftware(Vfs& vfs, const std::string& evidence,
                              const std::vector<CollectorInfo>& collectors,
                              const CollectOptions& options = {});

/// The same, but every record goes to `consume` as it is collected instead
/// of into the result, so a caller that keeps only some (the findings) needs
/// memory for one record, not for all: with a streamed file (dpkg's status)
/// memory does not grow with the evidence. Records reach `consume` without
/// source_sha256, since a streamed file's digest is known only at its end:
/// with options.hash, set it on the records kept with FillSourceSha256 and
/// the result's digests.
CollectResult CollectSoftware(Vfs& vfs, const std::string& evidence,
                              const std::vector<CollectorInfo>& collectors,
                              const CollectOptions& options,
                              const SoftwareConsumer& consume);

/// Sets sw.source_sha256 when its source is a file in `digests`.
void FillSourceSha256(const std::map<std::string, std::string>& digests,
                      Software& sw);

/// Every file request of `collectors`, for sources that must know in advance
/// which files to keep (a tar is read in one pass).
std::vector<FileRequest> AllRequests(const std::vector<CollectorInfo>& collectors,
                                     const Catalog* catalog = nullptr);

}  // namespace contraband
