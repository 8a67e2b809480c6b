#include "formats/flatpak_metadata.h"

#include "formats/parse_error.h"

namespace contraband {
namespace {

std::string_view Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

// GLib key file escapes: \s \n \t \r \\ (others are kept as written).
std::string Unescape(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] != '\\' || i + 1 == v.size()) {
      out.push_back(v[i]);
      continue;
    }
    char e = v[++i];
    switch (e) {
      case 's':
        out.push_back(' ');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case '\\':
        out.push_back('\\');
        break;
      default:
        out.push_back('\\');
        out.push_back(e);
    }
  }
  return out;
}

}  // namespace

FlatpakMetadata ParseFlatpakMetadata(std::string_view text,
                                     const FlatpakMetadataLimits& limits) {
  FlatpakMetadata out;
  std::string group;
  bool main_group = false;  // inside [Application] or [Runtime]
  size_t dropped = 0;
  auto problem = [&](size_t line_no, const std::string& what) {
    if (out.problems.size() < limits.max_problems) {
      out.problems.push_back("line " + std::to_string(line_no) + ": " + what);
    } else {
      ++dropped;
    }
  };

  size_t pos = 0;
  size_t line_no = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") pos = 3;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(
        pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    if (++line_no > limits.max_lines) {
      throw ParseError("more than " + std::to_string(limits.max_lines) +
                       " lines");
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::string_view t = Trim(line);
    if (t.empty() || t[0] == '#') continue;
    if (t[0] == '[') {
      if (t.back() != ']' || t.size() < 3) {
        problem(line_no, "unterminated [group] header; ignored");
        group.clear();
        main_group = false;
        continue;
      }
      group = std::string(t.substr(1, t.size() - 2));
      main_group = false;
      if (group == "Application" || group == "Runtime") {
        if (out.kind.empty()) {
          out.kind = group;
          main_group = true;
        } else {
          problem(line_no, "a second [" + group + "] group; ignored");
        }
      }
      continue;
    }
    size_t eq = t.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      problem(line_no, "neither a [group], a key=value nor a comment; ignored");
      continue;
    }
    if (group.empty()) {
      problem(line_no, "key=value before any [group]; ignored");
      continue;
    }
    if (!main_group) continue;
    std::string_view key = Trim(t.substr(0, eq));
    std::string* field = key == "name"      ? &out.name
                         : key == "runtime" ? &out.runtime
                         : key == "sdk"     ? &out.sdk
                         : key == "command" ? &out.command
                                            : nullptr;
    if (field == nullptr) continue;
    // GLib (and so flatpak) takes the last of repeated keys.
    if (!field->empty()) {
      problem(line_no,
              "key " + std::string(key) + " appears again; the last is used");
    }
    *field = Unescape(Trim(t.substr(eq + 1)));
  }
  if (dropped > 0) {
    out.problems.push_back("and " + std::to_string(dropped) + " more problems");
  }
  return out;
}

}  // namespace contraband
