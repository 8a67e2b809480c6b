// CycloneDX 1.5 JSON, so an inventory goes into Dependency-Track and other
// SBOM tools: one component per installed software record, with a purl of
// the type the purl specification defines for its ecosystem (deb, rpm, apk,
// alpm) and pkg:generic for the rest: no invented types. Everything the
// record says beyond CycloneDX's fields is a `contraband:*` property.
#include <cctype>
#include <nlohmann/json.hpp>

#include "common/sha256.h"
#include "report/report.h"

namespace contraband {
namespace {

using nlohmann::ordered_json;

// Percent-encodes a purl name, version or qualifier value: everything but
// the unreserved characters (the purl specification allows more, never
// requires less).
std::string PurlEncode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// pkg:TYPE[/NAMESPACE]/NAME@VERSION[?arch=ARCH], types per the purl spec.
std::string Purl(const Software& sw) {
  std::string type = "generic", ns;
  if (sw.ecosystem == "dpkg") {
    type = "deb";
  } else if (sw.ecosystem == "rpm") {
    type = "rpm";
  } else if (sw.ecosystem == "apk") {
    type = "apk";
    ns = "alpine";
  } else if (sw.ecosystem == "pacman") {
    type = "alpm";
    ns = "arch";
  }
  std::string purl = "pkg:" + type + "/";
  if (!ns.empty()) purl += ns + "/";
  // A generic purl's name is the record's id: what the platform calls it.
  purl += PurlEncode(sw.id.empty() ? sw.name : sw.id);
  if (!sw.version.empty()) purl += "@" + PurlEncode(sw.version);
  if (!sw.arch.empty()) purl += "?arch=" + PurlEncode(sw.arch);
  return purl;
}

void Property(ordered_json& props, const char* name, const std::string& value) {
  if (!value.empty()) props.push_back({{"name", name}, {"value", value}});
}

ordered_json Component(const Software& sw, const std::string& ref) {
  ordered_json c = {{"type", "application"},
                    {"bom-ref", ref},
                    {"name", sw.name.empty() ? sw.id : sw.name}};
  if (!sw.version.empty()) c["version"] = sw.version;
  if (!sw.publisher.empty()) c["publisher"] = sw.publisher;
  c["purl"] = Purl(sw);
  ordered_json props = ordered_json::array();
  Property(props, "contraband:ecosystem", sw.ecosystem);
  Property(props, "contraband:id", sw.id);
  Property(props, "contraband:evidence", sw.evidence);
  Property(props, "contraband:volume", sw.volume);
  Property(props, "contraband:source", sw.source);
  Property(props, "contraband:source_key", sw.source_key);
  Property(props, "contraband:location", sw.location);
  Property(props, "contraband:user", sw.user);
  Property(props, "contraband:installed_at", sw.installed_at);
  Property(props, "contraband:last_used", sw.last_used);
  Property(props, "contraband:signer:team_id", sw.signer.team_id);
  Property(props, "contraband:signer:cert_sha256", sw.signer.cert_sha256);
  Property(props, "contraband:signer:subject", sw.signer.subject);
  Property(props, "contraband:store_id", sw.store_id);
  if (!sw.source_sha256.empty()) {
    Property(props, "contraband:source_sha256", sw.source_sha256);
  }
  c["properties"] = std::move(props);
  return c;
}

// A UUID made from the BOM's content (RFC 4122 layout, version 8: custom),
// so the same inventory gives the same serial number and reports stay
// deterministic, while different inventories differ.
std::string SerialNumber(const std::string& content) {
  std::string h = Sha256::Of(content).substr(0, 32);
  h[12] = '8';
  h[16] = "89ab"[std::stoi(h.substr(16, 1), nullptr, 16) & 3];
  return "urn:uuid:" + h.substr(0, 8) + "-" + h.substr(8, 4) + "-" +
         h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20, 12);
}

}  // namespace

void WriteCycloneDxReport(const Report& r, std::ostream& out) {
  ordered_json components = ordered_json::array();
  size_t left_out = 0;
  std::string content;
  for (const Software& sw : r.software) {
    // An SBOM lists what is there: removed software and leftovers are not
    // components (the JSON inventory has them).
    if (sw.state != SoftwareState::kInstalled) {
      ++left_out;
      continue;
    }
    const std::string ref = "contraband:" + std::to_string(components.size() + 1);
    components.push_back(Component(sw, ref));
    content += components.back().dump() + "\n";
  }
  ordered_json metadata = {
      {"timestamp", r.finished},
      {"tools",
       {{"components",
         {{{"type", "application"},
           {"name", "contraband"},
           {"version", r.tool_version}}}}}}};
  ordered_json props = ordered_json::array();
  std::string evidence;
  for (const EvidenceSummary& e : r.evidence) {
    evidence += (evidence.empty() ? "" : "; ") + e.path;
  }
  Property(props, "contraband:evidence", evidence);
  props.push_back({{"name", "contraband:not_installed_records"},
                   {"value", std::to_string(left_out)}});
  metadata["properties"] = std::move(props);
  ordered_json bom = {{"bomFormat", "CycloneDX"},
                      {"specVersion", "1.5"},
                      {"serialNumber", SerialNumber(evidence + "\n" + content)},
                      {"version", 1},
                      {"metadata", std::move(metadata)},
                      {"components", std::move(components)}};
  out << bom.dump(2, ' ', false, ordered_json::error_handler_t::replace) << "\n";
}

}  // namespace contraband
