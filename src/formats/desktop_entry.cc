#include "formats/desktop_entry.h"

#include "common/text.h"
#include "formats/parse_error.h"

namespace contraband {
namespace {

std::string_view Trim(std::string_view s) { return TrimAscii(s, " \t\r"); }

}  // namespace

std::string DesktopEntry::Program() const {
  // The Exec key's quoting rules: a word is either plain (ending at a space)
  // or "double quoted" with backslash escapes. Some launchers also start
  // with `env VAR=x`; skip those words.
  std::string_view s = Trim(exec);
  std::string word;
  for (int words = 0; words < 16 && !s.empty(); ++words) {
    word.clear();
    size_t i = 0;
    if (s[0] == '"') {
      for (i = 1; i < s.size() && s[i] != '"'; ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        word.push_back(s[i]);
      }
      ++i;
    } else {
      for (; i < s.size() && s[i] != ' ' && s[i] != '\t'; ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        word.push_back(s[i]);
      }
    }
    s = Trim(s.substr(std::min(i, s.size())));
    if (word == "env" || word.find('=') != std::string::npos) continue;
    return word;
  }
  return {};
}

DesktopEntry ParseDesktopEntry(std::string_view text) {
  if (text.size() > (1u << 20)) {
    throw ParseError("larger than 1 MiB, which no launcher is");
  }
  DesktopEntry entry;
  bool in_group = false, found = false;
  LineReader lines(text);
  std::string_view line;
  while (lines.Next(line)) {
    line = Trim(line);
    if (line.empty() || line[0] == '#') continue;
    if (line[0] == '[') {
      in_group = line == "[Desktop Entry]";
      found |= in_group;
      continue;
    }
    if (!in_group) continue;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view key = Trim(line.substr(0, eq));
    std::string_view value = Trim(line.substr(eq + 1));
    if (key == "Name") entry.name = value;
    else if (key == "Exec") entry.exec = value;
    else if (key == "Type") entry.type = value;
    else if (key == "Hidden" || key == "NoDisplay") entry.hidden |= value == "true";
  }
  if (!found) throw ParseError("no [Desktop Entry] group");
  return entry;
}

}  // namespace contraband
