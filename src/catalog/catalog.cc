#include "catalog/catalog.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "catalog/embedded_catalog.h"
#include "common/sha256.h"
#include "common/wildcard.h"

namespace contraband {
namespace {

using nlohmann::json;

constexpr size_t kMaxCatalogFileBytes = 16u << 20;
constexpr int kMaxJsonDepth = 32;
constexpr size_t kMaxCatalogFiles = 10000;

const std::vector<std::string> kFields = {"id",      "name",        "publisher",
                                          "team_id", "cert_sha256", "subject",
                                          "location",  "store_id"};

// Collects every problem so one validate run shows them all.
class Problems {
 public:
  void Add(const std::string& file, const std::string& field,
           const std::string& problem) {
    list_.push_back(file + ": " + (field.empty() ? "" : field + ": ") + problem);
  }
  bool empty() const { return list_.empty(); }
  const std::vector<std::string>& list() const { return list_; }

 private:
  std::vector<std::string> list_;
};

// nlohmann's parser has no depth bound; a catalog of a million '[' would only
// cost memory, but the bound keeps every input we parse bounded.
bool DepthWithin(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > max_depth) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

bool ValidId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      return false;
    }
  }
  return true;
}

// Reads an optional string member; a present non-string is a problem.
std::string Str(const json& obj, const char* key, const std::string& file,
                const std::string& where, Problems& problems,
                bool required = false) {
  auto it = obj.find(key);
  if (it == obj.end()) {
    if (required) problems.Add(file, where + key, "is required");
    return {};
  }
  if (!it->is_string()) {
    problems.Add(file, where + key, "must be a string");
    return {};
  }
  if (required && it->get<std::string>().empty()) {
    problems.Add(file, where + key, "must not be empty");
  }
  return it->get<std::string>();
}

std::vector<std::string> StrList(const json& obj, const char* key,
                                 const std::string& file,
                                 const std::string& where, Problems& problems,
                                 bool allow_single) {
  std::vector<std::string> out;
  auto it = obj.find(key);
  if (it == obj.end()) return out;
  if (allow_single && it->is_string()) {
    out.push_back(it->get<std::string>());
    return out;
  }
  if (!it->is_array()) {
    problems.Add(file, where + key,
                 allow_single ? "must be a string or a list of strings"
                              : "must be a list of strings");
    return out;
  }
  for (size_t i = 0; i < it->size(); ++i) {
    const json& v = (*it)[i];
    if (!v.is_string() || v.get<std::string>().empty()) {
      problems.Add(file, where + key + "[" + std::to_string(i) + "]",
                   "must be a non-empty string");
      continue;
    }
    out.push_back(v.get<std::string>());
  }
  return out;
}

// A pattern RE2 rejects (syntax, length, memory) is a problem of its field.
std::optional<CatalogRegex> CompileRegex(const std::string& pattern,
                                         const std::string& file,
                                         const std::string& field,
                                         Problems& problems) {
  std::string error;
  std::optional<CatalogRegex> re = CatalogRegex::Compile(pattern, error);
  if (!re) problems.Add(file, field, error);
  return re;
}

// Every key of `obj` must be one of `allowed`: a misspelt key ("confidnce")
// would otherwise be silently ignored and its value lost.
void CheckKeys(const json& obj, const std::set<std::string>& allowed,
               const std::string& file, const std::string& where,
               Problems& problems) {
  std::string list;
  for (const std::string& k : allowed) list += (list.empty() ? "" : ", ") + k;
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (!allowed.count(it.key())) {
      problems.Add(file, where + it.key(), "is not a known key (" + list + ")");
    }
  }
}

bool Digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
}

}  // namespace

// YYYY, YYYY-MM or YYYY-MM-DD (a press report may give only the month), with
// a real month and a day that exists in it.
bool IsCatalogDate(std::string_view s) {
  if (s.size() != 4 && s.size() != 7 && s.size() != 10) return false;
  if (!Digits(s.substr(0, 4))) return false;
  if (s.size() == 4) return true;
  if (s[4] != '-' || !Digits(s.substr(5, 2))) return false;
  int month = std::stoi(std::string(s.substr(5, 2)));
  if (month < 1 || month > 12) return false;
  if (s.size() == 7) return true;
  if (s[7] != '-' || !Digits(s.substr(8, 2))) return false;
  int year = std::stoi(std::string(s.substr(0, 4)));
  int day = std::stoi(std::string(s.substr(8, 2)));
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  int max = month == 2 && !leap ? 28 : kDays[month - 1];
  return day >= 1 && day <= max;
}

// https://HOST[/...] with no spaces: a citation an auditor can open without
// a downgrade to clear text.
bool IsHttpsUrl(std::string_view s) {
  constexpr std::string_view kScheme = "https://";
  if (s.size() <= kScheme.size() || s.substr(0, kScheme.size()) != kScheme) {
    return false;
  }
  for (char c : s) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;
  }
  std::string_view host = s.substr(kScheme.size());
  host = host.substr(0, host.find_first_of("/?#"));
  return !host.empty() && host.find('.') != std::string_view::npos;
}

bool IsCatalogVersion(std::string_view v) {
  if (v.size() < 10) return false;
  std::string date(v.substr(0, 10));
  if (date[4] != '.' || date[7] != '.') return false;
  date[4] = date[7] = '-';
  if (!IsCatalogDate(date)) return false;
  std::string_view rest = v.substr(10);
  if (rest.empty()) return true;
  return rest.size() >= 2 && rest[0] == '.' && Digits(rest.substr(1)) &&
         rest.size() <= 6;
}

std::string_view PlatformOf(std::string_view ecosystem) {
  if (ecosystem == "windows" || ecosystem == "msix") return "windows";
  if (ecosystem == "macos" || ecosystem == "macos-pkg" ||
      ecosystem == "homebrew") {
    return "macos";
  }
  if (ecosystem == "dpkg" || ecosystem == "rpm" || ecosystem == "apk" ||
      ecosystem == "pacman" || ecosystem == "snap" || ecosystem == "flatpak") {
    return "linux";
  }
  if (ecosystem == "ios") return "ios";
  if (ecosystem == "android") return "android";
  return "";
}

const std::vector<std::string>& CoveragePlatforms() {
  static const std::vector<std::string> kPlatforms = {
      "windows", "macos", "linux", "ios", "android"};
  return kPlatforms;
}

namespace {

std::string DateField(const json& obj, const char* key, const std::string& file,
                      const std::string& where, Problems& problems,
                      bool required) {
  std::string v = Str(obj, key, file, where, problems, required);
  if (!v.empty() && !IsCatalogDate(v)) {
    problems.Add(file, where + key,
                 "\"" + v + "\" is not a date (YYYY-MM-DD, YYYY-MM or YYYY)");
  }
  return v;
}

std::string UrlField(const json& obj, const char* key, const std::string& file,
                     const std::string& where, Problems& problems,
                     bool required) {
  std::string v = Str(obj, key, file, where, problems, required);
  if (!v.empty() && !IsHttpsUrl(v)) {
    problems.Add(file, where + key,
                 "\"" + v + "\" is not an https:// URL");
  }
  return v;
}

std::string CoversField(const json& obj, const std::string& file,
                        const std::string& where, Problems& problems) {
  std::string v = Str(obj, "covers", file, where, problems);
  if (!v.empty() && v != "devices" && v != "networks" && v != "all") {
    problems.Add(file, where + "covers",
                 "\"" + v + "\" is not one of devices, networks, all");
  }
  return v;
}

// status, and the fields that go with it (revoked_*, superseded_by).
MeasureStatus StatusFields(const json& obj, const std::string& file,
                           const std::string& where, Problems& problems) {
  MeasureStatus st;
  // Absent: in force (the published catalog's schema requires it).
  st.status = Str(obj, "status", file, where, problems);
  if (st.status.empty() && !obj.contains("status")) st.status = "in-force";
  const bool revoked = st.status == "revoked";
  const bool superseded = st.status == "superseded";
  if (!st.status.empty() && !revoked && !superseded &&
      st.status != "in-force") {
    problems.Add(file, where + "status",
                 "\"" + st.status +
                     "\" is not one of in-force, revoked, superseded");
  }
  st.revoked_date =
      DateField(obj, "revoked_date", file, where, problems, revoked);
  st.revoked_source =
      UrlField(obj, "revoked_source", file, where, problems, revoked);
  st.superseded_by = Str(obj, "superseded_by", file, where, problems, superseded);
  if (!revoked && (obj.contains("revoked_date") || obj.contains("revoked_source"))) {
    problems.Add(file, where + "status",
                 "revoked_date and revoked_source belong to status \"revoked\"");
  }
  if (!superseded && obj.contains("superseded_by")) {
    problems.Add(file, where + "status",
                 "superseded_by belongs to status \"superseded\"");
  }
  return st;
}

void ParseRule(const json& r, const std::string& file, const std::string& where,
               Problems& problems, std::vector<Rule>& rules) {
  if (!r.is_object()) {
    problems.Add(file, where, "must be an object");
    return;
  }
  static const std::set<std::string> kKeys = {
      "ecosystem", "field", "equals", "prefix", "glob",   "regex",
      "confidence", "exclude", "note", "source"};
  for (auto it = r.begin(); it != r.end(); ++it) {
    if (!kKeys.count(it.key())) {
      problems.Add(file, where + "." + it.key(),
                   "is not a rule key (ecosystem, field, equals, prefix, glob, "
                   "regex, confidence, exclude, note, source)");
    }
  }
  Rule rule;
  const std::string w = where + ".";
  for (const std::string& eco :
       StrList(r, "ecosystem", file, w, problems, /*allow_single=*/true)) {
    if (eco == "*") continue;
    const auto& known = KnownEcosystems();
    if (std::find(known.begin(), known.end(), eco) == known.end()) {
      problems.Add(file, w + "ecosystem",
                   "\"" + eco + "\" is not a known ecosystem");
    }
    rule.ecosystems.push_back(eco);
  }
  if (!r.contains("ecosystem")) problems.Add(file, w + "ecosystem", "is required");
  rule.field = Str(r, "field", file, w, problems, true);
  if (!rule.field.empty() &&
      std::find(kFields.begin(), kFields.end(), rule.field) == kFields.end()) {
    problems.Add(file, w + "field",
                 "\"" + rule.field +
                     "\" is not one of id, name, publisher, team_id, "
                     "cert_sha256, subject, location, store_id");
  }
  int ops = 0;
  for (auto [key, op] : {std::pair{"equals", MatchOp::kEquals},
                         std::pair{"prefix", MatchOp::kPrefix},
                         std::pair{"glob", MatchOp::kGlob},
                         std::pair{"regex", MatchOp::kRegex}}) {
    if (!r.contains(key)) continue;
    ++ops;
    rule.op = op;
    rule.values = StrList(r, key, file, w, problems, true);
    if (rule.values.empty()) problems.Add(file, w + key, "must not be empty");
  }
  if (ops != 1) {
    problems.Add(file, where,
                 "must have exactly one of equals, prefix, glob, regex");
  }
  if (rule.op == MatchOp::kRegex) {
    for (const std::string& v : rule.values) {
      if (auto re = CompileRegex(v, file, w + "regex", problems)) {
        rule.compiled.push_back(std::move(*re));
      }
    }
  }
  std::string conf = Str(r, "confidence", file, w, problems, true);
  if (std::optional<Confidence> c = ParseConfidence(conf)) {
    rule.confidence = *c;
  } else if (!conf.empty()) {
    problems.Add(file, w + "confidence",
                 "\"" + conf + "\" is not one of high, medium, low");
  }
  rule.exclude = StrList(r, "exclude", file, w, problems, true);
  for (const std::string& ex : rule.exclude) {
    if (auto re = CompileRegex(ex, file, w + "exclude", problems)) {
      rule.exclude_compiled.push_back(std::move(*re));
    }
  }
  if (rule.op != MatchOp::kEquals && rule.field == "name" &&
      rule.confidence == Confidence::kHigh) {
    problems.Add(file, w + "confidence",
                 "a pattern on display names cannot be high confidence; use "
                 "medium or low with exclude patterns for look-alikes");
  }
  rule.note = Str(r, "note", file, w, problems);
  rule.source = Str(r, "source", file, w, problems);
  rules.push_back(std::move(rule));
}

const std::set<std::string> kBanKeys = {
    "jurisdiction", "authority", "instrument",     "date",
    "scope",        "covers",    "status",         "revoked_date",
    "revoked_source", "superseded_by", "source"};

// "platforms": {"windows": {"ships": true, "source": …, "reason": …}, …}
void ParsePlatforms(const json& doc, const CatalogFile& f, Problems& problems,
                    Product& p) {
  auto it = doc.find("platforms");
  // Optional for a catalog the loader reads (a test's, a site's own); the
  // published catalog's schema (signatures/schema/) requires it.
  if (it == doc.end()) return;
  if (!it->is_object()) {
    problems.Add(f.path, "platforms", "must be an object");
    return;
  }
  for (const std::string& name : CoveragePlatforms()) {
    auto pl = it->find(name);
    const std::string w = "platforms." + name;
    if (pl == it->end()) {
      problems.Add(f.path, w, "is required");
      continue;
    }
    if (!pl->is_object()) {
      problems.Add(f.path, w, "must be an object");
      continue;
    }
    CheckKeys(*pl, {"ships", "source", "reason"}, f.path, w + ".", problems);
    PlatformShipping ps;
    auto ships = pl->find("ships");
    if (ships == pl->end() || !ships->is_boolean()) {
      problems.Add(f.path, w + ".ships", "is required: true or false");
    } else {
      ps.ships = ships->get<bool>();
    }
    ps.source = Str(*pl, "source", f.path, w + ".", problems);
    ps.reason = Str(*pl, "reason", f.path, w + ".", problems);
    p.platforms.emplace_back(name, std::move(ps));
  }
  for (auto k = it->begin(); k != it->end(); ++k) {
    const auto& known = CoveragePlatforms();
    if (std::find(known.begin(), known.end(), k.key()) == known.end()) {
      problems.Add(f.path, "platforms." + k.key(),
                   "is not a platform (windows, macos, linux, ios, android)");
    }
  }
  // A platform the vendor ships on needs a high rule, or a reason why not
  // (coverage shows it): a silent gap would read as "not installed".
  for (const auto& [name, ps] : p.platforms) {
    if (!ps.ships || !ps.reason.empty()) continue;
    bool high = false;
    for (const Rule& r : p.rules) {
      if (r.confidence != Confidence::kHigh) continue;
      for (const std::string& eco : r.ecosystems) {
        if (PlatformOf(eco) == name) high = true;
      }
    }
    if (!high) {
      problems.Add(f.path, "platforms." + name + ".reason",
                   "is required: the product ships on " + name +
                       " but no high-confidence rule covers it");
    }
  }
}

void ParseProduct(const json& doc, const CatalogFile& f, Problems& problems,
                  std::vector<Product>& products) {
  Product p;
  p.file = f.path;
  CheckKeys(doc,
            {"schema", "id", "name", "vendor", "description", "platforms",
             "bans", "rules"},
            f.path, "", problems);
  p.id = Str(doc, "id", f.path, "", problems, true);
  if (!p.id.empty() && !ValidId(p.id)) {
    problems.Add(f.path, "id",
                 "\"" + p.id + "\" must be lower case letters, digits and '-'");
  }
  std::string stem = std::filesystem::path(f.path).stem().string();
  if (!p.id.empty() && stem != p.id) {
    problems.Add(f.path, "id",
                 "\"" + p.id + "\" differs from the file name \"" + stem +
                     ".json\"");
  }
  p.name = Str(doc, "name", f.path, "", problems, true);
  p.vendor = Str(doc, "vendor", f.path, "", problems, true);
  p.description = Str(doc, "description", f.path, "", problems);
  if (auto it = doc.find("bans"); it != doc.end()) {
    if (!it->is_array()) {
      problems.Add(f.path, "bans", "must be a list");
    } else {
      for (size_t i = 0; i < it->size(); ++i) {
        const json& b = (*it)[i];
        std::string w = "bans[" + std::to_string(i) + "].";
        if (!b.is_object()) {
          problems.Add(f.path, w, "must be an object");
          continue;
        }
        CheckKeys(b, kBanKeys, f.path, w, problems);
        Ban ban;
        ban.jurisdiction = Str(b, "jurisdiction", f.path, w, problems, true);
        ban.authority = Str(b, "authority", f.path, w, problems, true);
        ban.instrument = Str(b, "instrument", f.path, w, problems);
        ban.date = DateField(b, "date", f.path, w, problems, true);
        ban.scope = Str(b, "scope", f.path, w, problems);
        ban.covers = CoversField(b, f.path, w, problems);
        ban.status = StatusFields(b, f.path, w, problems);
        ban.source = UrlField(b, "source", f.path, w, problems, true);
        p.bans.push_back(std::move(ban));
      }
    }
  }
  auto rules = doc.find("rules");
  if (rules == doc.end() || !rules->is_array() || rules->empty()) {
    problems.Add(f.path, "rules", "must be a non-empty list");
  } else {
    for (size_t i = 0; i < rules->size(); ++i) {
      ParseRule((*rules)[i], f.path, "rules[" + std::to_string(i) + "]",
                problems, p.rules);
    }
  }
  ParsePlatforms(doc, f, problems, p);
  products.push_back(std::move(p));
}

void ParsePolicies(const json& doc, const CatalogFile& f, Problems& problems,
                   std::vector<Policy>& policies) {
  CheckKeys(doc, {"schema", "policies"}, f.path, "", problems);
  auto list = doc.find("policies");
  if (list == doc.end() || !list->is_array()) {
    problems.Add(f.path, "policies", "must be a list");
    return;
  }
  for (size_t i = 0; i < list->size(); ++i) {
    const json& p = (*list)[i];
    std::string w = "policies[" + std::to_string(i) + "].";
    if (!p.is_object()) {
      problems.Add(f.path, w, "must be an object");
      continue;
    }
    CheckKeys(p,
              {"id", "name", "jurisdiction", "authority", "instrument", "date",
               "scope", "covers", "status", "revoked_date", "revoked_source",
               "superseded_by", "source", "products"},
              f.path, w, problems);
    Policy pol;
    pol.file = f.path;
    pol.id = Str(p, "id", f.path, w, problems, true);
    if (!pol.id.empty() && !ValidId(pol.id)) {
      problems.Add(f.path, w + "id",
                   "\"" + pol.id + "\" must be lower case letters, digits and '-'");
    }
    pol.name = Str(p, "name", f.path, w, problems, true);
    pol.jurisdiction = Str(p, "jurisdiction", f.path, w, problems, true);
    pol.authority = Str(p, "authority", f.path, w, problems, true);
    pol.instrument = Str(p, "instrument", f.path, w, problems);
    pol.date = DateField(p, "date", f.path, w, problems, true);
    pol.scope = Str(p, "scope", f.path, w, problems);
    pol.covers = CoversField(p, f.path, w, problems);
    pol.status = StatusFields(p, f.path, w, problems);
    pol.source = UrlField(p, "source", f.path, w, problems, true);
    pol.products = StrList(p, "products", f.path, w, problems, false);
    if (pol.products.empty()) {
      problems.Add(f.path, w + "products", "must name at least one product");
    }
    policies.push_back(std::move(pol));
  }
}

std::string Digest(std::vector<const CatalogFile*> files) {
  std::sort(files.begin(), files.end(),
            [](auto* a, auto* b) { return a->path < b->path; });
  Sha256 h;
  for (const CatalogFile* f : files) {
    h.Update(f->path);
    h.Update(std::string_view("\0", 1));
    h.Update(std::to_string(f->data.size()));
    h.Update(std::string_view("\0", 1));
    h.Update(f->data);
  }
  return h.HexDigest();
}

}  // namespace

std::string_view ToString(Confidence c) {
  switch (c) {
    case Confidence::kHigh:
      return "high";
    case Confidence::kMedium:
      return "medium";
    case Confidence::kLow:
      return "low";
  }
  return "low";
}

std::optional<Confidence> ParseConfidence(std::string_view name) {
  if (name == "high") return Confidence::kHigh;
  if (name == "medium") return Confidence::kMedium;
  if (name == "low") return Confidence::kLow;
  return std::nullopt;
}

std::string_view ToString(MatchOp op) {
  switch (op) {
    case MatchOp::kEquals:
      return "equals";
    case MatchOp::kPrefix:
      return "prefix";
    case MatchOp::kGlob:
      return "glob";
    case MatchOp::kRegex:
      return "regex";
  }
  return "equals";
}

bool Rule::AppliesTo(std::string_view ecosystem) const {
  if (ecosystems.empty()) return true;
  return std::find(ecosystems.begin(), ecosystems.end(), ecosystem) !=
         ecosystems.end();
}

const PlatformShipping* Product::Platform(std::string_view name) const {
  for (const auto& [n, ps] : platforms) {
    if (n == name) return &ps;
  }
  return nullptr;
}

const Product* Catalog::FindProduct(std::string_view id) const {
  for (const Product& p : products) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

const Policy* Catalog::FindPolicy(std::string_view id) const {
  for (const Policy& p : policies) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

std::vector<std::string> Catalog::PoliciesFor(std::string_view product_id) const {
  std::vector<std::string> out;
  for (const Policy& p : policies) {
    if (std::find(p.products.begin(), p.products.end(), product_id) !=
        p.products.end()) {
      out.push_back(p.id);
    }
  }
  return out;  // policies are sorted, so this is too
}

CatalogError::CatalogError(const std::vector<std::string>& problems)
    : std::runtime_error([&] {
        std::string s;
        for (const std::string& p : problems) s += (s.empty() ? "" : "\n") + p;
        return s;
      }()),
      problems_(problems) {}

const std::vector<std::string>& KnownEcosystems() {
  static const std::vector<std::string> kEcosystems = {
      "dpkg",    "rpm",   "apk",       "pacman", "snap",    "flatpak",
      "homebrew", "windows", "msix",   "macos",  "macos-pkg", "ios",
      "android", "installer"};
  return kEcosystems;
}

Catalog LoadCatalog(const std::vector<CatalogFile>& files, std::string source) {
  Problems problems;
  Catalog cat;
  cat.source = std::move(source);
  std::vector<const CatalogFile*> digested;
  bool have_version = false;
  for (const CatalogFile& f : files) {
    if (f.data.size() > kMaxCatalogFileBytes) {
      problems.Add(f.path, "", "is larger than 16 MiB");
      continue;
    }
    if (!DepthWithin(f.data, kMaxJsonDepth)) {
      problems.Add(f.path, "", "nests deeper than 32 levels");
      continue;
    }
    json doc;
    try {
      doc = json::parse(f.data);
    } catch (const json::exception& e) {  // parse_error, out_of_range (1e9999)
      problems.Add(f.path, "", std::string("is not valid JSON: ") + e.what());
      continue;
    }
    digested.push_back(&f);
    if (!doc.is_object()) {
      problems.Add(f.path, "", "must hold a JSON object");
      continue;
    }
    std::string schema = Str(doc, "schema", f.path, "", problems, true);
    if (schema == "contraband/product/v1") {
      ParseProduct(doc, f, problems, cat.products);
    } else if (schema == "contraband/policies/v1") {
      ParsePolicies(doc, f, problems, cat.policies);
    } else if (schema == "contraband/catalog/v1") {
      if (have_version) {
        problems.Add(f.path, "", "a second catalog.json; a catalog has one");
      }
      have_version = true;
      CheckKeys(doc, {"schema", "version", "description"}, f.path, "", problems);
      cat.version = Str(doc, "version", f.path, "", problems, true);
      Str(doc, "description", f.path, "", problems);
    } else if (!schema.empty()) {
      problems.Add(f.path, "schema",
                   "\"" + schema +
                       "\" is not one of contraband/product/v1, "
                       "contraband/policies/v1, contraband/catalog/v1");
    }
  }
  if (files.empty()) problems.Add("(catalog)", "", "holds no .json files");
  if (!have_version) cat.version = "unversioned";

  std::sort(cat.products.begin(), cat.products.end(),
            [](const Product& a, const Product& b) { return a.id < b.id; });
  std::sort(cat.policies.begin(), cat.policies.end(),
            [](const Policy& a, const Policy& b) { return a.id < b.id; });
  for (size_t i = 1; i < cat.products.size(); ++i) {
    if (cat.products[i].id == cat.products[i - 1].id) {
      problems.Add(cat.products[i].file, "id",
                   "product \"" + cat.products[i].id + "\" is also defined in " +
                       cat.products[i - 1].file);
    }
  }
  for (size_t i = 1; i < cat.policies.size(); ++i) {
    if (cat.policies[i].id == cat.policies[i - 1].id) {
      problems.Add(cat.policies[i].file, "policies",
                   "policy \"" + cat.policies[i].id + "\" is defined twice");
    }
  }
  for (const Policy& pol : cat.policies) {
    for (const std::string& pid : pol.products) {
      if (!cat.FindProduct(pid)) {
        problems.Add(pol.file, "policies." + pol.id + ".products",
                     "names product \"" + pid +
                         "\", which no product file defines");
      }
    }
  }
  if (!problems.empty()) throw CatalogError(problems.list());
  cat.sha256 = Digest(digested);
  return cat;
}

bool IsSchemaFile(std::string_view name) {
  constexpr std::string_view kSuffix = ".schema.json";
  return name.size() >= kSuffix.size() &&
         name.substr(name.size() - kSuffix.size()) == kSuffix;
}

std::vector<CatalogFile> ReadCatalogPath(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  auto read = [&](const fs::path& p, const std::string& rel) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw CatalogError({p.string() + ": cannot be read"});
    std::string data;
    char buf[65536];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
      data.append(buf, static_cast<size_t>(in.gcount()));
      if (data.size() > kMaxCatalogFileBytes) {
        throw CatalogError({p.string() + ": is larger than 16 MiB"});
      }
    }
    return CatalogFile{rel, std::move(data)};
  };
  fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) {
    throw CatalogError({path + ": does not exist; give a catalog file or the "
                               "folder holding one (like signatures/)"});
  }
  std::vector<CatalogFile> files;
  if (fs::is_regular_file(st)) {
    files.push_back(read(path, fs::path(path).filename().string()));
    return files;
  }
  std::vector<fs::path> found;
  for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end;
       it.increment(ec)) {
    // The JSON Schemas in schema/ describe the catalog; they are not part of it.
    if (it->is_regular_file() && it->path().extension() == ".json" &&
        !IsSchemaFile(it->path().filename().string())) {
      found.push_back(it->path());
      if (found.size() > kMaxCatalogFiles) {
        throw CatalogError({path + ": more than 10000 catalog files"});
      }
    }
  }
  if (ec) throw CatalogError({path + ": cannot be listed: " + ec.message()});
  std::sort(found.begin(), found.end());
  for (const fs::path& p : found) {
    files.push_back(read(p, fs::relative(p, path).generic_string()));
  }
  return files;
}

const Catalog& EmbeddedCatalog() {
  static const Catalog kCatalog = [] {
    std::vector<CatalogFile> files;
    for (const EmbeddedFile& f : EmbeddedCatalogFiles()) {
      files.push_back({std::string(f.path), std::string(f.data)});
    }
    return LoadCatalog(files, "embedded");
  }();
  return kCatalog;
}

}  // namespace contraband
