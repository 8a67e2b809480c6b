// `contraband catalog list|show|validate` and `--version`.
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/app.h"
#include "cli/library_versions.h"
#include "cli/options.h"

namespace contraband {
namespace {

using nlohmann::ordered_json;

const Catalog* CatalogOrComplain(const GlobalOptions& g) {
  try {
    return &SelectCatalog(g);
  } catch (const CatalogError& e) {
    std::cerr << "contraband: the catalog cannot be used:\n" << e.what() << "\n";
    return nullptr;
  }
}

ordered_json RuleJson(const Rule& r) {
  ordered_json j;
  j["ecosystem"] = r.ecosystems.empty() ? ordered_json("*") : ordered_json(r.ecosystems);
  j["field"] = r.field;
  j[std::string(ToString(r.op))] = r.values;
  j["confidence"] = ToString(r.confidence);
  if (!r.exclude.empty()) j["exclude"] = r.exclude;
  if (!r.note.empty()) j["note"] = r.note;
  if (!r.source.empty()) j["source"] = r.source;
  return j;
}

ordered_json PolicyJson(const Policy& p) {
  return {{"id", p.id},           {"name", p.name},
          {"jurisdiction", p.jurisdiction}, {"authority", p.authority},
          {"instrument", p.instrument},     {"date", p.date},
          {"scope", p.scope},     {"source", p.source},
          {"products", p.products}};
}

ordered_json ProductJson(const Catalog& c, const Product& p) {
  ordered_json bans = ordered_json::array();
  for (const Ban& b : p.bans) {
    bans.push_back({{"jurisdiction", b.jurisdiction}, {"authority", b.authority},
                    {"instrument", b.instrument},     {"date", b.date},
                    {"scope", b.scope},               {"source", b.source}});
  }
  ordered_json rules = ordered_json::array();
  for (const Rule& r : p.rules) rules.push_back(RuleJson(r));
  return {{"id", p.id},         {"name", p.name},
          {"vendor", p.vendor}, {"description", p.description},
          {"policies", c.PoliciesFor(p.id)},
          {"bans", bans},       {"rules", rules}};
}

std::string Join(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (const std::string& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

}  // namespace

int RunVersion(const GlobalOptions& g) {
  const Catalog* c = CatalogOrComplain(g);
  if (!c) return kExitUsage;
  std::cout << "contraband " << CONTRABAND_VERSION << "\n"
            << "catalog " << c->version << " sha256 " << c->sha256 << " ("
            << c->source << ", " << c->products.size() << " products, "
            << c->policies.size() << " policies)\n";
  if (g.verbose) {
    std::cout << "\nlinked libraries:\n";
    for (const LibraryVersion& lib : LinkedLibraries()) {
      std::cout << "  " << lib.name << " " << lib.version << " (" << lib.licence
                << ")\n";
    }
  }
  return kExitClean;
}

int RunCatalogList(const GlobalOptions& g) {
  const Catalog* c = CatalogOrComplain(g);
  if (!c) return kExitUsage;
  std::ostringstream out;
  if (g.format == "json") {
    ordered_json j;
    j["version"] = c->version;
    j["sha256"] = c->sha256;
    j["source"] = c->source;
    j["products"] = ordered_json::array();
    for (const Product& p : c->products) {
      j["products"].push_back({{"id", p.id},
                               {"name", p.name},
                               {"vendor", p.vendor},
                               {"rules", p.rules.size()},
                               {"policies", c->PoliciesFor(p.id)}});
    }
    j["policies"] = ordered_json::array();
    for (const Policy& p : c->policies) j["policies"].push_back(PolicyJson(p));
    out << j.dump(2) << "\n";
  } else {
    out << "catalog " << c->version << " (" << c->source << ")\n\nPRODUCTS\n";
    for (const Product& p : c->products) {
      out << "  " << p.id << std::string(p.id.size() < 12 ? 12 - p.id.size() : 1, ' ')
          << p.name << " (" << p.vendor << "), " << p.rules.size()
          << " rules; policies: " << Join(c->PoliciesFor(p.id), ", ") << "\n";
    }
    out << "\nPOLICIES\n";
    for (const Policy& p : c->policies) {
      out << "  " << p.id << std::string(p.id.size() < 28 ? 28 - p.id.size() : 1, ' ')
          << p.date << "  " << p.name << " [" << Join(p.products, ", ") << "]\n";
    }
  }
  return EmitOutput(g, out.str()) ? kExitClean : kExitUsage;
}

int RunCatalogShow(const GlobalOptions& g, const std::string& id) {
  const Catalog* c = CatalogOrComplain(g);
  if (!c) return kExitUsage;
  ordered_json j;
  if (const Product* p = c->FindProduct(id)) {
    j = ProductJson(*c, *p);
  } else if (const Policy* p = c->FindPolicy(id)) {
    j = PolicyJson(*p);
  } else {
    std::cerr << "contraband: no product or policy \"" << id
              << "\" in the catalog; 'contraband catalog list' shows the ids\n";
    return kExitUsage;
  }
  // The JSON form is also the most readable full listing of rules.
  return EmitOutput(g, j.dump(2) + "\n") ? kExitClean : kExitUsage;
}

int RunCatalogValidate(const GlobalOptions& g, const std::string& path) {
  try {
    Catalog c = LoadCatalog(ReadCatalogPath(path), path);
    size_t rules = 0;
    for (const Product& p : c.products) rules += p.rules.size();
    std::ostringstream out;
    out << path << ": valid catalog " << c.version << ", " << c.products.size()
        << " products, " << rules << " rules, " << c.policies.size()
        << " policies, sha256 " << c.sha256 << "\n";
    return EmitOutput(g, out.str()) ? kExitClean : kExitUsage;
  } catch (const CatalogError& e) {
    std::cerr << e.what() << "\n"
              << "contraband: " << path << ": " << e.problems().size()
              << " problem" << (e.problems().size() == 1 ? "" : "s")
              << "; the catalog is not usable\n";
    return kExitUsage;
  }
}

}  // namespace contraband
