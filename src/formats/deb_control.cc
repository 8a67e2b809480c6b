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
  ControlStreamParser parser(
      [&](ControlStanza& stanza) { stanzas.push_back(std::move(stanza)); },
      limits);
  parser.Feed(text);
  parser.Finish();
  return stanzas;
}

ControlStreamParser::ControlStreamParser(StanzaFn on_stanza,
                                         const ControlLimits& limits)
    : on_stanza_(std::move(on_stanza)), limits_(limits) {}

void ControlStreamParser::Feed(std::string_view piece) {
  while (!piece.empty()) {
    const size_t nl = piece.find('\n');
    if (nl == std::string_view::npos) {
      partial_.append(piece);
      return;
    }
    if (partial_.empty()) {
      Line(piece.substr(0, nl));  // the common case: no copy
    } else {
      partial_.append(piece.substr(0, nl));
      Line(partial_);
      partial_.clear();
    }
    piece.remove_prefix(nl + 1);
  }
}

void ControlStreamParser::Finish() {
  // A last line without '\n' is still a line (as LineReader reads it).
  if (!partial_.empty()) {
    std::string last;
    last.swap(partial_);
    Line(last);
  }
  Flush();
}

void ControlStreamParser::Flush() {
  if (in_stanza_) {
    if (stanzas_ >= limits_.max_stanzas) {
      throw ParseError("more than " + std::to_string(limits_.max_stanzas) +
                       " stanzas");
    }
    ++stanzas_;
    on_stanza_(current_);
  }
  // Reset in place: the fields vector keeps its capacity for the next one.
  current_.fields.clear();
  current_.error.clear();
  current_.line = 0;
  in_stanza_ = false;
  skipping_ = false;
}

void ControlStreamParser::Line(std::string_view line) {
  const size_t line_no = ++line_no_;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

  if (TrimAscii(line).empty()) {
    Flush();
    return;
  }
  if (line[0] == '#') return;
  if (!in_stanza_) {
    in_stanza_ = true;
    current_.line = line_no;
  }
  if (skipping_) return;

  if (line[0] == ' ' || line[0] == '\t') {
    if (current_.fields.empty()) {
      current_.error = "line " + std::to_string(line_no) +
                       ": continuation line before any field";
      skipping_ = true;
      return;
    }
    std::string& value = current_.fields.back().value;
    std::string_view more = line.substr(1);
    value.push_back('\n');
    // A lone "." stands for an empty line inside a multi-line value.
    if (TrimAscii(more) == ".") return;
    value.append(more);
    return;
  }

  size_t colon = line.find(':');
  std::string_view name =
      colon == std::string_view::npos ? line : line.substr(0, colon);
  if (colon == std::string_view::npos || !IsFieldName(name)) {
    current_.error = "line " + std::to_string(line_no) +
                     ": neither a \"Name: value\" field nor a continuation";
    skipping_ = true;
    return;
  }
  if (current_.fields.size() >= limits_.max_fields_per_stanza) {
    current_.error = "more than " +
                     std::to_string(limits_.max_fields_per_stanza) +
                     " fields in one stanza";
    skipping_ = true;
    return;
  }
  current_.fields.push_back(
      {std::string(name), std::string(TrimAscii(line.substr(colon + 1)))});
}

}  // namespace contraband
