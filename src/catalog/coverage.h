// Where the catalog can recognise each product: a product x platform matrix
// of the strongest rule kind and rule count (`contraband catalog coverage`).
#pragma once

#include <string>
#include <vector>

#include "catalog/catalog.h"

namespace contraband {

/// How strongly a rule identifies software, weakest first.
enum class RuleKind { kNone, kName, kPrefix, kExactId, kSigner };
std::string_view ToString(RuleKind k);  ///< "name", "prefix", "exact-id", "signer"
/// signer: team_id, cert_sha256, subject; exact id: equals on id or
/// store_id; prefix: a pattern on id or store_id, or any location rule;
/// name: name or publisher.
RuleKind KindOf(const Rule& r);

struct CoverageCell {
  std::string platform;
  bool declared = false;  ///< the product says whether the vendor ships here
  bool ships = false;
  RuleKind strongest = RuleKind::kNone;
  int rules = 0;      ///< rules naming an ecosystem of this platform
  bool high = false;  ///< at least one of them is high confidence
  std::string reason;  ///< from the product: why no high rule
  /// "n/a", "GAP", or "<kind> <count>" with "*" when no rule is high.
  std::string Label() const;
  bool Gap() const { return ships && rules == 0; }
};

struct ProductCoverage {
  const Product* product = nullptr;
  std::vector<CoverageCell> cells;  ///< in CoveragePlatforms() order
};

std::vector<ProductCoverage> ComputeCoverage(const Catalog& catalog);

}  // namespace contraband
