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
                                          "location"};

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
                     "cert_sha256, subject, location");
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

void ParseProduct(const json& doc, const CatalogFile& f, Problems& problems,
                  std::vector<Product>& products) {
  Product p;
  p.file = f.path;
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
        Ban ban;
        ban.jurisdiction = Str(b, "jurisdiction", f.path, w, problems, true);
        ban.authority = Str(b, "authority", f.path, w, problems, true);
        ban.instrument = Str(b, "instrument", f.path, w, problems);
        ban.date = Str(b, "date", f.path, w, problems, true);
        ban.scope = Str(b, "scope", f.path, w, problems);
        ban.source = Str(b, "source", f.path, w, problems, true);
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
  products.push_back(std::move(p));
}

void ParsePolicies(const json& doc, const CatalogFile& f, Problems& problems,
                   std::vector<Policy>& policies) {
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
    pol.date = Str(p, "date", f.path, w, problems, true);
    pol.scope = Str(p, "scope", f.path, w, problems);
    pol.source = Str(p, "source", f.path, w, problems, true);
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
      cat.version = Str(doc, "version", f.path, "", problems, true);
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
    if (it->is_regular_file() && it->path().extension() == ".json") {
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
