#include <catch2/catch.hpp>

#include <cctype>
#include <string>
#include <utility>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/catalog_regex.h"
#include "catalog/matcher.h"

using namespace contraband;

namespace {

const char* kPolicies = R"({"schema": "contraband/policies/v1", "policies": [
  {"id": "p1", "name": "P1", "jurisdiction": "X", "authority": "A",
   "date": "2020-01-01", "source": "https://example.org", "products": ["zoom"]}]})";

std::string ProductJson(const std::string& rules) {
  return R"({"schema": "contraband/product/v1", "id": "zoom", "name": "Zoom",
             "vendor": "Zoom Video Communications", "rules": )" + rules + "}";
}

Catalog Load(const std::string& rules) {
  return LoadCatalog({{"catalog.json", R"({"schema": "contraband/catalog/v1", "version": "t1"})"},
                      {"policies.json", kPolicies},
                      {"products/zoom.json", ProductJson(rules)}},
                     "test");
}

std::string Problems(const std::vector<CatalogFile>& files) {
  try {
    LoadCatalog(files, "test");
  } catch (const CatalogError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("catalog validation names the file, the field and the problem",
          "[catalog]") {
  std::string p = Problems({{"policies.json", kPolicies},
                            {"products/zoom.json", ProductJson(R"([
    {"ecosystem": "dpkg", "field": "id", "equals": ["zoom"], "confidence": "hi"},
    {"ecosystem": "dbkg", "field": "idd", "equals": "x", "glob": "y", "confidence": "high"},
    {"ecosystem": "*", "field": "name", "regex": "Zoom(", "confidence": "low"},
    {"ecosystem": "*", "field": "name", "glob": "Zoom*", "confidence": "high"}])")}});
  CHECK_THAT(p, Catch::Contains(
      "products/zoom.json: rules[0].confidence: \"hi\" is not one of high, medium, low"));
  CHECK_THAT(p, Catch::Contains(
      "products/zoom.json: rules[1].ecosystem: \"dbkg\" is not a known ecosystem"));
  CHECK_THAT(p, Catch::Contains("products/zoom.json: rules[1].field: \"idd\""));
  CHECK_THAT(p, Catch::Contains(
      "rules[1]: must have exactly one of equals, prefix, glob, regex"));
  CHECK_THAT(p, Catch::Contains("rules[2].regex: \"Zoom(\" is not a valid regular expression"));
  CHECK_THAT(p, Catch::Contains("rules[3].confidence: a pattern on display names"));
}

TEST_CASE("catalog validation: JSON errors, ids, unknown policy products",
          "[catalog]") {
  CHECK_THAT(Problems({{"products/zoom.json", "{\"schema\": "}}),
             Catch::Contains("products/zoom.json: is not valid JSON"));
  CHECK_THAT(Problems({{"products/zoom.json", std::string(100, '[')}}),
             Catch::Contains("nests deeper than 32 levels"));
  std::string p = Problems({{"products/other.json",
      R"({"schema": "contraband/product/v1", "id": "Zoom!", "name": "n",
          "vendor": "v", "rules": []})"},
      {"policies.json", kPolicies}});
  CHECK_THAT(p, Catch::Contains("products/other.json: id: \"Zoom!\" must be lower case"));
  CHECK_THAT(p, Catch::Contains("differs from the file name \"other.json\""));
  CHECK_THAT(p, Catch::Contains("products/other.json: rules: must be a non-empty list"));
  CHECK_THAT(p, Catch::Contains(
      "policies.json: policies.p1.products: names product \"zoom\", which no product file defines"));
  CHECK_THAT(Problems({{"x.json", R"({"schema": "contraband/nothing/v9"})"}}),
             Catch::Contains("x.json: schema: \"contraband/nothing/v9\" is not one of"));
}

TEST_CASE("catalog digest is stable and changes with any byte", "[catalog]") {
  Catalog a = Load(R"([{"ecosystem": "dpkg", "field": "id", "equals": ["zoom"], "confidence": "high"}])");
  Catalog b = Load(R"([{"ecosystem": "dpkg", "field": "id", "equals": ["zoom"], "confidence": "high"}])");
  Catalog c = Load(R"([{"ecosystem": "dpkg", "field": "id", "equals": ["zoom"], "confidence": "low"}])");
  CHECK(a.sha256 == b.sha256);
  CHECK(a.sha256.size() == 64);
  CHECK(a.sha256 != c.sha256);
  CHECK(a.version == "t1");
  CHECK(a.PoliciesFor("zoom") == std::vector<std::string>{"p1"});
}

TEST_CASE("embedded catalog is valid and has the required products and policies",
          "[catalog]") {
  const Catalog& c = EmbeddedCatalog();
  for (const char* id : {"kaspersky", "wechat", "tiktok", "whatsapp", "skype",
                         "zoom", "telegram"}) {
    INFO(id);
    REQUIRE(c.FindProduct(id));
    CHECK_FALSE(c.FindProduct(id)->bans.empty());
  }
  for (const char* id : {"us-bod-17-01", "uk-ncsc-2017", "ca-tbs-2023", "rostec-2021"}) {
    INFO(id);
    CHECK(c.FindPolicy(id));
  }
  CHECK(c.FindPolicy("rostec-2021")->products.size() == 3);
  CHECK(c.source == "embedded");
}

TEST_CASE("matcher: exact ids by ecosystem, case-insensitive", "[matcher]") {
  Catalog cat = Load(R"([
    {"ecosystem": ["dpkg", "rpm"], "field": "id", "equals": ["zoom"], "confidence": "high"},
    {"ecosystem": "windows", "field": "name", "glob": "Zoom*", "confidence": "medium",
     "exclude": ["zoomit.*", "zoom player.*"]},
    {"ecosystem": "*", "field": "location", "prefix": "/opt/zoom/", "confidence": "medium"},
    {"ecosystem": "android", "field": "id", "regex": "us\\.zoom\\.[a-z]+", "confidence": "high"}])");
  Matcher m(cat, {});
  Software sw;
  sw.ecosystem = "dpkg";
  sw.id = "ZOOM";
  auto f = m.Match(sw);
  REQUIRE(f.size() == 1);
  CHECK(f[0].product->id == "zoom");
  CHECK(f[0].field == "id");
  CHECK(f[0].pattern == "zoom");
  CHECK(f[0].confidence == Confidence::kHigh);
  CHECK(f[0].policies == std::vector<std::string>{"p1"});

  sw.id = "xzoom";  // the X11 magnifier: a look-alike, not Zoom
  CHECK(m.Match(sw).empty());
  sw.ecosystem = "snap";
  sw.id = "zoom";  // equals rules are scoped to their ecosystems
  CHECK(m.Match(sw).empty());

  Software win;
  win.ecosystem = "windows";
  win.name = "Zoom Workplace (64-bit)";
  CHECK(m.Match(win).size() == 1);
  win.name = "ZoomIt v8";
  CHECK(m.Match(win).empty());
  win.name = "Zoom Player MAX";
  CHECK(m.Match(win).empty());

  Software loose;
  loose.ecosystem = "installer";
  loose.location = "/opt/zoom/ZoomLauncher";
  REQUIRE(m.Match(loose).size() == 1);
  CHECK(m.Match(loose)[0].confidence == Confidence::kMedium);
  // On a partition the location carries the volume; the rule still applies.
  loose.evidence = "disk.raw";
  loose.volume = "p1";
  loose.location = "disk.raw#p1:/opt/zoom/ZoomLauncher";
  CHECK(m.Match(loose).size() == 1);

  Software apk;
  apk.ecosystem = "android";
  apk.id = "us.zoom.videomeetings";
  CHECK(m.Match(apk).size() == 1);
  apk.id = "us.zoom.videomeetings.evil";  // regex must match the whole value
  CHECK(m.Match(apk).empty());
}

TEST_CASE("matcher: the most confident rule wins, one finding per product",
          "[matcher]") {
  Catalog cat = Load(R"([
    {"ecosystem": "*", "field": "location", "prefix": "/opt/zoom", "confidence": "low"},
    {"ecosystem": "dpkg", "field": "id", "equals": ["zoom"], "confidence": "high"}])");
  Matcher m(cat, {});
  Software sw;
  sw.ecosystem = "dpkg";
  sw.id = "zoom";
  sw.location = "/opt/zoom";
  auto f = m.Match(sw);
  REQUIRE(f.size() == 1);
  CHECK(f[0].confidence == Confidence::kHigh);
  CHECK(f[0].field == "id");
}

TEST_CASE("matcher: --policy limits products, unknown policy is an error",
          "[matcher]") {
  Catalog cat = Load(R"([{"ecosystem": "dpkg", "field": "id", "equals": ["zoom"], "confidence": "high"}])");
  CHECK(Matcher(cat, {"p1"}).product_count() == 1);
  CHECK_THROWS_WITH(Matcher(cat, {"nope"}), Catch::Contains("--policy nope"));
  const Catalog& embedded = EmbeddedCatalog();
  Matcher kaspersky_only(embedded, {"us-bod-17-01"});
  Software zoom;
  zoom.ecosystem = "dpkg";
  zoom.id = "zoom";
  CHECK(kaspersky_only.Match(zoom).empty());
  Software kesl;
  kesl.ecosystem = "dpkg";
  kesl.id = "kesl";
  REQUIRE(kaspersky_only.Match(kesl).size() == 1);
  CHECK(kaspersky_only.Match(kesl)[0].product->id == "kaspersky");
}

TEST_CASE("embedded catalog: Linux ids match and look-alikes do not", "[matcher]") {
  Matcher m(EmbeddedCatalog(), {});
  auto product = [&](const std::string& eco, const std::string& id) -> std::string {
    Software sw;
    sw.ecosystem = eco;
    sw.id = id;
    sw.name = id;
    auto f = m.Match(sw);
    return f.empty() ? "" : f[0].product->id;
  };
  CHECK(product("dpkg", "zoom") == "zoom");
  CHECK(product("dpkg", "kesl") == "kaspersky");
  CHECK(product("rpm", "klnagent64") == "kaspersky");
  CHECK(product("dpkg", "telegram-desktop") == "telegram");
  CHECK(product("dpkg", "skypeforlinux") == "skype");
  CHECK(product("snap", "skype") == "skype");
  CHECK(product("flatpak", "org.telegram.desktop") == "telegram");
  CHECK(product("flatpak", "com.tencent.WeChat") == "wechat");
  CHECK(product("flatpak", "us.zoom.Zoom") == "zoom");
  CHECK(product("dpkg", "xzoom").empty());
  CHECK(product("dpkg", "zoomit").empty());
  CHECK(product("dpkg", "telegraph").empty());
  CHECK(product("dpkg", "zoom-player").empty());
  CHECK(product("android", "com.tencent.wework").empty());
}

TEST_CASE("catalog regexes: RE2 rejects what it cannot run, naming file and field",
          "[catalog]") {
  const std::string too_long(5000, 'a');
  std::string p = Problems({{"products/zoom.json", ProductJson(R"J([
    {"ecosystem": "*", "field": "name", "regex": "Zoom(?!It).*", "confidence": "low"},
    {"ecosystem": "*", "field": "name", "regex": "(zoom)\\1", "confidence": "low"},
    {"ecosystem": "*", "field": "name", "regex": "\\pL{1000}", "confidence": "low"},
    {"ecosystem": "*", "field": "name", "regex": ")J" + too_long + R"J(",
     "confidence": "low"},
    {"ecosystem": "*", "field": "name", "glob": "Zoom*", "confidence": "low",
     "exclude": ["ok", "zoom(?<=x)"]}])J")}});
  CHECK_THAT(p, Catch::Contains(
      "products/zoom.json: rules[0].regex: \"Zoom(?!It).*\" is not a valid regular "
      "expression (invalid perl operator: (?!); RE2 syntax has no lookaround or "
      "backreferences"));
  CHECK_THAT(p, Catch::Contains(
      "products/zoom.json: rules[1].regex: \"(zoom)\\1\" is not a valid regular "
      "expression (invalid escape sequence: \\1)"));
  CHECK_THAT(p, Catch::Contains(
      "products/zoom.json: rules[2].regex: \"\\pL{1000}\" is not a valid regular "
      "expression (pattern too large - compile failed); it needs more than 1 MiB"));
  CHECK_THAT(p, Catch::Contains(
      "products/zoom.json: rules[3].regex: a pattern of 5000 bytes is longer than "
      "the 4096 allowed"));
  CHECK_THAT(p, Catch::Contains(
      "products/zoom.json: rules[4].exclude: \"zoom(?<=x)\" is not a valid regular "
      "expression"));
  CHECK_THAT(p, !Catch::Contains("\"ok\""));
}

namespace {

// The literal text a pattern begins with ("Kaspersky" of "Kaspersky\b.*"),
// without a last character that a quantifier makes optional.
std::string LiteralPrefix(const std::string& pattern) {
  size_t n = 0;
  while (n < pattern.size()) {
    unsigned char c = static_cast<unsigned char>(pattern[n]);
    if (!(std::isalnum(c) || c == ' ' || c == '-' || c >= 0x80)) break;
    ++n;
  }
  if (n > 0 && n < pattern.size() &&
      (pattern[n] == '?' || pattern[n] == '*' || pattern[n] == '{')) {
    --n;
  }
  return pattern.substr(0, n);
}

std::string Repeat(const std::string& unit, size_t bytes) {
  std::string out;
  out.reserve(bytes + unit.size());
  while (out.size() < bytes) out += unit;
  return out;
}

std::string& FieldOf(Software& sw, const std::string& field) {
  if (field == "id") return sw.id;
  if (field == "name") return sw.name;
  if (field == "publisher") return sw.publisher;
  if (field == "team_id") return sw.signer.team_id;
  if (field == "cert_sha256") return sw.signer.cert_sha256;
  if (field == "subject") return sw.signer.subject;
  if (field == "store_id") return sw.store_id;
  return sw.location;
}

}  // namespace

TEST_CASE("every embedded catalog regex and exclude runs on a 1 MiB value",
          "[catalog][matcher]") {
  constexpr size_t kMiB = 1 << 20;
  const Catalog& catalog = EmbeddedCatalog();
  Matcher matcher(catalog, {});
  // Fillers that keep each kind of pattern busy to the end: one long word,
  // words with the separators of signer subjects, and invalid UTF-8.
  const std::vector<std::string> fillers = {
      Repeat("a", kMiB), Repeat(" x, CN=", kMiB), Repeat("\xff\xc3", kMiB)};
  size_t patterns = 0;
  for (const Product& product : catalog.products) {
    for (const Rule& rule : product.rules) {
      std::vector<std::pair<std::string, const CatalogRegex*>> regexes;
      for (size_t i = 0; i < rule.compiled.size(); ++i) {
        regexes.emplace_back(rule.values[i], &rule.compiled[i]);
      }
      for (size_t i = 0; i < rule.exclude_compiled.size(); ++i) {
        regexes.emplace_back(rule.exclude[i], &rule.exclude_compiled[i]);
      }
      for (const auto& [pattern, re] : regexes) {
        ++patterns;
        const std::string prefix = LiteralPrefix(pattern);
        for (const std::string& filler : fillers) {
          INFO(product.id << ": " << pattern);
          std::string storage;
          const std::string value = prefix + filler;
          re->FullMatch(AsValidUtf8(value, storage));  // returns: no crash
          re->FullMatch(Repeat(prefix.empty() ? "x" : prefix, kMiB));
          Software sw;
          sw.ecosystem = rule.ecosystems.empty() ? "dpkg" : rule.ecosystems[0];
          FieldOf(sw, rule.field) = value;
          matcher.Match(sw);
        }
      }
    }
  }
  CHECK(patterns >= 20);  // every regex of the catalog was exercised

  // Spot checks that the long values also match as they should.
  Software win;
  win.ecosystem = "windows";
  win.name = "Kaspersky " + fillers[0];
  REQUIRE(matcher.Match(win).size() == 1);
  CHECK(matcher.Match(win)[0].product->id == "kaspersky");
  win.name = "WhatsApp " + fillers[2];  // invalid bytes do not hide it
  REQUIRE(matcher.Match(win).size() == 1);
  CHECK(matcher.Match(win)[0].product->id == "whatsapp");
  win.name = "WhatsApp " + fillers[0] + " viewer";  // exclude seen at the end
  CHECK(matcher.Match(win).empty());
  win.name.clear();
  win.signer.subject = "CN=AO Kaspersky Lab, O=" + fillers[1];
  REQUIRE(matcher.Match(win).size() == 1);
  CHECK(matcher.Match(win)[0].product->id == "kaspersky");
}

TEST_CASE("the Kaspersky word-boundary rule matches a 30,000-character DisplayName",
          "[catalog][matcher]") {
  // libstdc++'s regex engine overflowed the stack here (issue 10, part 6).
  Matcher m(EmbeddedCatalog(), {});
  Software sw;
  sw.ecosystem = "windows";
  sw.name = "Kaspersky Endpoint Security " + std::string(30000, 'x');
  auto f = m.Match(sw);
  REQUIRE(f.size() == 1);
  CHECK(f[0].product->id == "kaspersky");
  CHECK(f[0].pattern == "Kaspersky\\b.*");
  sw.name = "Kaspersky Endpoint\r\nSecurity";  // '.' crosses line breaks
  CHECK(m.Match(sw).size() == 1);
}

TEST_CASE("Kaspersky's Windows name rule needs the whole word Kaspersky",
          "[catalog]") {
  // The rule once carried the exclude "kasper(?!sky\b).*" (lookahead, which
  // RE2 refuses); the rule itself, "Kaspersky\b.*", already leaves out every
  // value that exclude named, so it was dropped.
  Matcher matcher(EmbeddedCatalog(), {});
  auto products = [&](const std::string& name) {
    Software sw;
    sw.ecosystem = "windows";
    sw.id = "{00000000-0000-0000-0000-000000000000}";
    sw.name = name;
    std::vector<std::string> out;
    for (const Finding& f : matcher.Match(sw)) out.push_back(f.product->id);
    return out;
  };
  CHECK(products("Kaspersky Endpoint Security for Windows") ==
        std::vector<std::string>{"kaspersky"});
  for (const char* v : {"Kasperski Antivirus", "Kasper Sky Tools", "kasper",
                        "KasperskyLabFake"}) {
    INFO(v);
    CHECK(products(v).empty());
  }
}

TEST_CASE("AsValidUtf8 keeps valid text and replaces each invalid byte",
          "[catalog]") {
  std::string storage;
  const std::string valid = "微信 3.9 Kaspersky \xF0\x9F\x98\x80";
  CHECK(AsValidUtf8(valid, storage).data() == valid.data());
  CHECK(AsValidUtf8("a\xff" "b", storage) == "a\xEF\xBF\xBD" "b");
  CHECK(AsValidUtf8("\xC0\x80", storage) == "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong
  CHECK(AsValidUtf8("\xED\xA0\x80", storage) ==
        "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
  CHECK(AsValidUtf8("x\xE5\xBE", storage) == "x\xEF\xBF\xBD\xEF\xBF\xBD");  // cut short
  CHECK(AsValidUtf8("\xF4\x90\x80\x80", storage).size() == 12);  // > U+10FFFF
}

TEST_CASE("matcher: the product's id signed by another key says so", "[matcher]") {
  const std::string vendor(64, 'a'), other(64, 'b');
  Catalog cat = Load(R"([
    {"ecosystem": ["android", "installer"], "field": "id", "equals": ["com.example.chat"],
     "confidence": "high"},
    {"ecosystem": ["android", "installer"], "field": "cert_sha256", "equals": [")" + vendor +
                     R"("], "confidence": "high"},
    {"ecosystem": "macos", "field": "id", "equals": ["com.example.chat.mac"], "confidence": "high"}])");
  Matcher m(cat, {});
  Software sw;
  sw.ecosystem = "android";
  sw.id = "com.example.chat";
  // Unsigned (a dumpsys record): nothing to compare.
  REQUIRE(m.Match(sw).size() == 1);
  CHECK(m.Match(sw)[0].signer_discrepancy.empty());
  // The vendor's key, or a lineage through it: the vendor's build.
  sw.signer.cert_sha256 = vendor;
  CHECK(m.Match(sw)[0].signer_discrepancy.empty());
  sw.signer.cert_sha256 = other;
  sw.signer.cert_lineage = {vendor, other};
  CHECK(m.Match(sw)[0].signer_discrepancy.empty());
  // Someone else's key: found by its id, and the report says whose key.
  sw.signer.cert_lineage.clear();
  auto f = m.Match(sw);
  REQUIRE(f.size() == 1);
  CHECK(f[0].field == "id");
  CHECK(f[0].signer_discrepancy ==
        "signed by certificate SHA-256 " + other +
            ", not a signer the catalog knows for Zoom on android (1 known)");
  // A platform where the catalog knows no signer: nothing to say.
  Software mac;
  mac.ecosystem = "macos";
  mac.id = "com.example.chat.mac";
  mac.signer.team_id = "ABCDE12345";
  REQUIRE(m.Match(mac).size() == 1);
  CHECK(m.Match(mac)[0].signer_discrepancy.empty());
}
