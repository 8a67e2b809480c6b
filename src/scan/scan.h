// The whole scan as one library call: evidence and options in, a report out.
// It opens each evidence argument (and, when asked, the archives found inside
// folders), collects every volume's records, merges shadow-copy snapshots,
// matches, and assembles the report. The command line only turns options into
// a ScanRequest and the report into output and an exit code; tests, live
// devices and new report formats share this one entry point.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "evidence/source.h"
#include "report/report.h"

namespace contraband {

struct ScanRequest {
  std::vector<std::string> evidence;  ///< as given; empty means "/" (the host)
  const Catalog* catalog = nullptr;   ///< required
  std::vector<std::string> policies;  ///< only products these policies name
  bool match = true;                  ///< false: an inventory, no matching
  bool inventory = false;             ///< keep every record in the report
  bool residue = false;               ///< leftovers become findings too
  bool recurse_archives = false;      ///< archives inside folder evidence
  /// How each evidence is opened: keys, shadow copies, backing folders,
  /// hashing, progress. `wanted` is filled by Scan from the collectors.
  OpenRequest open;
};

/// What the caller hears while the scan runs; every member may be empty.
struct ScanListener {
  /// An evidence argument could not be opened, or nothing inside it could be
  /// read; the message says which and why (the verdict is incomplete).
  std::function<void(const std::string& message)> unreadable;
  /// An evidence argument is about to be opened.
  std::function<void(const std::string& path)> evidence_started;
  /// A line of detail for --verbose: what was read, how long it took.
  std::function<void(const std::string& line)> detail;
};

/// Runs the scan. Throws CatalogError when a policy is unknown. The report
/// is canonical (sorted); report.unreadable lists the evidence that could
/// not be read, and report.evidence is empty when none could.
Report Scan(const ScanRequest& request, const ScanListener& listener = {});

}  // namespace contraband
