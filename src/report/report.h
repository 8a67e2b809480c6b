// What a scan produced, and the writers that render it. Every format is
// deterministic: findings, software and warnings are sorted before writing.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/matcher.h"
#include "evidence/host/host_os.h"
#include "scan/scanner.h"
#include "scan/software.h"

namespace contraband {

struct EvidenceSummary {
  std::string path, kind, format;
  uint64_t size = 0;
  std::string sha256;  ///< with --hash
  struct Volume {
    std::string name;   ///< "" for the evidence itself, else "p2", "vg0/root"
    std::string chain;  ///< layers that led to it: "gpt > ext4"
  };
  std::vector<Volume> volumes;
  /// What the evidence says about the device (a phone's getprop.txt or
  /// build.prop); see scan/device.h. (Defaulted, so brace lists that stop
  /// at `volumes` still compile warning-free.)
  std::vector<Device> devices = {};
};

/// One line for a device: "samsung SM-A520F, Android 8.1.0, serial X,
/// build FINGERPRINT", leaving out what is not known.
std::string DescribeDevice(const Device& d);

struct ScanStats {
  uint64_t software = 0, findings = 0, files_read = 0, bytes_read = 0,
           duration_ms = 0;
};

/// A finding of the --baseline report that this scan no longer has, as the
/// baseline recorded it.
struct ResolvedFinding {
  std::string product, confidence, ecosystem, id, version, state, evidence,
      volume, source, source_key, user;
};

struct Report {
  std::string tool_version;
  const Catalog* catalog = nullptr;
  bool matching = true;  ///< false for `contraband inventory`
  std::string started, finished;
  std::vector<EvidenceSummary> evidence;
  /// Evidence arguments that could not be opened, or in which nothing could
  /// be read: the verdict covers only the rest (exit status 3).
  std::vector<std::string> unreadable;
  /// Evidence arguments --max-runtime stopped the scan in or before: read
  /// in part or not at all (exit status 3).
  std::vector<std::string> stopped;
  std::vector<Finding> findings;
  bool include_software = false;
  std::vector<Software> software;
  std::vector<Warning> warnings;
  ScanStats stats;
  /// The live host, when one evidence argument is the host itself (empty
  /// otherwise): ECS host.* fields.
  host::HostIdentity host;
  /// With --baseline: its path (every finding then has Finding::baseline)
  /// and its findings that are gone.
  std::string baseline_path;
  std::vector<ResolvedFinding> resolved;

  /// Sorts findings, software and warnings into their canonical order.
  void Canonicalize();
  /// Whether any finding of at least confidence `least` is of installed
  /// software (exit code 1); with `only_new`, only findings new since the
  /// baseline count.
  bool HasInstalledFinding(Confidence least = Confidence::kLow,
                           bool only_new = false) const;
  /// Findings of software in state installed.
  size_t InstalledFindingCount() const;
};

enum class ReportFormat {
  kText, kJson, kJsonl, kCsv, kSarif, kEcs, kCycloneDx, kHtml
};

/// Parses "text", "json", ...; nullopt for an unknown name.
std::optional<ReportFormat> ParseReportFormat(std::string_view name);

void WriteReport(const Report& report, ReportFormat format, std::ostream& out);

// One writer per format (report/<format>_report.cc).
void WriteTextReport(const Report& report, std::ostream& out);
void WriteJsonReport(const Report& report, std::ostream& out);
void WriteJsonlReport(const Report& report, std::ostream& out);
void WriteCsvReport(const Report& report, std::ostream& out);
void WriteSarifReport(const Report& report, std::ostream& out);
void WriteEcsReport(const Report& report, std::ostream& out);
void WriteCycloneDxReport(const Report& report, std::ostream& out);
void WriteHtmlReport(const Report& report, std::ostream& out);

}  // namespace contraband
