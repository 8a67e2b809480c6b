#include "report/baseline.h"

#include <nlohmann/json.hpp>
#include <set>

namespace contraband {
namespace {

using nlohmann::json;

std::string Key(const std::string& product, const std::string& ecosystem,
                const std::string& id, const std::string& evidence,
                const std::string& volume, const std::string& source,
                const std::string& source_key, const std::string& user,
                const std::string& state) {
  std::string key;
  for (const std::string* part : {&product, &ecosystem, &id, &evidence, &volume,
                                  &source, &source_key, &user, &state}) {
    key += *part;
    key += '\x1f';
  }
  return key;
}

std::string KeyOf(const Finding& f) {
  const Software& sw = f.software;
  return Key(f.product->id, sw.ecosystem, sw.id, sw.evidence, sw.volume,
             sw.source, sw.source_key, sw.user, std::string(ToString(sw.state)));
}

std::string Text(const json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

void ApplyBaseline(const std::string& path, const std::string& baseline,
                   Report& report) {
  json j = json::parse(baseline, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object() ||
      Text(j, "schema") != "contraband/report/v1" ||
      !j.contains("findings") || !j["findings"].is_array()) {
    throw BaselineError(
        "the baseline " + path +
        " is not a JSON report of contraband (schema contraband/report/v1); "
        "give the file an earlier `contraband scan --format json` wrote");
  }
  std::set<std::string> now;
  for (const Finding& f : report.findings) now.insert(KeyOf(f));
  std::set<std::string> before;
  for (const json& f : j["findings"]) {
    if (!f.is_object() || !f.contains("software") ||
        !f["software"].is_object()) {
      throw BaselineError("the baseline " + path +
                          " has a finding without its software object");
    }
    const json& sw = f["software"];
    const std::string key =
        Key(Text(f, "product"), Text(sw, "ecosystem"), Text(sw, "id"),
            Text(sw, "evidence"), Text(sw, "volume"), Text(sw, "source"),
            Text(sw, "source_key"), Text(sw, "user"), Text(sw, "state"));
    if (!before.insert(key).second) continue;
    if (now.count(key) == 0) {
      report.resolved.push_back(
          {Text(f, "product"), Text(f, "confidence"), Text(sw, "ecosystem"),
           Text(sw, "id"), Text(sw, "version"), Text(sw, "state"),
           Text(sw, "evidence"), Text(sw, "volume"), Text(sw, "source"),
           Text(sw, "source_key"), Text(sw, "user")});
    }
  }
  for (Finding& f : report.findings) {
    f.baseline = before.count(KeyOf(f)) ? "unchanged" : "new";
  }
  report.baseline_path = path;
}

}  // namespace contraband
