#include "formats/homebrew.h"

#include <cctype>
#include <nlohmann/json.hpp>

#include "common/text.h"
#include "formats/parse_error.h"

namespace contraband {
namespace {

using nlohmann::json;

json ParseBounded(std::string_view text, const HomebrewLimits& limits) {
  if (text.size() > limits.max_bytes) {
    throw ParseError(std::to_string(text.size()) + " bytes, over the " +
                     std::to_string(limits.max_bytes) + "-byte limit");
  }
  auto depth_check = [&](int depth, json::parse_event_t, json&) {
    if (depth > limits.max_depth) {
      throw ParseError("nested deeper than " +
                       std::to_string(limits.max_depth) + " levels");
    }
    return true;
  };
  json root;
  try {
    root = json::parse(text.begin(), text.end(), depth_check);
  } catch (const json::exception& e) {
    throw ParseError(std::string("not valid JSON: ") + e.what());
  }
  if (!root.is_object()) throw ParseError("top level is not a JSON object");
  return root;
}

std::string Str(const json& obj, const char* key) {
  if (!obj.is_object()) return {};
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

bool Bool(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_boolean() && it->get<bool>();
}

// A Ruby string literal or :symbol at the start of `s`; false if neither.
bool RubyLiteral(std::string_view s, std::string& out) {
  out.clear();
  s = TrimAsciiLeft(s);
  if (s.size() > 1 && s[0] == ':') {
    size_t e = 1;
    while (e < s.size() &&
           (isalnum(static_cast<unsigned char>(s[e])) || s[e] == '_')) {
      ++e;
    }
    out = std::string(s.substr(1, e - 1));
    return !out.empty();
  }
  if (s.empty() || (s[0] != '"' && s[0] != '\'')) return false;
  const char q = s[0];
  for (size_t i = 1; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      out.push_back(s[++i]);
      continue;
    }
    if (s[i] == q) return true;
    out.push_back(s[i]);
  }
  return false;  // unterminated
}

}  // namespace

HomebrewReceipt ParseHomebrewReceipt(std::string_view text,
                                     const HomebrewLimits& limits) {
  const json root = ParseBounded(text, limits);
  HomebrewReceipt r;
  r.homebrew_version = Str(root, "homebrew_version");
  r.arch = Str(root, "arch");
  r.installed_on_request = Bool(root, "installed_on_request");
  r.installed_as_dependency = Bool(root, "installed_as_dependency");
  if (auto t = root.find("time"); t != root.end() && t->is_number_integer()) {
    r.time = t->get<int64_t>();
  }
  if (auto src = root.find("source"); src != root.end() && src->is_object()) {
    r.tap = Str(*src, "tap");
    if (auto v = src->find("versions"); v != src->end()) {
      r.stable_version = Str(*v, "stable");
    }
  }
  return r;
}

HomebrewCask ParseCaskJson(std::string_view text,
                           const HomebrewLimits& limits) {
  const json root = ParseBounded(text, limits);
  HomebrewCask c;
  c.token = Str(root, "token");
  c.version = Str(root, "version");
  c.desc = Str(root, "desc");
  c.homepage = Str(root, "homepage");
  if (auto n = root.find("name"); n != root.end()) {
    if (n->is_array() && !n->empty() && n->front().is_string()) {
      c.name = n->front().get<std::string>();
    } else if (n->is_string()) {
      c.name = n->get<std::string>();
    }
  }
  return c;
}

HomebrewCask ParseCaskRuby(std::string_view text,
                           const HomebrewLimits& limits) {
  if (text.size() > limits.max_bytes) {
    throw ParseError(std::to_string(text.size()) + " bytes, over the " +
                     std::to_string(limits.max_bytes) + "-byte limit");
  }
  HomebrewCask c;
  bool in_cask = false;
  LineReader lines(text);
  std::string_view line;
  while (lines.Next(line)) {
    std::string_view t = TrimAsciiLeft(line);
    if (t.empty() || t[0] == '#') continue;
    auto statement = [&](std::string_view keyword, std::string& field) {
      if (!field.empty() || t.substr(0, keyword.size()) != keyword ||
          t.size() == keyword.size() ||
          (t[keyword.size()] != ' ' && t[keyword.size()] != '(')) {
        return false;
      }
      std::string_view arg = t.substr(keyword.size());
      if (!arg.empty() && arg[0] == '(') arg.remove_prefix(1);
      std::string value;
      if (RubyLiteral(arg, value)) field = value;
      return true;
    };
    if (!in_cask) {
      std::string token;
      if (statement("cask", token)) {
        c.token = token;
        in_cask = true;
      }
      continue;
    }
    statement("version", c.version) || statement("name", c.name) ||
        statement("desc", c.desc) || statement("homepage", c.homepage);
  }
  if (!in_cask) throw ParseError("no `cask \"...\" do` line");
  return c;
}

}  // namespace contraband
