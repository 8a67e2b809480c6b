// Matches inventory rows against the catalog. Exact identifiers are looked up
// in one hash map; prefix, glob and regex rules are kept per field and tried
// only against that field, so cost grows with the inventory, not with
// inventory × catalog.
#pragma once

#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "catalog/catalog.h"
#include "scan/software.h"

namespace contraband {

struct Finding {
  const Product* product = nullptr;
  std::vector<std::string> policies;  ///< every policy naming the product
  Confidence confidence = Confidence::kHigh;
  std::string field;    ///< the Software field that matched
  std::string pattern;  ///< the rule value that matched it
  const Rule* rule = nullptr;
  Software software;
  /// With --baseline: "new" or "unchanged" (report/baseline.h); else "".
  std::string baseline;
  /// Set when the record is signed, the product has signer rules for its
  /// ecosystem, and none of them names the record's signer: the product's
  /// id with someone else's key (a repackaged or tampered build). Says
  /// which signer and how many the catalog knows; "" otherwise.
  std::string signer_discrepancy;
};

class Matcher {
 public:
  /// Indexes `catalog`, limited to the products of `policy_ids` when that is
  /// not empty. Throws CatalogError naming an unknown policy id.
  Matcher(const Catalog& catalog, const std::vector<std::string>& policy_ids);

  /// The findings for one row: at most one per product, the most confident
  /// matching rule winning (the first such rule on a tie).
  std::vector<Finding> Match(const Software& sw) const;

  size_t product_count() const { return product_count_; }

 private:
  struct Entry {
    const Product* product;
    const Rule* rule;
    size_t order;  ///< position in the catalog, for stable tie-breaks
    std::string value;  ///< lower-cased value (equals/prefix/glob)
    size_t regex_index = 0;
  };
  static std::string SignerDiscrepancy(const Software& sw, const Product& product,
                                       std::span<const Entry* const> hits);
  // `utf8_value` is `field_value` as AsValidUtf8 gives it, for the regexes.
  void Consider(const Entry& e, std::string_view field_value,
                std::string_view utf8_value, std::string_view ecosystem,
                std::vector<const Entry*>& hits) const;

  const Catalog& catalog_;
  size_t product_count_ = 0;
  // key: field + '\x1f' + lower-cased value
  std::unordered_map<std::string, std::vector<Entry>> exact_;
  // key: field + '\x1f' + ecosystem ("*" for rules of every ecosystem)
  std::unordered_map<std::string, std::vector<Entry>> patterns_;
};

}  // namespace contraband
