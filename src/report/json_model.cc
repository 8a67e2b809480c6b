#include "report/json_model.h"

namespace contraband {

using nlohmann::ordered_json;

ordered_json SoftwareJson(const Software& sw) {
  ordered_json j;
  j["ecosystem"] = sw.ecosystem;
  j["id"] = sw.id;
  j["name"] = sw.name;
  j["version"] = sw.version;
  j["arch"] = sw.arch;
  j["publisher"] = sw.publisher;
  j["signer"] = {{"team_id", sw.signer.team_id},
                 {"cert_sha256", sw.signer.cert_sha256},
                 {"subject", sw.signer.subject}};
  if (!sw.signer.cert_lineage.empty()) {
    j["signer"]["cert_lineage"] = sw.signer.cert_lineage;
  }
  if (!sw.store_id.empty()) j["store_id"] = sw.store_id;
  j["user"] = sw.user;
  j["location"] = sw.location;
  if (!sw.file_sha1.empty()) j["file_sha1"] = sw.file_sha1;
  j["source"] = sw.source;
  if (!sw.source_key.empty()) j["source_key"] = sw.source_key;
  if (!sw.uninstall_command.empty()) {
    j["uninstall_command"] = sw.uninstall_command;
  }
  if (!sw.source_sha256.empty()) j["source_sha256"] = sw.source_sha256;
  if (!sw.also_sources.empty()) {
    ordered_json also = ordered_json::array();
    for (const AlsoSource& a : sw.also_sources) {
      ordered_json one = {{"path", a.path}};
      if (!a.sha256.empty()) one["sha256"] = a.sha256;
      also.push_back(std::move(one));
    }
    j["also_sources"] = std::move(also);
  }
  j["evidence"] = sw.evidence;
  j["volume"] = sw.volume;
  j["state"] = ToString(sw.state);
  if (!sw.installed_at.empty()) j["installed_at"] = sw.installed_at;
  if (!sw.removed_at.empty()) j["removed_at"] = sw.removed_at;
  if (!sw.last_seen.empty()) j["last_seen"] = sw.last_seen;
  if (!sw.last_used.empty()) j["last_used"] = sw.last_used;
  return j;
}

ordered_json FindingJson(const Finding& f) {
  ordered_json j;
  j["product"] = f.product->id;
  j["product_name"] = f.product->name;
  j["vendor"] = f.product->vendor;
  j["policies"] = f.policies;
  j["confidence"] = ToString(f.confidence);
  j["matched"] = {{"field", f.field}, {"pattern", f.pattern}};
  if (!f.signer_discrepancy.empty()) j["signer_discrepancy"] = f.signer_discrepancy;
  j["software"] = SoftwareJson(f.software);
  if (!f.baseline.empty()) j["baseline"] = f.baseline;
  return j;
}

ordered_json ResolvedJson(const ResolvedFinding& f) {
  ordered_json j = {{"product", f.product},
                    {"confidence", f.confidence},
                    {"ecosystem", f.ecosystem},
                    {"id", f.id},
                    {"version", f.version},
                    {"state", f.state},
                    {"evidence", f.evidence},
                    {"volume", f.volume},
                    {"source", f.source}};
  if (!f.source_key.empty()) j["source_key"] = f.source_key;
  j["user"] = f.user;
  return j;
}

ordered_json BaselineJson(const Report& r) {
  size_t fresh = 0;
  for (const Finding& f : r.findings) fresh += f.baseline == "new";
  ordered_json resolved = ordered_json::array();
  for (const ResolvedFinding& f : r.resolved) resolved.push_back(ResolvedJson(f));
  return {{"path", r.baseline_path},
          {"new", fresh},
          {"unchanged", r.findings.size() - fresh},
          {"resolved", std::move(resolved)}};
}

ordered_json WarningJson(const Warning& w) {
  return {{"evidence", w.evidence},
          {"path", w.path},
          {"collector", w.collector},
          {"message", w.message}};
}

ordered_json CatalogJson(const Report& r) {
  return {{"version", r.catalog->version},
          {"sha256", r.catalog->sha256},
          {"source", r.catalog->source},
          {"products", r.catalog->products.size()}};
}

ordered_json ScanJson(const Report& r) {
  ordered_json evidence = ordered_json::array();
  for (const EvidenceSummary& e : r.evidence) {
    ordered_json j{{"path", e.path},
                   {"kind", e.kind},
                   {"format", e.format},
                   {"size", e.size}};
    if (!e.sha256.empty()) j["sha256"] = e.sha256;
    j["volumes"] = ordered_json::array();
    for (const EvidenceSummary::Volume& v : e.volumes) {
      j["volumes"].push_back({{"name", v.name}, {"chain", v.chain}});
    }
    for (const Device& d : e.devices) {
      j["devices"].push_back({{"manufacturer", d.manufacturer},
                              {"model", d.model},
                              {"os_version", d.os_version},
                              {"build_fingerprint", d.build_fingerprint},
                              {"serial", d.serial},
                              {"source", d.source},
                              {"volume", d.volume}});
    }
    evidence.push_back(std::move(j));
  }
  ordered_json scan{{"started", r.started},
                    {"finished", r.finished},
                    {"evidence", std::move(evidence)}};
  if (!r.unreadable.empty()) scan["unreadable"] = r.unreadable;
  if (!r.stopped.empty()) scan["stopped"] = r.stopped;
  return scan;
}

ordered_json StatsJson(const Report& r) {
  return {{"software", r.stats.software},
          {"findings", r.stats.findings},
          {"files_read", r.stats.files_read},
          {"bytes_read", r.stats.bytes_read},
          {"duration_ms", r.stats.duration_ms}};
}

}  // namespace contraband
