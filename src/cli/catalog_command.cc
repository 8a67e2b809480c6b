// `contraband catalog list|show|validate|coverage|sign|verify` and `--version`.
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "catalog/catalog_signature.h"
#include "catalog/coverage.h"
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

void AddStatus(ordered_json& j, const MeasureStatus& st) {
  j["status"] = st.status;
  if (!st.revoked_date.empty()) j["revoked_date"] = st.revoked_date;
  if (!st.revoked_source.empty()) j["revoked_source"] = st.revoked_source;
  if (!st.superseded_by.empty()) j["superseded_by"] = st.superseded_by;
}

ordered_json PolicyJson(const Policy& p) {
  ordered_json j = {{"id", p.id},           {"name", p.name},
                    {"jurisdiction", p.jurisdiction}, {"authority", p.authority},
                    {"instrument", p.instrument},     {"date", p.date},
                    {"scope", p.scope}};
  if (!p.covers.empty()) j["covers"] = p.covers;
  AddStatus(j, p.status);
  j["source"] = p.source;
  j["products"] = p.products;
  return j;
}

// The platforms a product ships on, as the product declares them.
std::vector<std::string> ShipsOn(const Product& p) {
  std::vector<std::string> out;
  for (const auto& [name, ps] : p.platforms) {
    if (ps.ships) out.push_back(name);
  }
  return out;
}

// Rules grouped by the platform of their ecosystems ("installer" and "*"
// rules under "any platform"); a rule for two platforms shows under both.
std::vector<std::pair<std::string, std::vector<const Rule*>>> RulesByPlatform(
    const Product& p) {
  std::vector<std::pair<std::string, std::vector<const Rule*>>> out;
  std::vector<std::string> order = CoveragePlatforms();
  order.push_back("any platform");
  for (const std::string& platform : order) {
    std::vector<const Rule*> rules;
    for (const Rule& r : p.rules) {
      bool here = false;
      if (r.ecosystems.empty()) here = platform == "any platform";
      for (const std::string& eco : r.ecosystems) {
        std::string_view pl = PlatformOf(eco);
        if ((pl.empty() && platform == "any platform") || pl == platform) here = true;
      }
      if (here) rules.push_back(&r);
    }
    if (!rules.empty()) out.emplace_back(platform, std::move(rules));
  }
  return out;
}

ordered_json ProductJson(const Catalog& c, const Product& p) {
  ordered_json bans = ordered_json::array();
  for (const Ban& b : p.bans) {
    ordered_json j = {{"jurisdiction", b.jurisdiction}, {"authority", b.authority},
                      {"instrument", b.instrument},     {"date", b.date},
                      {"scope", b.scope}};
    if (!b.covers.empty()) j["covers"] = b.covers;
    AddStatus(j, b.status);
    j["source"] = b.source;
    bans.push_back(std::move(j));
  }
  ordered_json platforms = ordered_json::object();
  for (const auto& [name, ps] : p.platforms) {
    ordered_json j = {{"ships", ps.ships}};
    if (!ps.source.empty()) j["source"] = ps.source;
    if (!ps.reason.empty()) j["reason"] = ps.reason;
    platforms[name] = std::move(j);
  }
  ordered_json rules = ordered_json::array();
  for (const Rule& r : p.rules) rules.push_back(RuleJson(r));
  ordered_json by_platform = ordered_json::object();
  for (const auto& [platform, list] : RulesByPlatform(p)) {
    ordered_json arr = ordered_json::array();
    for (const Rule* r : list) arr.push_back(RuleJson(*r));
    by_platform[platform] = std::move(arr);
  }
  return {{"id", p.id},         {"name", p.name},
          {"vendor", p.vendor}, {"description", p.description},
          {"policies", c.PoliciesFor(p.id)},
          {"platforms", platforms},
          {"bans", bans},       {"rules", rules},
          {"rules_by_platform", by_platform}};
}

std::string Pad(const std::string& s, size_t width) {
  // Display width: count UTF-8 lead bytes, not bytes.
  size_t cols = 0;
  for (unsigned char ch : s) cols += (ch & 0xC0) != 0x80;
  return s + std::string(cols < width ? width - cols : 1, ' ');
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
                               {"bans", p.bans.size()},
                               {"platforms", ShipsOn(p)},
                               {"rules", p.rules.size()},
                               {"policies", c->PoliciesFor(p.id)}});
    }
    j["policies"] = ordered_json::array();
    for (const Policy& p : c->policies) j["policies"].push_back(PolicyJson(p));
    out << j.dump(2) << "\n";
  } else {
    out << "catalog " << c->version << " sha256 " << c->sha256 << " ("
        << c->source << ")\n\nPRODUCTS\n";
    for (const Product& p : c->products) {
      const std::vector<std::string> ships = ShipsOn(p);
      out << "  " << Pad(p.id, 20) << p.name << " (" << p.vendor << "), "
          << p.bans.size() << " ban" << (p.bans.size() == 1 ? "" : "s") << ", "
          << p.rules.size() << " rule" << (p.rules.size() == 1 ? "" : "s")
          << "; ships on: "
          << (ships.empty() ? std::string("not declared") : Join(ships, ", "))
          << "; policies: " << Join(c->PoliciesFor(p.id), ", ") << "\n";
    }
    out << "\nPOLICIES\n";
    for (const Policy& p : c->policies) {
      out << "  " << Pad(p.id, 28) << Pad(p.date, 12) << p.name
          << (p.status.Revoked() ? " (REVOKED " + p.status.revoked_date + ")" : "")
          << " [" << Join(p.products, ", ") << "]\n";
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
  // JSON is the most readable full listing (and scripts parse it): bans
  // with their status, then rules as written and grouped by platform.
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

int RunCatalogCoverage(const GlobalOptions& g) {
  const Catalog* c = CatalogOrComplain(g);
  if (!c) return kExitUsage;
  const std::vector<ProductCoverage> cov = ComputeCoverage(*c);
  std::ostringstream out;
  if (g.format == "json") {
    ordered_json j;
    j["catalog"] = {{"version", c->version}, {"sha256", c->sha256}, {"source", c->source}};
    j["platforms"] = CoveragePlatforms();
    j["products"] = ordered_json::array();
    for (const ProductCoverage& pc : cov) {
      ordered_json cells = ordered_json::object();
      for (const CoverageCell& cell : pc.cells) {
        ordered_json cj;
        cj["label"] = cell.Label();
        cj["ships"] = cell.declared ? ordered_json(cell.ships) : ordered_json(nullptr);
        cj["status"] = cell.Gap() ? "gap"
                       : (cell.declared && !cell.ships) ? "n/a"
                       : cell.rules == 0 ? "none"
                       : "covered";
        cj["strongest"] = cell.rules ? ordered_json(std::string(ToString(cell.strongest)))
                                     : ordered_json(nullptr);
        cj["rules"] = cell.rules;
        cj["high"] = cell.high;
        if (!cell.reason.empty()) cj["reason"] = cell.reason;
        cells[cell.platform] = std::move(cj);
      }
      j["products"].push_back({{"id", pc.product->id}, {"platforms", cells}});
    }
    out << j.dump(2) << "\n";
    return EmitOutput(g, out.str()) ? kExitClean : kExitUsage;
  }
  out << "catalog " << c->version << " coverage: strongest rule kind (signer > "
         "exact-id > prefix > name) and rule count per platform\n\n"
      << Pad("PRODUCT", 20);
  std::string header;
  for (const std::string& pl : CoveragePlatforms()) header += Pad(pl, 18);
  while (!header.empty() && header.back() == ' ') header.pop_back();
  out << header << "\n";
  std::vector<std::string> notes;
  for (const ProductCoverage& pc : cov) {
    std::string line = Pad(pc.product->id, 20);
    for (const CoverageCell& cell : pc.cells) {
      line += Pad(cell.Label(), 18);
      if (cell.ships && (!cell.high || cell.Gap())) {
        notes.push_back(pc.product->id + " on " + cell.platform + ": " +
                        (cell.reason.empty() ? "(no reason given)" : cell.reason));
      }
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << "\n";
  }
  out << "\nn/a: the vendor ships nothing there; GAP: it ships there and no rule "
         "exists; *: no high-confidence rule\n";
  if (!notes.empty()) {
    out << "\nWhy no high rule:\n";
    for (const std::string& n : notes) out << "  " << n << "\n";
  }
  return EmitOutput(g, out.str()) ? kExitClean : kExitUsage;
}

int RunCatalogSign(const GlobalOptions& g, const std::string& dir,
                   const std::string& key) {
  try {
    const std::string written = SignCatalog(dir, key);
    Catalog c = LoadCatalog(ReadCatalogPath(dir), dir);
    std::ostringstream out;
    out << written << ": signed catalog " << c.version << " sha256 " << c.sha256
        << "\n";
    return EmitOutput(g, out.str()) ? kExitClean : kExitUsage;
  } catch (const CatalogError& e) {
    std::cerr << "contraband: cannot sign " << dir << ":\n" << e.what() << "\n";
    return kExitUsage;
  }
}

int RunCatalogVerify(const GlobalOptions& g, const std::string& path,
                     const std::string& key) {
  try {
    VerifyCatalog(path, key);
    Catalog c = LoadCatalog(ReadCatalogPath(path), path);
    std::ostringstream out;
    out << path << ": signature good (" << key << "), catalog " << c.version
        << " sha256 " << c.sha256 << "\n";
    return EmitOutput(g, out.str()) ? kExitClean : kExitUsage;
  } catch (const CatalogError& e) {
    std::cerr << "contraband: " << e.what() << "\n";
    return kExitUsage;
  }
}

}  // namespace contraband
