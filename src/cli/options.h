// Options shared by the commands, filled by CLI11 in app.cc.
#pragma once

#include <string>
#include <vector>

#include "catalog/catalog.h"

namespace contraband {

struct GlobalOptions {
  std::string format = "text";
  std::string output;  ///< -o FILE; empty for stdout
  std::vector<std::string> catalogs;
  std::string catalog_key;  ///< --catalog-key PUB.pem: each --catalog must be signed by it
  bool quiet = false;
  bool verbose = false;
};

struct ScanOptions {
  std::vector<std::string> evidence;
  std::vector<std::string> policies;
  bool inventory = false;  ///< also report every Software record
  bool match = true;       ///< false for `contraband inventory`
  bool residue = false;    ///< also report leftovers (state residue) as findings
  /// Least confidence of an installed finding that makes exit status 1
  /// ("high", "medium", "low"), or "none".
  std::string fail_on = "low";
  std::string min_confidence = "low";  ///< findings below it are left out
  std::string baseline;      ///< an earlier JSON report to compare with
  bool fail_on_new = false;  ///< only new findings give exit status 1
  bool nice = false;         ///< lowest CPU and I/O priority
  unsigned max_runtime = 0;  ///< seconds; 0: no limit
  std::string as_kind;
  bool hash = false;  ///< SHA-256 of containers and of files proving findings
  bool recurse_archives = false;  ///< scan archives found in folders too
  bool progress = false;
  bool no_progress = false;
  bool shadow_copies = false;  ///< also scan each Volume Shadow Copy
  std::vector<std::string> allow_backing;  ///< folders for QCOW2 backing files
  std::vector<std::string> passwords;      ///< BitLocker or LUKS passphrases
  std::vector<std::string> recovery_keys;  ///< BitLocker recovery passwords
  std::vector<std::string> key_files;      ///< .BEK startup keys, LUKS key files
};

/// The catalog chosen by --catalog, or the embedded one. Throws CatalogError.
const Catalog& SelectCatalog(const GlobalOptions& opts);

/// Writes `text` to -o FILE or stdout. Returns false (after saying why on
/// stderr) when the file cannot be written.
bool EmitOutput(const GlobalOptions& opts, const std::string& text);

int RunScan(const GlobalOptions& global, const ScanOptions& scan);
int RunCatalogList(const GlobalOptions& global);
int RunCatalogShow(const GlobalOptions& global, const std::string& id);
int RunCatalogValidate(const GlobalOptions& global, const std::string& path);
int RunVersion(const GlobalOptions& global);
int RunCollectors(const GlobalOptions& global, bool with_requests);
int RunCatalogCoverage(const GlobalOptions& global);
int RunCatalogSign(const GlobalOptions& global, const std::string& dir,
                   const std::string& key);
int RunCatalogVerify(const GlobalOptions& global, const std::string& path,
                     const std::string& key);
/// The --policy ids of `scan` that name a revoked measure, each with a
/// sentence saying when and where it was revoked.
std::vector<std::string> RevokedPolicyWarnings(const Catalog& catalog,
                                               const std::vector<std::string>& ids);

}  // namespace contraband
