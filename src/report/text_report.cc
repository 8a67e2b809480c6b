// The human report: a table of findings, then warnings and a verdict line.
#include <algorithm>

#include "report/report.h"

namespace contraband {
namespace {

// Pads by display columns, counting UTF-8 continuation bytes as zero width.
size_t Width(const std::string& s) {
  size_t w = 0;
  for (unsigned char c : s) w += (c & 0xC0) != 0x80;
  return w;
}

void Table(const std::vector<std::vector<std::string>>& rows, std::ostream& out) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], Width(row[i]));
    }
  }
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line.append(widths[i] - Width(row[i]) + 2, ' ');
    }
    out << line << "\n";
  }
}

std::string Where(const Software& sw, bool several_evidence) {
  std::string where = sw.source;
  if (!sw.source_key.empty()) where += " [" + sw.source_key + "]";
  for (const AlsoSource& a : sw.also_sources) where += " + " + a.path;
  // Inside a partition the volume names where: "#p1:/var/lib/dpkg/status".
  if (!sw.volume.empty()) where = "#" + sw.volume + ":" + where;
  if (several_evidence) where = sw.evidence + (sw.volume.empty() ? ":" : "") + where;
  if (!sw.user.empty()) where += " (user " + sw.user + ")";
  return where;
}

// Under the findings, the policies that ban each product found, so a reader
// of the text report need not look the catalog up: "kaspersky:" then one
// line per policy with its date, name and source.
void WhyBanned(const Report& r, std::ostream& out) {
  std::vector<const Finding*> firsts;  // one finding per product, in order
  for (const Finding& f : r.findings) {
    if (std::none_of(firsts.begin(), firsts.end(), [&](const Finding* g) {
          return g->product == f.product;
        })) {
      firsts.push_back(&f);
    }
  }
  out << "\nWhy banned:\n";
  for (const Finding* f : firsts) {
    out << "  " << f->product->id << " (" << f->product->name << "):";
    if (f->policies.empty()) out << " no policy of this catalog names it";
    out << "\n";
    for (const std::string& id : f->policies) {
      const Policy* p = r.catalog->FindPolicy(id);
      if (!p) continue;
      out << "    " << p->id << " (" << (p->date.empty() ? "undated" : p->date)
          << "): " << p->name;
      if (!p->source.empty()) out << " <" << p->source << ">";
      out << "\n";
    }
  }
}

// What --baseline had that this scan no longer finds.
void Resolved(const Report& r, std::ostream& out) {
  out << "\nResolved since the baseline " << r.baseline_path << " ("
      << r.resolved.size() << ")" << (r.resolved.empty() ? "" : ":") << "\n";
  for (const ResolvedFinding& f : r.resolved) {
    out << "  " << f.product << ": " << f.id << " (" << f.ecosystem << ") "
        << (f.version.empty() ? "-" : f.version) << " " << f.state << " "
        << (f.volume.empty() ? "" : "#" + f.volume + ":") << f.source
        << (f.user.empty() ? "" : " (user " + f.user + ")") << "\n";
  }
}

}  // namespace

void WriteTextReport(const Report& r, std::ostream& out) {
  const bool several = r.evidence.size() > 1;
  out << "contraband " << r.tool_version << ", catalog " << r.catalog->version
      << " (" << r.catalog->source << ", " << r.catalog->products.size()
      << " products, sha256 " << r.catalog->sha256 << ")\n";
  for (const EvidenceSummary& e : r.evidence) {
    out << "evidence: " << e.path << " (" << e.kind;
    if (!e.format.empty() && e.format != e.kind) out << ", " << e.format;
    out << ")";
    if (!e.sha256.empty()) out << " sha256 " << e.sha256;
    out << "\n";
    // A disk's layers, which a folder or an archive does not have.
    if (e.kind == "disk-image") {
      for (const EvidenceSummary::Volume& v : e.volumes) {
        out << "  volume " << (v.name.empty() ? "(whole image)" : v.name)
            << ": " << v.chain << "\n";
      }
      if (e.volumes.empty()) out << "  no volume could be read\n";
    }
    for (const Device& d : e.devices) {
      out << "  device: " << DescribeDevice(d) << " ("
          << (d.volume.empty() ? "" : "#" + d.volume + ":") << d.source
          << ")\n";
    }
  }
  out << "\n";

  if (r.matching) {
    if (r.findings.empty()) {
      out << "No banned software found.\n";
    } else {
      std::vector<std::vector<std::string>> rows = {
          {"PRODUCT", "SOFTWARE", "VERSION", "STATE", "WHERE", "RULE"}};
      for (const Finding& f : r.findings) {
        const Software& sw = f.software;
        rows.push_back({f.product->id, sw.id + " (" + sw.ecosystem + ")",
                        sw.version.empty() ? "-" : sw.version,
                        std::string(ToString(sw.state)) +
                            (f.baseline == "new" ? " (new)" : ""),
                        Where(sw, several),
                        f.field + " " + std::string(ToString(f.rule->op)) + " " +
                            f.pattern + " (" +
                            std::string(ToString(f.confidence)) + ")"});
      }
      Table(rows, out);
      for (const Finding& f : r.findings) {
        if (f.signer_discrepancy.empty()) continue;
        out << "  ! " << f.product->id << ": " << f.software.id << " "
            << f.signer_discrepancy << "\n";
      }
      // When a banned app was last in use is worth a line of its own.
      for (const Finding& f : r.findings) {
        if (f.software.last_used.empty()) continue;
        out << "  " << f.product->id << ": " << f.software.id << " last used "
            << f.software.last_used
            << (f.software.user.empty() ? "" : " by user " + f.software.user)
            << "\n";
      }
      // So is the last moment the evidence shows a removed app present (a
      // shadow copy's time, a TCC.db decision).
      for (const Finding& f : r.findings) {
        if (f.software.last_seen.empty()) continue;
        out << "  " << f.product->id << ": " << f.software.id << " last seen "
            << f.software.last_seen
            << (f.software.user.empty() ? "" : " (user " + f.software.user + ")")
            << "\n";
      }
      WhyBanned(r, out);
    }
    if (!r.baseline_path.empty()) Resolved(r, out);
  }
  if (r.include_software) {
    if (r.matching) out << "\n";
    out << "Software (" << r.software.size() << "):\n";
    std::vector<std::vector<std::string>> rows = {
        {"ECOSYSTEM", "ID", "VERSION", "STATE", "WHERE"}};
    for (const Software& sw : r.software) {
      rows.push_back({sw.ecosystem, sw.id, sw.version.empty() ? "-" : sw.version,
                      std::string(ToString(sw.state)), Where(sw, several)});
    }
    Table(rows, out);
  }
  if (!r.warnings.empty()) {
    out << "\nWarnings (" << r.warnings.size() << "):\n";
    for (const Warning& w : r.warnings) {
      out << "  " << (several ? w.evidence + ":" : "") << w.path << " ["
          << w.collector << "]: " << w.message << "\n";
    }
  }
  const size_t installed = r.InstalledFindingCount();
  out << "\n";
  if (r.matching) {
    out << r.findings.size() << " finding" << (r.findings.size() == 1 ? "" : "s")
        << " (" << installed << " installed), ";
  }
  out << r.stats.software << " software records, " << r.warnings.size()
      << " warning" << (r.warnings.size() == 1 ? "" : "s") << ", "
      << r.stats.duration_ms << " ms\n";
  if (r.matching) {
    out << (installed > 0 ? "Verdict: banned software is installed"
                          : "Verdict: no banned software installed");
    if (r.unreadable.empty() && r.stopped.empty()) {
      out << ".\n";
    } else {
      // A clean verdict on part of the evidence is not a clean verdict.
      out << " in what could be read; INCOMPLETE:";
      if (!r.unreadable.empty()) {
        out << " nothing was read from";
        for (const std::string& path : r.unreadable) out << " " << path;
        if (!r.stopped.empty()) out << ";";
      }
      if (!r.stopped.empty()) {
        out << " --max-runtime stopped the scan, so these were read in part "
               "or not at all:";
        for (const std::string& path : r.stopped) out << " " << path;
      }
      out << "\n";
    }
  }
}

}  // namespace contraband
