// The catalog model: products with their bans and match rules, and policies
// (named selections of products with their legal citation). Loaded from
// JSON files (signatures/ is embedded; --catalog overrides) and validated with
// errors that name the file, the field and the problem.
#pragma once

#include <optional>
#include <string_view>
#include <utility>
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
  std::string field;  ///< id, name, publisher, team_id, cert_sha256, subject, location, store_id
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

/// Whether a measure still applies: "in-force", "revoked" (with the date and
/// the source of the revocation) or "superseded" (replaced by a later measure).
struct MeasureStatus {
  std::string status = "in-force";
  std::string revoked_date, revoked_source, superseded_by;
  bool Revoked() const { return status == "revoked"; }
};

struct Ban {
  std::string jurisdiction, authority, instrument, date, scope, source;
  std::string covers;  ///< "devices", "networks" or "all"
  MeasureStatus status;
};

/// The five platforms of the coverage matrix, in display order.
const std::vector<std::string>& CoveragePlatforms();

/// Where the vendor ships the product on one platform, and why the catalog
/// has no high-confidence rule there when it has none.
struct PlatformShipping {
  bool ships = false;
  std::string source;  ///< where shipping (or not) was read
  std::string reason;  ///< why no high rule, where that is so
};

struct Product {
  std::string id, name, vendor, description;
  std::vector<Ban> bans;
  std::vector<Rule> rules;
  /// By platform name (CoveragePlatforms()); absent: not declared.
  std::vector<std::pair<std::string, PlatformShipping>> platforms;
  std::string file;  ///< catalog file it came from
  const PlatformShipping* Platform(std::string_view name) const;
};

struct Policy {
  std::string id, name, jurisdiction, authority, instrument, date, scope,
      source;
  std::string covers;  ///< "devices", "networks" or "all"
  MeasureStatus status;
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

/// A catalog date: YYYY-MM-DD, YYYY-MM or YYYY, each part in range.
bool IsCatalogDate(std::string_view s);
/// An https:// URL with a host and no white space.
bool IsHttpsUrl(std::string_view s);
/// A catalog version: YYYY.MM.DD, optionally .N for a later release that day.
bool IsCatalogVersion(std::string_view v);
/// The coverage platform of an ecosystem ("windows" for msix, "linux" for
/// dpkg …); "" for "installer", which spans platforms.
std::string_view PlatformOf(std::string_view ecosystem);
/// Whether a file name is a JSON Schema of the catalog (NAME.schema.json),
/// which lives beside the catalog but is not read as part of it.
bool IsSchemaFile(std::string_view name);

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
