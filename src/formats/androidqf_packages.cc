#include "formats/androidqf_packages.h"

#include <nlohmann/json.hpp>

#include "common/text.h"
#include "formats/dumpsys_package.h"
#include "formats/parse_error.h"

namespace contraband {
namespace {

using nlohmann::json;

std::string StringOr(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
  if (it->is_number_unsigned()) return std::to_string(it->get<uint64_t>());
  return {};
}

bool BoolOr(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_boolean() && it->get<bool>();
}

bool IsHexDigest(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string Lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

}  // namespace

AndroidqfPackages ParseAndroidqfPackages(std::string_view text) {
  if (text.size() > kMaxAndroidqfPackagesBytes) {
    throw ParseError("packages.json is " + std::to_string(text.size()) +
                     " bytes, over the " +
                     std::to_string(kMaxAndroidqfPackagesBytes) +
                     "-byte limit");
  }
  auto bounded = [](int depth, json::parse_event_t, json&) {
    if (depth > kMaxAndroidqfDepth) {
      throw ParseError("nested deeper than " +
                       std::to_string(kMaxAndroidqfDepth) + " levels");
    }
    return true;
  };
  json root;
  try {
    root = json::parse(text.begin(), text.end(), bounded);
  } catch (const json::exception& e) {
    throw ParseError(std::string("not valid JSON: ") + e.what());
  }
  if (!root.is_array()) throw ParseError("top level is not a JSON array");
  AndroidqfPackages out;
  size_t index = 0;
  for (const json& entry : root) {
    ++index;
    if (out.packages.size() >= kMaxAndroidqfPackages) {
      out.problems.push_back("more than " +
                             std::to_string(kMaxAndroidqfPackages) +
                             " packages; the rest were not read");
      break;
    }
    if (!entry.is_object()) {
      out.problems.push_back("entry " + std::to_string(index) +
                             " is not an object");
      continue;
    }
    AndroidqfPackage p;
    p.name = StringOr(entry, "name");
    if (!IsAndroidPackageName(p.name)) {
      out.problems.push_back("entry " + std::to_string(index) +
                             " has no valid package name");
      continue;
    }
    p.installer = StringOr(entry, "installer");
    if (p.installer == "null") p.installer.clear();
    p.uid = StringOr(entry, "uid");
    p.disabled = BoolOr(entry, "disabled");
    p.system = BoolOr(entry, "system");
    auto files = entry.find("files");
    if (files != entry.end() && files->is_array()) {
      for (const json& f : *files) {
        if (p.files.size() >= kMaxAndroidqfFilesPerPackage) break;
        if (!f.is_object()) continue;
        AndroidqfFile file;
        file.path = StringOr(f, "path");
        file.sha256 = Lower(StringOr(f, "sha256"));
        auto cert = f.find("certificate");
        if (cert != f.end() && cert->is_object()) {
          const std::string digest = Lower(StringOr(*cert, "Sha256"));
          if (IsHexDigest(digest)) {
            file.cert_sha256 = digest;
          } else if (!digest.empty()) {
            out.problems.push_back("package " + p.name +
                                   ": certificate Sha256 is not a SHA-256 "
                                   "digest; ignored");
          }
          file.cert_subject = StringOr(*cert, "Subject");
        }
        p.files.push_back(std::move(file));
      }
    }
    out.packages.push_back(std::move(p));
  }
  return out;
}

std::string GetpropValue(std::string_view text, std::string_view name) {
  LineReader lines(text);
  std::string_view line;
  const std::string key = "[" + std::string(name) + "]:";
  while (lines.Next(line)) {
    line = TrimAscii(line);
    if (line.substr(0, key.size()) != key) continue;
    std::string_view value = TrimAscii(line.substr(key.size()));
    if (value.size() >= 2 && value.front() == '[' && value.back() == ']') {
      return std::string(value.substr(1, value.size() - 2));
    }
    return {};
  }
  return {};
}

}  // namespace contraband
