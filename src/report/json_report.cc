#include "report/json_model.h"

namespace contraband {

using nlohmann::ordered_json;

void WriteJsonReport(const Report& r, std::ostream& out) {
  ordered_json j;
  j["schema"] = "contraband/report/v1";
  j["tool"] = {{"name", "contraband"}, {"version", r.tool_version}};
  j["catalog"] = CatalogJson(r);
  j["scan"] = ScanJson(r);
  j["findings"] = ordered_json::array();
  for (const Finding& f : r.findings) j["findings"].push_back(FindingJson(f));
  if (r.include_software) {
    j["software"] = ordered_json::array();
    for (const Software& s : r.software) j["software"].push_back(SoftwareJson(s));
  }
  j["warnings"] = ordered_json::array();
  for (const Warning& w : r.warnings) j["warnings"].push_back(WarningJson(w));
  if (!r.baseline_path.empty()) j["baseline"] = BaselineJson(r);
  j["stats"] = StatsJson(r);
  // Invalid UTF-8 in evidence strings is replaced, never a crash.
  out << j.dump(2, ' ', false, ordered_json::error_handler_t::replace) << "\n";
}

void WriteJsonlReport(const Report& r, std::ostream& out) {
  auto line = [&](const char* type, ordered_json body) {
    ordered_json j{{"type", type}};
    for (auto& [k, v] : body.items()) j[k] = v;
    out << j.dump(-1, ' ', false, ordered_json::error_handler_t::replace)
        << "\n";
  };
  for (const Finding& f : r.findings) line("finding", FindingJson(f));
  if (r.include_software) {
    for (const Software& s : r.software) line("software", SoftwareJson(s));
  }
  for (const Warning& w : r.warnings) line("warning", WarningJson(w));
  for (const ResolvedFinding& f : r.resolved) line("resolved", ResolvedJson(f));
  line("summary", {{"schema", "contraband/report/v1"},
                   {"tool", {{"name", "contraband"}, {"version", r.tool_version}}},
                   {"catalog", CatalogJson(r)},
                   {"scan", ScanJson(r)},
                   {"stats", StatsJson(r)}});
}

}  // namespace contraband
