#include "catalog/matcher.h"

#include <algorithm>
#include <set>
#include <span>

#include "common/wildcard.h"

namespace contraband {
namespace {

std::string_view FieldValue(const Software& sw, const std::string& field) {
  if (field == "id") return sw.id;
  if (field == "name") return sw.name;
  if (field == "publisher") return sw.publisher;
  if (field == "team_id") return sw.signer.team_id;
  if (field == "cert_sha256") return sw.signer.cert_sha256;
  if (field == "subject") return sw.signer.subject;
  if (field == "store_id") return sw.store_id;
  if (field == "location") {
    // Records of a partition read "IMAGE#p1:/opt/zoom"; catalog locations
    // are paths inside a filesystem, so they match the part after the colon.
    std::string_view loc = sw.location;
    if (!sw.volume.empty()) {
      const std::string prefix = sw.evidence + "#" + sw.volume + ":";
      if (loc.substr(0, prefix.size()) == prefix) loc.remove_prefix(prefix.size());
    }
    return loc;
  }
  return {};
}

const std::vector<std::string>& Fields() {
  static const std::vector<std::string> kFields = {
      "id", "name", "publisher", "team_id", "cert_sha256", "subject",
      "location", "store_id"};
  return kFields;
}

std::string Key(const std::string& field, std::string_view lower_value) {
  std::string k = field;
  k.push_back('\x1f');
  k.append(lower_value);
  return k;
}

}  // namespace

Matcher::Matcher(const Catalog& catalog,
                 const std::vector<std::string>& policy_ids)
    : catalog_(catalog) {
  std::set<std::string> allowed;
  for (const std::string& id : policy_ids) {
    const Policy* pol = catalog.FindPolicy(id);
    if (!pol) {
      std::string known;
      for (const Policy& p : catalog.policies) known += " " + p.id;
      throw CatalogError({"--policy " + id +
                          ": no such policy in the catalog; known:" + known});
    }
    allowed.insert(pol->products.begin(), pol->products.end());
  }
  size_t order = 0;
  for (const Product& product : catalog.products) {
    if (!policy_ids.empty() && !allowed.count(product.id)) continue;
    ++product_count_;
    for (const Rule& rule : product.rules) {
      for (size_t i = 0; i < rule.values.size(); ++i) {
        Entry e{&product, &rule, order++, AsciiLower(rule.values[i]), i};
        if (rule.op == MatchOp::kEquals) {
          exact_[Key(rule.field, e.value)].push_back(std::move(e));
        } else if (rule.ecosystems.empty()) {
          patterns_[Key(rule.field, "*")].push_back(std::move(e));
        } else {
          // Kept per ecosystem, so a dpkg record never walks the Windows
          // display-name patterns.
          for (const std::string& eco : rule.ecosystems) {
            patterns_[Key(rule.field, eco)].push_back(e);
          }
        }
      }
    }
  }
}

void Matcher::Consider(const Entry& e, std::string_view value,
                       std::string_view utf8_value, std::string_view ecosystem,
                       std::vector<const Entry*>& hits) const {
  if (!e.rule->AppliesTo(ecosystem)) return;
  switch (e.rule->op) {
    case MatchOp::kEquals:
      break;  // the hash lookup already compared the value
    case MatchOp::kPrefix:
      if (AsciiLower(value.substr(0, e.value.size())) != e.value) return;
      break;
    case MatchOp::kGlob:
      if (!WildcardMatch(e.value, value, /*case_insensitive=*/true)) return;
      break;
    case MatchOp::kRegex:
      if (!e.rule->compiled[e.regex_index].FullMatch(utf8_value)) return;
      break;
  }
  for (const CatalogRegex& ex : e.rule->exclude_compiled) {
    if (ex.FullMatch(utf8_value)) return;  // a known look-alike
  }
  hits.push_back(&e);
}

std::vector<Finding> Matcher::Match(const Software& sw) const {
  std::vector<const Entry*> hits;
  for (const std::string& field : Fields()) {
    // An Android key rotated through a v3 lineage is still the vendor's
    // key: a certificate rule matches any certificate of the lineage.
    std::vector<std::string_view> values = {FieldValue(sw, field)};
    if (field == "cert_sha256") {
      for (const std::string& cert : sw.signer.cert_lineage) {
        if (cert != sw.signer.cert_sha256) values.push_back(cert);
      }
    }
    for (std::string_view value : values) {
      if (value.empty()) continue;
      std::string utf8_storage;
      const std::string_view utf8_value = AsValidUtf8(value, utf8_storage);
      if (!exact_.empty()) {
        auto it = exact_.find(Key(field, AsciiLower(value)));
        if (it != exact_.end()) {
          for (const Entry& e : it->second) {
            Consider(e, value, utf8_value, sw.ecosystem, hits);
          }
        }
      }
      for (const std::string& eco : {sw.ecosystem, std::string("*")}) {
        auto pit = patterns_.find(Key(field, eco));
        if (pit == patterns_.end()) continue;
        for (const Entry& e : pit->second) {
          Consider(e, value, utf8_value, sw.ecosystem, hits);
        }
      }
    }
  }
  // One finding per product: the most confident rule, then catalog order.
  std::sort(hits.begin(), hits.end(), [](const Entry* a, const Entry* b) {
    if (a->product != b->product) return a->product->id < b->product->id;
    if (a->rule->confidence != b->rule->confidence) {
      return a->rule->confidence < b->rule->confidence;
    }
    return a->order < b->order;
  });
  std::vector<Finding> out;
  for (size_t i = 0; i < hits.size(); ++i) {
    if (i > 0 && hits[i]->product == hits[i - 1]->product) continue;
    const Entry& e = *hits[i];
    Finding f;
    f.product = e.product;
    f.policies = catalog_.PoliciesFor(e.product->id);
    f.confidence = e.rule->confidence;
    f.field = e.rule->field;
    f.pattern = e.rule->values[e.regex_index];
    f.rule = e.rule;
    f.software = sw;
    size_t end = i;
    while (end < hits.size() && hits[end]->product == e.product) ++end;
    f.signer_discrepancy = SignerDiscrepancy(
        sw, *e.product, std::span(hits.begin() + static_cast<ptrdiff_t>(i),
                                  hits.begin() + static_cast<ptrdiff_t>(end)));
    out.push_back(std::move(f));
  }
  return out;
}

// A signed record of a product whose catalog entry knows its signers (an
// Android certificate, an Apple Team ID) but none of the record's: worth
// saying, since the vendor's own build carries the vendor's key. A record
// with no signer, or a product with no signer rule for the record's
// ecosystem, says nothing.
std::string Matcher::SignerDiscrepancy(const Software& sw, const Product& product,
                                       std::span<const Entry* const> hits) {
  for (const char* field : {"cert_sha256", "team_id"}) {
    const std::string_view value = FieldValue(sw, field);
    if (value.empty()) continue;
    if (std::any_of(hits.begin(), hits.end(),
                    [&](const Entry* h) { return h->rule->field == field; })) {
      return "";  // the vendor's signer matched
    }
    size_t known = 0;
    for (const Rule& rule : product.rules) {
      if (rule.field == field && rule.AppliesTo(sw.ecosystem)) {
        known += rule.values.size();
      }
    }
    if (known == 0) continue;
    return std::string(field == std::string_view("team_id")
                           ? "signed by Team ID "
                           : "signed by certificate SHA-256 ") +
           std::string(value) + ", not a signer the catalog knows for " +
           product.name + " on " + sw.ecosystem + " (" + std::to_string(known) +
           " known)";
  }
  return "";
}

}  // namespace contraband
