// CSV (RFC 4180): one row per finding, then per software row with
// --inventory; the first column says which.
#include "report/report.h"

namespace contraband {
namespace {

std::string Cell(const std::string& s) {
  // A leading = + - @ would be run as a formula by spreadsheet programs;
  // evidence is adversarial, so such cells are prefixed with a quote.
  std::string v = s;
  if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@')) {
    v.insert(v.begin(), '\'');
  }
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

void Row(const std::vector<std::string>& cells, std::ostream& out) {
  for (size_t i = 0; i < cells.size(); ++i) {
    out << (i ? "," : "") << Cell(cells[i]);
  }
  out << "\r\n";
}

// Further files that prove the same record, ';'-separated (last column).
std::string AlsoSources(const Software& sw) {
  std::string out;
  for (const AlsoSource& a : sw.also_sources) {
    out += (out.empty() ? "" : ";") + a.path;
  }
  return out;
}

std::vector<std::string> SoftwareCells(const Software& sw) {
  return {sw.ecosystem, sw.id,        sw.name,           sw.version,
          sw.arch,      sw.publisher, sw.signer.team_id, sw.signer.cert_sha256,
          sw.signer.subject, sw.user, sw.location, sw.source, sw.evidence,
          std::string(ToString(sw.state)), AlsoSources(sw)};
}

}  // namespace

void WriteCsvReport(const Report& r, std::ostream& out) {
  Row({"type", "product", "confidence", "policies", "matched_field",
       "matched_pattern", "ecosystem", "id", "name", "version", "arch",
       "publisher", "team_id", "cert_sha256", "subject", "user", "location",
       "source", "evidence", "state", "also_sources", "baseline"},
      out);
  for (const Finding& f : r.findings) {
    std::string policies;
    for (const std::string& p : f.policies) {
      policies += (policies.empty() ? "" : ";") + p;
    }
    std::vector<std::string> cells = {"finding", f.product->id,
                                      std::string(ToString(f.confidence)),
                                      policies, f.field, f.pattern};
    for (std::string& c : SoftwareCells(f.software)) cells.push_back(std::move(c));
    cells.push_back(f.baseline);
    Row(cells, out);
  }
  // Findings of the --baseline report that are gone: what it recorded.
  for (const ResolvedFinding& f : r.resolved) {
    Row({"resolved", f.product, f.confidence, "", "", "", f.ecosystem, f.id, "",
         f.version, "", "", "", "", "", f.user, "", f.source, f.evidence,
         f.state, "", "resolved"},
        out);
  }
  if (r.include_software) {
    for (const Software& sw : r.software) {
      std::vector<std::string> cells = {"software", "", "", "", "", ""};
      for (std::string& c : SoftwareCells(sw)) cells.push_back(std::move(c));
      Row(cells, out);
    }
  }
}

}  // namespace contraband
