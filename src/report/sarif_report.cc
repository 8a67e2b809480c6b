// SARIF 2.1.0, for code-scanning dashboards: one rule per catalog product, one
// result per finding, located at the record file that proves it.
#include "report/json_model.h"

namespace contraband {

using nlohmann::ordered_json;

void WriteSarifReport(const Report& r, std::ostream& out) {
  ordered_json rules = ordered_json::array();
  for (const Product& p : r.catalog->products) {
    rules.push_back({{"id", p.id},
                     {"name", p.name},
                     {"shortDescription", {{"text", p.name + " (" + p.vendor + ")"}}},
                     {"properties", {{"policies", r.catalog->PoliciesFor(p.id)}}}});
  }
  ordered_json results = ordered_json::array();
  for (const Finding& f : r.findings) {
    const Software& sw = f.software;
    results.push_back(
        {{"ruleId", f.product->id},
         {"level", sw.state == SoftwareState::kInstalled ? "error" : "note"},
         {"message",
          {{"text", f.product->name + ": " + sw.ecosystem + " " + sw.id + " " +
                        sw.version + " (" + std::string(ToString(sw.state)) +
                        ")"}}},
         {"locations",
          {{{"physicalLocation",
             {{"artifactLocation",
               {{"uri", sw.volume.empty() ? sw.source
                                          : "#" + sw.volume + ":" + sw.source}}}}}}}},
         {"properties", FindingJson(f)}});
    if (!f.baseline.empty()) results.back()["baselineState"] = f.baseline;
  }
  // SARIF's own way to say a result of the baseline is gone.
  for (const ResolvedFinding& f : r.resolved) {
    results.push_back(
        {{"ruleId", f.product},
         {"level", "none"},
         {"baselineState", "absent"},
         {"message",
          {{"text", f.product + ": " + f.ecosystem + " " + f.id + " " +
                        f.version + " (" + f.state + ", resolved)"}}},
         {"locations",
          {{{"physicalLocation",
             {{"artifactLocation",
               {{"uri", f.volume.empty() ? f.source
                                         : "#" + f.volume + ":" + f.source}}}}}}}},
         {"properties", ResolvedJson(f)}});
  }
  ordered_json sarif = {
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs",
       {{{"tool",
          {{"driver",
            {{"name", "contraband"},
             {"version", r.tool_version},
             {"rules", std::move(rules)}}}}},
         {"results", std::move(results)}}}}};
  out << sarif.dump(2, ' ', false, ordered_json::error_handler_t::replace)
      << "\n";
}

}  // namespace contraband
