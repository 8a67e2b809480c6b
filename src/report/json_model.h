// The JSON shape of report parts (schema contraband/report/v1), shared by the
// json, jsonl and sarif writers so each record is serialised in one place.
#pragma once

#include <nlohmann/json.hpp>

#include "report/report.h"

namespace contraband {

nlohmann::ordered_json SoftwareJson(const Software& sw);
nlohmann::ordered_json FindingJson(const Finding& f);
nlohmann::ordered_json WarningJson(const Warning& w);
nlohmann::ordered_json CatalogJson(const Report& r);
nlohmann::ordered_json ScanJson(const Report& r);
nlohmann::ordered_json StatsJson(const Report& r);
/// With --baseline: {"path", "new", "unchanged", "resolved": [...]}.
nlohmann::ordered_json BaselineJson(const Report& r);
nlohmann::ordered_json ResolvedJson(const ResolvedFinding& f);

}  // namespace contraband
