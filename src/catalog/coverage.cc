#include "catalog/coverage.h"

namespace contraband {

std::string_view ToString(RuleKind k) {
  switch (k) {
    case RuleKind::kSigner:
      return "signer";
    case RuleKind::kExactId:
      return "exact-id";
    case RuleKind::kPrefix:
      return "prefix";
    case RuleKind::kName:
      return "name";
    case RuleKind::kNone:
      break;
  }
  return "none";
}

RuleKind KindOf(const Rule& r) {
  if (r.field == "team_id" || r.field == "cert_sha256" || r.field == "subject") {
    return RuleKind::kSigner;
  }
  if (r.field == "id") {
    return r.op == MatchOp::kEquals ? RuleKind::kExactId : RuleKind::kPrefix;
  }
  if (r.field == "location") return RuleKind::kPrefix;
  // The store's own id of the product names it as exactly as a bundle id.
  if (r.field == "store_id") {
    return r.op == MatchOp::kEquals ? RuleKind::kExactId : RuleKind::kPrefix;
  }
  return RuleKind::kName;
}

std::string CoverageCell::Label() const {
  if (declared && !ships && rules == 0) return "n/a";
  if (rules == 0) return ships ? "GAP" : "-";
  std::string s = std::string(ToString(strongest)) + " " + std::to_string(rules);
  if (!high && ships) s += "*";
  if (declared && !ships) s += " (n/a)";
  return s;
}

std::vector<ProductCoverage> ComputeCoverage(const Catalog& catalog) {
  std::vector<ProductCoverage> out;
  for (const Product& p : catalog.products) {
    ProductCoverage pc;
    pc.product = &p;
    for (const std::string& platform : CoveragePlatforms()) {
      CoverageCell cell;
      cell.platform = platform;
      if (const PlatformShipping* ps = p.Platform(platform)) {
        cell.declared = true;
        cell.ships = ps->ships;
        cell.reason = ps->reason;
      } else {
        cell.ships = true;  // undeclared: assume it may ship, so a gap shows
      }
      for (const Rule& r : p.rules) {
        bool here = false;
        // "installer" spans platforms (loose files); it is not a cell.
        for (const std::string& eco : r.ecosystems) {
          if (PlatformOf(eco) == platform) here = true;
        }
        if (!here) continue;
        ++cell.rules;
        if (KindOf(r) > cell.strongest) cell.strongest = KindOf(r);
        if (r.confidence == Confidence::kHigh) cell.high = true;
      }
      pc.cells.push_back(std::move(cell));
    }
    out.push_back(std::move(pc));
  }
  return out;
}

}  // namespace contraband
