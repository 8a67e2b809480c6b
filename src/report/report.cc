#include "report/report.h"

#include <algorithm>

namespace contraband {

void Report::Canonicalize() {
  std::sort(findings.begin(), findings.end(),
            [](const Finding& a, const Finding& b) {
              return std::tuple_cat(std::tie(a.product->id),
                                    a.software.SortKey()) <
                     std::tuple_cat(std::tie(b.product->id),
                                    b.software.SortKey());
            });
  std::sort(software.begin(), software.end(),
            [](const Software& a, const Software& b) {
              return a.SortKey() < b.SortKey();
            });
  std::sort(warnings.begin(), warnings.end(),
            [](const Warning& a, const Warning& b) {
              return a.SortKey() < b.SortKey();
            });
}

bool Report::HasInstalledFinding(Confidence least, bool only_new) const {
  return std::any_of(findings.begin(), findings.end(), [&](const Finding& f) {
    return f.software.state == SoftwareState::kInstalled &&
           f.confidence <= least &&  // kHigh is the least value
           (!only_new || f.baseline != "unchanged");
  });
}

size_t Report::InstalledFindingCount() const {
  return static_cast<size_t>(
      std::count_if(findings.begin(), findings.end(), [](const Finding& f) {
        return f.software.state == SoftwareState::kInstalled;
      }));
}

std::optional<ReportFormat> ParseReportFormat(std::string_view name) {
  if (name == "text") return ReportFormat::kText;
  if (name == "json") return ReportFormat::kJson;
  if (name == "jsonl") return ReportFormat::kJsonl;
  if (name == "csv") return ReportFormat::kCsv;
  if (name == "sarif") return ReportFormat::kSarif;
  if (name == "ecs") return ReportFormat::kEcs;
  if (name == "cyclonedx") return ReportFormat::kCycloneDx;
  if (name == "html") return ReportFormat::kHtml;
  return std::nullopt;
}

std::string DescribeDevice(const Device& d) {
  std::string out = d.manufacturer;
  if (!d.model.empty()) out += (out.empty() ? "" : " ") + d.model;
  auto part = [&](const std::string& label, const std::string& value) {
    if (value.empty()) return;
    out += (out.empty() ? "" : ", ") + label + value;
  };
  // The OS by the maker: an iPhone's version is iOS's.
  part(d.manufacturer == "Apple" ? "iOS " : "Android ", d.os_version);
  part("serial ", d.serial);
  part("build ", d.build_fingerprint);
  return out;
}

void WriteReport(const Report& report, ReportFormat format, std::ostream& out) {
  switch (format) {
    case ReportFormat::kText:
      return WriteTextReport(report, out);
    case ReportFormat::kJson:
      return WriteJsonReport(report, out);
    case ReportFormat::kJsonl:
      return WriteJsonlReport(report, out);
    case ReportFormat::kCsv:
      return WriteCsvReport(report, out);
    case ReportFormat::kSarif:
      return WriteSarifReport(report, out);
    case ReportFormat::kEcs:
      return WriteEcsReport(report, out);
    case ReportFormat::kCycloneDx:
      return WriteCycloneDxReport(report, out);
    case ReportFormat::kHtml:
      return WriteHtmlReport(report, out);
  }
}

}  // namespace contraband
