// `contraband scan` and `contraband inventory`: options into a ScanRequest
// (scan/scan.h does the scan), the report into output and the exit code.
#include <cerrno>
#include <cstring>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/app.h"
#include "common/deadline.h"
#include "cli/options.h"
#include "catalog/catalog_signature.h"
#include "evidence/host/host_os.h"
#include "evidence/source.h"
#include "report/baseline.h"
#include "report/report.h"
#include "scan/scan.h"

namespace contraband {

const Catalog& SelectCatalog(const GlobalOptions& opts) {
  if (opts.catalogs.empty()) {
    if (!opts.catalog_key.empty()) {
      throw CatalogError({"--catalog-key " + opts.catalog_key +
                          ": checks the signature of a --catalog folder; "
                          "none was given"});
    }
    return EmbeddedCatalog();
  }
  // A signed catalog is checked before any of it is used.
  if (!opts.catalog_key.empty()) {
    for (const std::string& path : opts.catalogs) {
      VerifyCatalog(path, opts.catalog_key);
    }
  }
  static Catalog loaded;  // lives for the process, like the embedded one
  std::vector<CatalogFile> files;
  std::string source;
  for (const std::string& path : opts.catalogs) {
    for (CatalogFile& f : ReadCatalogPath(path)) {
      // Keep files of different catalog roots apart in the digest.
      if (opts.catalogs.size() > 1) f.path = path + "/" + f.path;
      files.push_back(std::move(f));
    }
    source += (source.empty() ? "" : ",") + path;
  }
  loaded = LoadCatalog(files, source);
  return loaded;
}

std::vector<std::string> RevokedPolicyWarnings(
    const Catalog& catalog, const std::vector<std::string>& ids) {
  std::vector<std::string> out;
  for (const std::string& id : ids) {
    const Policy* p = catalog.FindPolicy(id);
    if (!p || !p->status.Revoked()) continue;
    out.push_back("--policy " + id + " (" + p->instrument + ") was revoked on " +
                  p->status.revoked_date + " (" + p->status.revoked_source +
                  "); it is no longer in force, its products are still matched");
  }
  return out;
}

bool EmitOutput(const GlobalOptions& opts, const std::string& text) {
  if (opts.output.empty()) {
    if (!opts.quiet) std::cout << text << std::flush;
    return true;
  }
  std::ofstream out(opts.output, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    std::cerr << "contraband: cannot write the report to " << opts.output
              << "; check the folder exists and is writable\n";
    return false;
  }
  return true;
}

namespace {

// The keys for encrypted volumes, in the order they are tried: recovery
// keys, passwords, key files. A key file that cannot be read is a usage
// error: the user named it, and scanning without it would mislead.
bool AddVolumeKeys(const ScanOptions& opts, OpenRequest& request) {
  using Kind = VolumeKey::Kind;
  for (size_t i = 0; i < opts.recovery_keys.size(); ++i) {
    request.keys.push_back({Kind::kRecoveryKey, opts.recovery_keys[i],
                            "--recovery-key #" + std::to_string(i + 1)});
  }
  for (size_t i = 0; i < opts.passwords.size(); ++i) {
    request.keys.push_back({Kind::kPassword, opts.passwords[i],
                            "--password #" + std::to_string(i + 1)});
  }
  // Encrypted iPhone backups: a password kept out of the command line (and
  // so out of `ps` and shell history).
  if (const char* env = std::getenv("CONTRABAND_BACKUP_PASSWORD");
      env && *env) {
    request.keys.push_back({Kind::kPassword, env, "CONTRABAND_BACKUP_PASSWORD"});
  }
  // cryptsetup's own default bound on a key file.
  constexpr uint64_t kMaxKeyFileBytes = 8u << 20;
  for (const std::string& path : opts.key_files) {
    try {
      host::InputFile file(path);
      if (file.size() > kMaxKeyFileBytes) {
        std::cerr << "contraband: key file " << path << " is larger than 8 MiB;"
                  << " is it the right file?\n";
        return false;
      }
      std::string bytes(file.size(), '\0');
      bytes.resize(file.ReadAt(bytes.data(), bytes.size(), 0));
      request.keys.push_back({Kind::kKeyFile, bytes, "--key-file " + path});
    } catch (const EvidenceError& e) {
      std::cerr << "contraband: key file cannot be read: " << e.what() << "\n";
      return false;
    }
  }
  return true;
}

// The --baseline file (a JSON report: a few MB at most).
std::string ReadBaseline(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw BaselineError("the baseline " + path + " cannot be read: " +
                        std::strerror(errno) + "; give the JSON report of an "
                        "earlier scan");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

int RunScan(const GlobalOptions& global, const ScanOptions& opts) {
  if (opts.nice) {
    const std::string got = host::LowerPriority();
    if (global.verbose) std::cerr << "contraband: " << got << "\n";
  }
  SetDeadlineAfter(std::chrono::seconds(opts.max_runtime));
  ScanRequest request;
  request.evidence = opts.evidence;
  request.policies = opts.policies;
  request.match = opts.match;
  // A CycloneDX SBOM is the inventory.
  request.inventory = opts.inventory || global.format == "cyclonedx";
  request.residue = opts.residue;
  request.recurse_archives = opts.recurse_archives;
  if (!AddVolumeKeys(opts, request.open)) return kExitUsage;
  request.open.shadow_copies = opts.shadow_copies;
  request.open.allow_backing = opts.allow_backing;
  request.open.as_kind = opts.as_kind;
  request.open.hash = opts.hash;

  const bool show_progress =
      !global.quiet && !opts.no_progress &&
      (opts.progress || host::StderrIsTerminal());
  std::string progress_label;
  ScanListener listener;
  listener.unreadable = [](const std::string& message) {
    std::cerr << "contraband: " << message << "\n";
  };
  if (show_progress) {
    request.open.progress = [&progress_label](uint64_t done, uint64_t total) {
      std::cerr << "\rcontraband: " << progress_label << ": " << (done >> 20)
                << " of " << (total >> 20) << " MiB read";
      if (total > 0) std::cerr << " (" << done * 100 / total << "%)";
      std::cerr << "   " << std::flush;
    };
    listener.evidence_started = [&progress_label](const std::string& path) {
      progress_label = path;
      std::cerr << "contraband: scanning " << path << " ...\r" << std::flush;
    };
  }
  if (global.verbose) {
    listener.detail = [](const std::string& line) {
      std::cerr << "contraband: " << line << "\n";
    };
  }

  Report report;
  try {
    request.catalog = &SelectCatalog(global);
    report = Scan(request, listener);
    // A revoked measure still names its products, so the scan runs, but the
    // auditor must not cite it as law in force.
    for (const std::string& w :
         RevokedPolicyWarnings(*request.catalog, opts.policies)) {
      std::cerr << "contraband: warning: " << w << "\n";
      report.warnings.push_back({"", "", "catalog", w});
    }
  } catch (const CatalogError& e) {
    std::cerr << "contraband: the catalog cannot be used:\n" << e.what() << "\n";
    return kExitUsage;
  }
  if (show_progress) std::cerr << "\r" << std::string(72, ' ') << "\r";

  if (report.evidence.empty()) return kExitEvidence;  // nothing could be read
  const Confidence least = *ParseConfidence(opts.min_confidence);
  std::erase_if(report.findings,
                [least](const Finding& f) { return f.confidence > least; });
  report.stats.findings = report.findings.size();
  if (!opts.baseline.empty()) {
    try {
      ApplyBaseline(opts.baseline, ReadBaseline(opts.baseline), report);
    } catch (const BaselineError& e) {
      std::cerr << "contraband: " << e.what() << "\n";
      return kExitUsage;
    }
  }
  std::ostringstream text;
  WriteReport(report, *ParseReportFormat(global.format), text);
  if (!EmitOutput(global, text.str())) return kExitUsage;
  // Every argument must have been read for a clean verdict: a script told
  // "0" must be able to trust that all of its evidence was looked at.
  if (!report.unreadable.empty() || !report.stopped.empty()) {
    return kExitEvidence;
  }
  if (opts.fail_on == "none") return kExitClean;
  return report.HasInstalledFinding(*ParseConfidence(opts.fail_on),
                                    opts.fail_on_new)
             ? kExitBanned
             : kExitClean;
}

}  // namespace contraband
