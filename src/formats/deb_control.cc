#include "formats/deb_control.h"

#include <strings.h>

#include "common/text.h"
#include "formats/parse_error.h"

namespace contraband {
namespace {

// A field name is printable ASCII without spaces or colons and may not start
// with '#' or '-' (deb822).
bool IsFieldName(std::string_view name) {
  if (name.empty() || name[0] == '#' || name[0] == '-') return false;
  for (unsigned char c : name) {
    if (c <= 32 || c >= 127 || c == ':') return false;
  }
  return true;
}

}  // namespace

const std::string* ControlStanza::Get(std::string_view name) const {
  for (const ControlField& f : fields) {
    if (f.name.size() == name.size() &&
        strncasecmp(f.name.data(), name.data(), name.size()) == 0) {
      return &f.value;
    }
  }
  return nullptr;
}

std::vector<ControlStanza> ParseControl(std::string_view text,
                                        const ControlLimits& limits) {
  std::vector<ControlStanza> stanzas;
  ControlStanza current;
  bool in_stanza = false;
  // Once a stanza is damaged its remaining lines are skipped up to the next
  // blank line, so garbage is never read as fields of the same package.
  bool skipping = false;

  auto flush = [&] {
    if (in_stanza) {
      if (stanzas.size() >= limits.max_stanzas) {
        throw ParseError("more than " + std::to_string(limits.max_stanzas) +
                         " stanzas");
      }
      stanzas.push_back(std::move(current));
    }
    current = ControlStanza{};
    in_stanza = false;
    skipping = false;
  };

  LineReader lines(text);
  std::string_view line;
  while (lines.Next(line)) {
    const size_t line_no = lines.line_no();

    if (TrimAscii(line).empty()) {
      flush();
      continue;
    }
    if (line[0] == '#') continue;
    if (!in_stanza) {
      in_stanza = true;
      current.line = line_no;
    }
    if (skipping) continue;

    if (line[0] == ' ' || line[0] == '\t') {
      if (current.fields.empty()) {
        current.error = "line " + std::to_string(line_no) +
                        ": continuation line before any field";
        skipping = true;
        continue;
      }
      std::string& value = current.fields.back().value;
      std::string_view more = line.substr(1);
      value.push_back('\n');
      // A lone "." stands for an empty line inside a multi-line value.
      if (TrimAscii(more) == ".") continue;
      value.append(more);
      continue;
    }

    size_t colon = line.find(':');
    std::string_view name =
        colon == std::string_view::npos ? line : line.substr(0, colon);
    if (colon == std::string_view::npos || !IsFieldName(name)) {
      current.error = "line " + std::to_string(line_no) +
                      ": neither a \"Name: value\" field nor a continuation";
      skipping = true;
      continue;
    }
    if (current.fields.size() >= limits.max_fields_per_stanza) {
      current.error = "more than " +
                      std::to_string(limits.max_fields_per_stanza) +
                      " fields in one stanza";
      skipping = true;
      continue;
    }
    current.fields.push_back(
        {std::string(name), std::string(TrimAscii(line.substr(colon + 1)))});
  }
  flush();
  return stanzas;
}

}  // namespace contraband
