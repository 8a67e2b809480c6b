#include "formats/snap_yaml.h"

#include <cstdint>

#include "common/text.h"
#include "formats/parse_error.h"

namespace contraband {
namespace {

// A scalar as written after "key:" on one line: quoted ('...', "...") or
// plain (up to a " #" comment). `ok` is false for an unterminated quote, in
// which case the raw text is returned.
std::string Scalar(std::string_view v, bool& ok) {
  ok = true;
  v = TrimAscii(v);
  if (v.empty()) return {};
  if (v[0] == '\'') {
    std::string out;
    for (size_t i = 1; i < v.size(); ++i) {
      if (v[i] == '\'') {
        if (i + 1 < v.size() && v[i + 1] == '\'') {
          out.push_back('\'');
          ++i;
          continue;
        }
        return out;
      }
      out.push_back(v[i]);
    }
    ok = false;
    return std::string(v);
  }
  if (v[0] == '"') {
    std::string out;
    for (size_t i = 1; i < v.size(); ++i) {
      char c = v[i];
      if (c == '"') return out;
      if (c != '\\' || i + 1 >= v.size()) {
        out.push_back(c);
        continue;
      }
      char e = v[++i];
      switch (e) {
        case 'n':
          out.push_back('\n');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case '0':
          out.push_back('\0');
          break;
        case 'x':
        case 'u':
        case 'U': {
          size_t digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
          uint32_t cp = 0;
          size_t got = 0;
          while (got < digits && i + 1 < v.size()) {
            char h = v[i + 1];
            int d = h >= '0' && h <= '9'   ? h - '0'
                    : h >= 'a' && h <= 'f' ? h - 'a' + 10
                    : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                           : -1;
            if (d < 0) break;
            cp = cp * 16 + static_cast<uint32_t>(d);
            ++i;
            ++got;
          }
          AppendUtf8(out, cp);
          break;
        }
        default:
          out.push_back(e);
          break;  // \" \\ \/ and the rest
      }
    }
    ok = false;
    return std::string(v);
  }
  // Plain scalar: a comment starts at " #".
  size_t hash = v.find(" #");
  if (hash != std::string_view::npos) v = TrimAscii(v.substr(0, hash));
  return std::string(v);
}

}  // namespace

SnapYaml ParseSnapYaml(std::string_view text, const SnapYamlLimits& limits) {
  SnapYaml out;
  std::vector<std::string> seen;
  std::string list_key;  // a key whose block sequence ("- x" lines) follows
  size_t dropped = 0;
  auto problem = [&](size_t line_no, const std::string& what) {
    if (out.problems.size() < limits.max_problems) {
      out.problems.push_back("line " + std::to_string(line_no) + ": " + what);
    } else {
      ++dropped;
    }
  };
  auto add_arch = [&](std::string item) {
    if (out.architectures.size() >= limits.max_items) {
      throw ParseError("more than " + std::to_string(limits.max_items) +
                       " architectures");
    }
    if (!item.empty()) out.architectures.push_back(std::move(item));
  };

  LineReader lines(text);
  lines.SkipBom();
  std::string_view line;
  while (lines.Next(line)) {
    const size_t line_no = lines.line_no();
    if (line_no > limits.max_lines) {
      throw ParseError("more than " + std::to_string(limits.max_lines) +
                       " lines");
    }
    std::string_view trimmed = TrimAscii(line);
    if (trimmed.empty() || trimmed[0] == '#') continue;
    if (line == "---" || line == "...") continue;

    const bool indented = line[0] == ' ' || line[0] == '\t';
    // Sequence items of the key just read: "- amd64", at any indentation.
    if (trimmed[0] == '-' && (trimmed.size() == 1 || trimmed[1] == ' ') &&
        !list_key.empty()) {
      bool ok;
      std::string item = Scalar(trimmed.substr(1), ok);
      if (!ok) problem(line_no, "unterminated quoted string");
      if (list_key == "architectures") add_arch(std::move(item));
      continue;
    }
    if (indented) continue;  // inside a nested block: not the top level
    list_key.clear();

    size_t colon = std::string_view::npos;
    for (size_t i = 0; i < line.size(); ++i) {
      if (line[i] == ':' &&
          (i + 1 == line.size() || line[i + 1] == ' ' || line[i + 1] == '\t')) {
        colon = i;
        break;
      }
    }
    if (colon == std::string_view::npos || colon == 0) {
      problem(line_no, "not a \"key: value\" line; ignored");
      continue;
    }
    std::string key(TrimAscii(line.substr(0, colon)));
    std::string_view raw = TrimAscii(line.substr(colon + 1));
    bool repeated = false;
    for (const std::string& k : seen) repeated = repeated || k == key;
    if (repeated) {
      problem(line_no, "key \"" + key + "\" appears again; the first is used");
      continue;
    }
    if (seen.size() < 4096) seen.push_back(key);

    if (raw.empty()) {  // a nested block or a block sequence follows
      list_key = key;
      continue;
    }
    if (key == "architectures") {
      if (raw.front() == '[') {
        size_t close = raw.find(']');
        if (close == std::string_view::npos) {
          problem(line_no, "unterminated [list]");
          close = raw.size();
        }
        std::string_view items = raw.substr(1, close - 1);
        size_t p = 0;
        while (p <= items.size()) {
          size_t comma = items.find(',', p);
          if (comma == std::string_view::npos) comma = items.size();
          bool ok;
          add_arch(Scalar(items.substr(p, comma - p), ok));
          if (!ok) problem(line_no, "unterminated quoted string");
          p = comma + 1;
        }
      } else {
        bool ok;
        add_arch(Scalar(raw, ok));
      }
      continue;
    }
    std::string* field = key == "name"          ? &out.name
                         : key == "version"     ? &out.version
                         : key == "title"       ? &out.title
                         : key == "summary"     ? &out.summary
                         : key == "type"        ? &out.type
                         : key == "base"        ? &out.base
                         : key == "grade"       ? &out.grade
                         : key == "confinement" ? &out.confinement
                                                : nullptr;
    if (field == nullptr) continue;
    if (raw.front() == '|' || raw.front() == '>') continue;  // block scalar
    bool ok;
    *field = Scalar(raw, ok);
    if (!ok) problem(line_no, "unterminated quoted string in \"" + key + "\"");
  }
  if (dropped > 0) {
    out.problems.push_back("and " + std::to_string(dropped) + " more problems");
  }
  return out;
}

}  // namespace contraband
