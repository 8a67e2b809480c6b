#include "formats/flatpak_metadata.h"

#include "common/text.h"
#include "formats/parse_error.h"

namespace contraband {
namespace {

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

  LineReader lines(text);
  lines.SkipBom();
  std::string_view line;
  while (lines.Next(line)) {
    const size_t line_no = lines.line_no();
    if (line_no > limits.max_lines) {
      throw ParseError("more than " + std::to_string(limits.max_lines) +
                       " lines");
    }
    std::string_view t = TrimAscii(line);
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
    std::string_view key = TrimAscii(t.substr(0, eq));
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
    *field = Unescape(TrimAscii(t.substr(eq + 1)));
  }
  if (dropped > 0) {
    out.problems.push_back("and " + std::to_string(dropped) + " more problems");
  }
  return out;
}

}  // namespace contraband
