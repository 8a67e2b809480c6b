#include "formats/pacman_desc.h"

#include "common/text.h"
#include "formats/parse_error.h"

namespace contraband {

const std::string* PacmanDesc::First(std::string_view key) const {
  for (const auto& [k, values] : sections) {
    if (k == key) return values.empty() ? nullptr : &values.front();
  }
  return nullptr;
}

PacmanDesc ParsePacmanDesc(std::string_view text,
                           const PacmanDescLimits& limits) {
  PacmanDesc desc;
  std::vector<std::string>* values = nullptr;  // the section being read
  bool discarding = false;  // values of a repeated section: not kept
  size_t value_count = 0;
  size_t dropped = 0;

  auto problem = [&](std::string message) {
    if (desc.problems.size() < limits.max_problems) {
      desc.problems.push_back(std::move(message));
    } else {
      ++dropped;
    }
  };

  LineReader lines(text);
  std::string_view line;
  while (lines.Next(line)) {
    const size_t line_no = lines.line_no();

    if (line.empty()) {  // a section ends at the first empty line
      values = nullptr;
      discarding = false;
      continue;
    }
    if (values != nullptr || discarding) {
      if (++value_count > limits.max_values) {
        throw ParseError("more than " + std::to_string(limits.max_values) +
                         " value lines");
      }
      if (!discarding) values->emplace_back(line);
      continue;
    }
    if (line.size() < 3 || line.front() != '%' || line.back() != '%') {
      problem("line " + std::to_string(line_no) +
              ": expected a %SECTION% header, found text; ignored");
      continue;
    }
    std::string key(line.substr(1, line.size() - 2));
    bool seen = false;
    for (const auto& s : desc.sections) seen = seen || s.first == key;
    if (seen) {
      problem("line " + std::to_string(line_no) + ": section %" + key +
              "% appears again; the first one is used");
      discarding = true;
      continue;
    }
    if (desc.sections.size() >= limits.max_sections) {
      throw ParseError("more than " + std::to_string(limits.max_sections) +
                       " sections");
    }
    desc.sections.emplace_back(std::move(key), std::vector<std::string>{});
    values = &desc.sections.back().second;
  }
  if (dropped > 0) {
    desc.problems.push_back("and " + std::to_string(dropped) +
                            " more problems");
  }
  return desc;
}

std::optional<std::pair<std::string, std::string>> SplitPacmanEntryName(
    std::string_view entry) {
  size_t rel = entry.rfind('-');
  if (rel == std::string_view::npos || rel == 0) return std::nullopt;
  size_t ver = entry.rfind('-', rel - 1);
  if (ver == std::string_view::npos || ver == 0 || ver + 1 == rel ||
      rel + 1 == entry.size()) {
    return std::nullopt;
  }
  return std::make_pair(std::string(entry.substr(0, ver)),
                        std::string(entry.substr(ver + 1)));
}

}  // namespace contraband
