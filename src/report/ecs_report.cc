// Elastic Common Schema lines for SIEMs (Elasticsearch, Splunk, ClickHouse):
// one JSON object per finding with ECS field names, so dashboards built on
// ECS work unchanged, and a last `event.kind: state` line summing the scan.
// Every field has one type whatever the evidence (schemas/ecs.schema.json);
// fields the evidence does not give are left out, never sent empty.
#include <nlohmann/json.hpp>

#include "common/sha256.h"
#include "report/json_model.h"
#include "report/report.h"

namespace contraband {
namespace {

using nlohmann::ordered_json;

// The ECS version the field names follow.
constexpr const char* kEcsVersion = "8.11.0";

// Elastic's detection-rule severities: low 21, medium 47, high 73.
int Severity(Confidence c) {
  switch (c) {
    case Confidence::kHigh:
      return 73;
    case Confidence::kMedium:
      return 47;
    case Confidence::kLow:
      return 21;
  }
  return 21;
}

bool IsIsoDate(const std::string& s) {
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

void SetIf(ordered_json& j, const char* key, const std::string& value) {
  if (!value.empty()) j[key] = value;
}

ordered_json Host(const Report& r) {
  ordered_json host = ordered_json::object();
  SetIf(host, "name", r.host.name);
  SetIf(host, "id", r.host.id);
  ordered_json os = ordered_json::object();
  SetIf(os, "name", r.host.os_name);
  SetIf(os, "version", r.host.os_version);
  SetIf(os, "family", r.host.os_family);
  if (!os.empty()) {
    // A live Linux host, or a phone read through adb (family "android",
    // one of ECS's os.type values).
    os["type"] = r.host.os_family == "android" ? "android" : "linux";
    host["os"] = std::move(os);
  }
  return host;
}

ordered_json Event(const char* kind, const char* dataset) {
  return {{"kind", kind},
          {"category", {"package"}},
          {"type", {"info"}},
          {"module", "contraband"},
          {"dataset", dataset}};
}

// Stable over re-runs of the same scan, so a SIEM deduplicates: the host
// (or the evidence when it is not the live host), the product, the
// software and the record that proves it.
std::string EventId(const Report& r, const Finding& f) {
  const Software& sw = f.software;
  std::string key = r.host.name.empty() ? sw.evidence : r.host.name;
  for (const std::string* part :
       {&f.product->id, &sw.ecosystem, &sw.id, &sw.volume, &sw.source,
        &sw.source_key, &sw.user}) {
    key += '\x1f';
    key += *part;
  }
  return Sha256::Of(key);
}

// The first policy with a source, else the product's first ban's source.
std::string Reference(const Report& r, const Finding& f) {
  for (const std::string& id : f.policies) {
    const Policy* p = r.catalog->FindPolicy(id);
    if (p && !p->source.empty()) return p->source;
  }
  for (const Ban& b : f.product->bans) {
    if (!b.source.empty()) return b.source;
  }
  return "";
}

ordered_json FindingLine(const Report& r, const Finding& f) {
  const Software& sw = f.software;
  ordered_json j;
  j["@timestamp"] = r.finished;
  j["ecs"] = {{"version", kEcsVersion}};
  j["event"] = Event("alert", "contraband.finding");
  j["event"]["id"] = EventId(r, f);
  j["event"]["severity"] = Severity(f.confidence);
  if (ordered_json host = Host(r); !host.empty()) j["host"] = std::move(host);
  ordered_json package = {{"name", sw.name.empty() ? sw.id : sw.name},
                          {"type", sw.ecosystem}};
  SetIf(package, "version", sw.version);
  SetIf(package, "architecture", sw.arch);
  SetIf(package, "path", sw.location);
  // package.installed is an ECS date: only a date that starts YYYY-MM-DD
  // goes there (the record's own text stays under contraband.software).
  if (IsIsoDate(sw.installed_at)) package["installed"] = sw.installed_at;
  j["package"] = std::move(package);
  ordered_json rule = {{"id", f.product->id},
                       {"name", f.product->name},
                       {"ruleset", "contraband catalog"},
                       {"version", r.catalog->version}};
  SetIf(rule, "reference", Reference(r, f));
  j["rule"] = std::move(rule);
  ordered_json file = {{"path", sw.source}};
  if (!sw.source_sha256.empty()) {
    file["hash"] = {{"sha256", sw.source_sha256}};
  }
  j["file"] = std::move(file);
  if (!sw.user.empty()) j["user"] = {{"name", sw.user}};
  ordered_json own = FindingJson(f);
  // ECS keeps one type per field: the summary line's contraband.baseline is
  // an object (counts, resolved findings), so a finding's word moves.
  if (auto it = own.find("baseline"); it != own.end()) {
    own["baseline_status"] = *it;
    own.erase("baseline");
  }
  own["catalog"] = CatalogJson(r);
  j["contraband"] = std::move(own);
  return j;
}

ordered_json SummaryLine(const Report& r) {
  const size_t installed = r.InstalledFindingCount();
  const char* verdict = !r.unreadable.empty() || !r.stopped.empty()
                            ? "incomplete"
                        : installed > 0       ? "banned-installed"
                                              : "clean";
  ordered_json j;
  j["@timestamp"] = r.finished;
  j["ecs"] = {{"version", kEcsVersion}};
  j["event"] = Event("state", "contraband.summary");
  j["event"]["start"] = r.started;
  j["event"]["end"] = r.finished;
  if (ordered_json host = Host(r); !host.empty()) j["host"] = std::move(host);
  ordered_json stats = StatsJson(r);
  stats["installed"] = installed;
  stats["warnings"] = r.warnings.size();
  j["contraband"] = {{"verdict", r.matching ? verdict : "inventory"},
                     {"tool", {{"name", "contraband"},
                               {"version", r.tool_version}}},
                     {"catalog", CatalogJson(r)},
                     {"scan", ScanJson(r)},
                     {"stats", std::move(stats)}};
  if (!r.baseline_path.empty()) j["contraband"]["baseline"] = BaselineJson(r);
  return j;
}

void Line(const ordered_json& j, std::ostream& out) {
  out << j.dump(-1, ' ', false, ordered_json::error_handler_t::replace)
      << "\n";
}

}  // namespace

void WriteEcsReport(const Report& r, std::ostream& out) {
  for (const Finding& f : r.findings) Line(FindingLine(r, f), out);
  Line(SummaryLine(r), out);
}

}  // namespace contraband
