// The catalog model: products with their bans and match rules, and policies
// (named selections of products with their legal citation). Loaded from
// JSON files (signatures/ is embedded; --catalog overrides) and validated with
// errors that name the file, the field and the problem.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "catalog/catalog_regex.h"

namespace contraband {

enum class Confidence { kHigh, kMedium, kLow };
std::string_view ToString(Confidence c);
/// "high", "medium", "low"; nullopt for anything else.
std::optional<Confidence> ParseConfidence(std::string_view name);

enum class MatchOp { kEquals, kPrefix, kGlob, kRegex };
std::string_view ToString(MatchOp op);

struct Rule {
  std::vector<std::string> ecosystems;  ///< empty: every ecosystem
  std::string field;  ///< id, name, publisher, team_id, cert_sha256, subject, location
  MatchOp op = MatchOp::kEquals;
  std::vector<std::string> values;  ///< as written
  std::vector<CatalogRegex> compiled;  ///< for kRegex, one per value
  Confidence confidence = Confidence::kHigh;
  std::vector<std::string> exclude;  ///< look-alike vetoes, as written
  std::vector<CatalogRegex> exclude_compiled;
  std::string note;
  std::string source;
  bool AppliesTo(std::string_view ecosystem) const;
};

struct Ban {
  std::string jurisdiction, authority, instrument, date, scope, source;
};

struct Product {
  std::string id, name, vendor, description;
  std::vector<Ban> bans;
  std::vector<Rule> rules;
  std::string file;  ///< catalog file it came from
};

struct Policy {
  std::string id, name, jurisdiction, authority, instrument, date, scope,
      source;
  std::vector<std::string> products;
  std::string file;
};

struct Catalog {
  std::string version;  ///< from catalog.json; "unversioned" without one
  std::string sha256;   ///< digest of the loaded files (signatures/README.md)
  std::string source;   ///< "embedded" or the --catalog path(s)
  std::vector<Product> products;  ///< sorted by id
  std::vector<Policy> policies;   ///< sorted by id

  const Product* FindProduct(std::string_view id) const;
  const Policy* FindPolicy(std::string_view id) const;
  /// Ids of every policy naming `product_id`, sorted.
  std::vector<std::string> PoliciesFor(std::string_view product_id) const;
};

/// One catalog file: its path relative to the catalog root, and its bytes.
struct CatalogFile {
  std::string path;
  std::string data;
};

/// The catalog is unusable. what() lists every problem, one per line, each
/// as "FILE: FIELD: PROBLEM".
class CatalogError : public std::runtime_error {
 public:
  explicit CatalogError(const std::vector<std::string>& problems);
  const std::vector<std::string>& problems() const { return problems_; }

 private:
  std::vector<std::string> problems_;
};

/// Every known Software::ecosystem name (rules may name only these).
const std::vector<std::string>& KnownEcosystems();

/// Parses and validates `files` into a catalog; throws CatalogError.
Catalog LoadCatalog(const std::vector<CatalogFile>& files, std::string source);

/// Reads a catalog file or folder (every *.json below it) from the host.
/// Throws CatalogError when it cannot be read.
std::vector<CatalogFile> ReadCatalogPath(const std::string& path);

/// The catalog compiled into the binary.
const Catalog& EmbeddedCatalog();

}  // namespace contraband
