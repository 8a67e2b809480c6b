// The catalog's JSON Schemas (signatures/schema/) and the loader's own checks
// hold the published catalog to the same rules, and each class of mistake is
// an error naming the file and the JSON path.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/catalog.h"
#include "support/test_support.h"

using namespace contraband;
using namespace contraband::testing;

namespace {

std::string SchemaFor(const std::string& schema_key) {
  if (schema_key == "contraband/product/v1") return "signatures/schema/product.schema.json";
  if (schema_key == "contraband/policies/v1") return "signatures/schema/policies.schema.json";
  if (schema_key == "contraband/catalog/v1") return "signatures/schema/catalog.schema.json";
  return "";
}

const char* kCatalogJson = R"({"schema": "contraband/catalog/v1", "version": "2026.01.02"})";

std::string ProductDoc(const std::string& id, const std::string& extra,
                    const std::string& rules =
                        R"([{"ecosystem": "android", "field": "id", "equals": "x.y", "confidence": "high"}])") {
  return R"({"schema": "contraband/product/v1", "id": ")" + id +
         R"(", "name": "N", "vendor": "V", )" + extra + R"("rules": )" + rules + "}";
}

std::string Policies(const std::string& body) {
  return R"({"schema": "contraband/policies/v1", "policies": [)" + body + "]}";
}

const char* kGoodPolicy =
    R"({"id": "p1", "name": "P", "jurisdiction": "X", "authority": "A", "date": "2020-01-01",
        "covers": "devices", "status": "in-force", "source": "https://example.org/p", "products": ["a"]})";

std::string Problems(const std::vector<CatalogFile>& files) {
  try {
    LoadCatalog(files, "test");
  } catch (const CatalogError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("every file of signatures/ passes its JSON Schema", "[catalog][schema]") {
  namespace fs = std::filesystem;
  const fs::path root = fs::path(SOURCE_DIR) / "signatures";
  int checked = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
    if (IsSchemaFile(entry.path().filename().string())) continue;
    const std::string text = ReadHostFile(entry.path().string());
    nlohmann::json doc = ParseJson(text);
    const std::string schema = SchemaFor(doc.value("schema", ""));
    INFO(entry.path().string());
    REQUIRE_FALSE(schema.empty());
    CHECK(SchemaErrors(schema, text, false) == "");
    ++checked;
  }
  CHECK(checked >= 19);  // catalog.json, policies.json, 17 products
}

TEST_CASE("catalog validate passes on signatures/ and skips the schema folder",
          "[catalog][schema]") {
  RunResult r = RunContraband("catalog validate " +
                              ShellQuote(std::string(SOURCE_DIR) + "/signatures"));
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("valid catalog"));
  for (const CatalogFile& f : ReadCatalogPath(std::string(SOURCE_DIR) + "/signatures")) {
    CHECK(f.path.rfind("schema/", 0) != 0);
  }
}

TEST_CASE("the published catalog declares platforms, ban status and a date version",
          "[catalog][schema]") {
  const Catalog& c = EmbeddedCatalog();
  CHECK(IsCatalogVersion(c.version));
  for (const Product& p : c.products) {
    INFO(p.id);
    CHECK(p.platforms.size() == 5);
    for (const Ban& b : p.bans) {
      CHECK_FALSE(b.covers.empty());
      CHECK(IsCatalogDate(b.date));
      CHECK(IsHttpsUrl(b.source));
    }
  }
  for (const Policy& p : c.policies) {
    INFO(p.id);
    CHECK_FALSE(p.covers.empty());
  }
}

TEST_CASE("catalog errors: unknown keys name file and path", "[catalog][schema]") {
  std::string p = Problems(
      {{"catalog.json", R"({"schema": "contraband/catalog/v1", "version": "2026.01.02", "colour": 1})"},
       {"products/a.json",
        ProductDoc("a", R"("vendr": "typo", "bans": [{"jurisdiction": "X", "authority": "A", "date": "2020-01-01", "source": "https://example.org/x", "sevrity": 1}],)",
                R"([{"ecosystem": "android", "field": "id", "equals": "x.y", "confidence": "high", "confidnce": "low"}])")},
       {"policies.json", Policies(R"({"id": "p1", "name": "P", "jurisdiction": "X", "authority": "A", "date": "2020-01-01", "source": "https://example.org/p", "products": ["a"], "extra": true})")}});
  CHECK_THAT(p, Catch::Contains("catalog.json: colour: is not a known key"));
  CHECK_THAT(p, Catch::Contains("products/a.json: vendr: is not a known key"));
  CHECK_THAT(p, Catch::Contains("products/a.json: bans[0].sevrity: is not a known key"));
  CHECK_THAT(p, Catch::Contains("products/a.json: rules[0].confidnce: is not a rule key"));
  CHECK_THAT(p, Catch::Contains("policies.json: policies[0].extra: is not a known key"));
}

TEST_CASE("catalog errors: dates, URLs, status, covers", "[catalog][schema]") {
  std::string p = Problems(
      {{"products/a.json",
        ProductDoc("a", R"("bans": [
          {"jurisdiction": "X", "authority": "A", "date": "2020-02-30", "source": "http://example.org/x"},
          {"jurisdiction": "X", "authority": "A", "date": "last year", "source": "https://example.org/x", "covers": "phones"},
          {"jurisdiction": "X", "authority": "A", "date": "2020", "source": "https://example.org/x", "status": "revoked"},
          {"jurisdiction": "X", "authority": "A", "date": "2020-13", "source": "ftp://example.org/x", "status": "repealed"},
          {"jurisdiction": "X", "authority": "A", "date": "2020-01-01", "source": "https://example.org/x", "status": "in-force", "revoked_date": "2021-01-01"}],)")},
       {"policies.json", Policies(R"({"id": "p1", "name": "P", "jurisdiction": "X", "authority": "A", "date": "01/02/2020", "source": "https://example.org/p", "products": ["a"], "status": "revoked", "revoked_date": "2021-06-09", "revoked_source": "example.org"})")}});
  CHECK_THAT(p, Catch::Contains("products/a.json: bans[0].date: \"2020-02-30\" is not a date"));
  CHECK_THAT(p, Catch::Contains("products/a.json: bans[0].source: \"http://example.org/x\" is not an https:// URL"));
  CHECK_THAT(p, Catch::Contains("products/a.json: bans[1].date: \"last year\" is not a date"));
  CHECK_THAT(p, Catch::Contains("products/a.json: bans[1].covers: \"phones\" is not one of devices, networks, all"));
  CHECK_THAT(p, Catch::Contains("products/a.json: bans[2].revoked_date: is required"));
  CHECK_THAT(p, Catch::Contains("products/a.json: bans[2].revoked_source: is required"));
  CHECK_THAT(p, Catch::Contains("products/a.json: bans[3].date: \"2020-13\" is not a date"));
  CHECK_THAT(p, Catch::Contains("products/a.json: bans[3].source: \"ftp://example.org/x\" is not an https:// URL"));
  CHECK_THAT(p, Catch::Contains("products/a.json: bans[3].status: \"repealed\" is not one of in-force, revoked, superseded"));
  CHECK_THAT(p, Catch::Contains("products/a.json: bans[4].status: revoked_date and revoked_source belong to status \"revoked\""));
  CHECK_THAT(p, Catch::Contains("policies.json: policies[0].date: \"01/02/2020\" is not a date"));
  CHECK_THAT(p, Catch::Contains("policies.json: policies[0].revoked_source: \"example.org\" is not an https:// URL"));
}

TEST_CASE("catalog errors: duplicate ids, unknown ecosystems and fields, unknown products, bad regexes",
          "[catalog][schema]") {
  std::string p = Problems(
      {{"products/a.json", ProductDoc("a", "", R"([
          {"ecosystem": ["android", "symbian"], "field": "id", "equals": "x", "confidence": "high"},
          {"ecosystem": "ios", "field": "bundle", "equals": "x", "confidence": "high"},
          {"ecosystem": "ios", "field": "id", "regex": "com\\.(x", "confidence": "medium"}])")},
       {"more/a.json", ProductDoc("a", "")},
       {"policies.json", Policies(std::string(kGoodPolicy) + "," + kGoodPolicy + "," +
            R"({"id": "p2", "name": "P", "jurisdiction": "X", "authority": "A", "date": "2020-01-01", "source": "https://example.org/p", "products": ["a", "nothing"]})")}});
  CHECK_THAT(p, Catch::Contains("products/a.json: rules[0].ecosystem: \"symbian\" is not a known ecosystem"));
  CHECK_THAT(p, Catch::Contains("products/a.json: rules[1].field: \"bundle\" is not one of"));
  CHECK_THAT(p, Catch::Contains("products/a.json: rules[2].regex: \"com\\.(x\" is not a valid regular expression"));
  CHECK_THAT(p, Catch::Contains("product \"a\" is also defined in"));
  CHECK_THAT(p, Catch::Contains("policies.json: policies: policy \"p1\" is defined twice"));
  CHECK_THAT(p, Catch::Contains("policies.json: policies.p2.products: names product \"nothing\", which no product file defines"));
}

TEST_CASE("catalog errors: a shipped platform without a high rule needs a reason",
          "[catalog][schema]") {
  const std::string platforms = R"("platforms": {
      "windows": {"ships": true}, "macos": {"ships": false}, "linux": {"ships": false},
      "ios": {"ships": true, "reason": "bundle id not found"}, "android": {"ships": true}, "beos": {"ships": true}},)";
  std::string p = Problems({{"catalog.json", kCatalogJson},
                            {"products/a.json", ProductDoc("a", platforms)}});
  CHECK_THAT(p, Catch::Contains(
      "products/a.json: platforms.windows.reason: is required: the product ships on windows but no high-confidence rule covers it"));
  CHECK_THAT(p, Catch::Contains("products/a.json: platforms.beos: is not a platform"));
  CHECK_THAT(p, !Catch::Contains("platforms.ios"));
  CHECK_THAT(p, !Catch::Contains("platforms.android"));  // its high rule covers it
}

TEST_CASE("the JSON Schemas reject what the loader rejects", "[catalog][schema]") {
  std::string bad_product = ProductDoc("a", R"("platforms": {"windows": {"ships": true}, "macos": {"ships": true},
      "linux": {"ships": true}, "ios": {"ships": true}, "android": {"ships": true}},
      "bans": [{"jurisdiction": "X", "authority": "A", "date": "2020-1-1", "covers": "devices",
                "status": "revoked", "source": "http://example.org", "colour": 1}],)",
      R"([{"ecosystem": "symbian", "field": "bundle", "equals": "x", "confidence": "sure"}])");
  std::string e = SchemaErrors("signatures/schema/product.schema.json", bad_product, false);
  CHECK_THAT(e, Catch::Contains("bans/0/date"));
  CHECK_THAT(e, Catch::Contains("bans/0/source"));
  CHECK_THAT(e, Catch::Contains("colour"));
  CHECK_THAT(e, Catch::Contains("revoked_date"));
  CHECK_THAT(e, Catch::Contains("rules/0/field"));
  CHECK_THAT(e, Catch::Contains("rules/0/confidence"));
  std::string bad_version = R"({"schema": "contraband/catalog/v1", "version": "v2"})";
  CHECK_THAT(SchemaErrors("signatures/schema/catalog.schema.json", bad_version, false),
             Catch::Contains("version"));
  CHECK(SchemaErrors("signatures/schema/catalog.schema.json", kCatalogJson, false) == "");
  CHECK(SchemaErrors("signatures/schema/policies.schema.json", Policies(kGoodPolicy), false) == "");
}
