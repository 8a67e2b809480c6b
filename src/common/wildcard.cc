#include "common/wildcard.h"

namespace contraband {
namespace {

char Fold(char c, bool ci) {
  return (ci && c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Matches one bracket class starting at pattern[p] == '['. Returns the index
// after the class, or npos when the class is unterminated (then '[' is literal).
size_t MatchClass(std::string_view pattern, size_t p, char c, bool ci,
                  bool* matched) {
  size_t i = p + 1;
  bool negate = false;
  if (i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^')) {
    negate = true;
    ++i;
  }
  bool hit = false;
  bool first = true;
  const char fc = Fold(c, ci);
  while (i < pattern.size() && (first || pattern[i] != ']')) {
    first = false;
    char lo = Fold(pattern[i], ci);
    char hi = lo;
    if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
      hi = Fold(pattern[i + 2], ci);
      i += 2;
    }
    if (fc >= lo && fc <= hi) hit = true;
    ++i;
  }
  if (i >= pattern.size()) return std::string_view::npos;
  *matched = hit != negate;
  return i + 1;
}

}  // namespace

bool WildcardMatch(std::string_view pattern, std::string_view text,
                   bool case_insensitive) {
  size_t p = 0, t = 0;
  size_t star_p = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size()) {
      char pc = pattern[p];
      if (pc == '*') {
        star_p = p++;
        star_t = t;
        continue;
      }
      if (pc == '?') {
        ++p;
        ++t;
        continue;
      }
      if (pc == '[') {
        bool matched = false;
        size_t next = MatchClass(pattern, p, text[t], case_insensitive, &matched);
        if (next != std::string_view::npos) {
          if (matched) {
            p = next;
            ++t;
            continue;
          }
        } else if (text[t] == '[') {
          ++p;
          ++t;
          continue;
        }
      } else if (Fold(pc, case_insensitive) == Fold(text[t], case_insensitive)) {
        ++p;
        ++t;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p + 1;
    t = ++star_t;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

void WildcardSet::Add(std::string_view pattern, size_t id) {
  ++size_;
  if (!HasWildcard(pattern)) {
    auto it = exact_.find(pattern);
    if (it == exact_.end()) {
      exact_names_.emplace_back(pattern);
      it = exact_.emplace(std::string_view(exact_names_.back()), std::vector<size_t>{})
               .first;
    }
    it->second.push_back(id);
    return;
  }
  // A first byte that is not a wildcard must equal the text's first byte;
  // a last byte that is neither a wildcard nor the end of a class must equal
  // the text's last (an unterminated '[' is literal, which keeps this true).
  const auto first = static_cast<unsigned char>(pattern.front());
  const auto last = static_cast<unsigned char>(pattern.back());
  // The literal runs before the first wildcard and after the last one must
  // begin and end the text: two memcmp calls reject most texts before the
  // full match runs (a ']' or '[' ends a run even when it is literal, which
  // only makes the run shorter).
  Glob g{std::string(pattern), id, pattern.find_first_of("*?["),
         pattern.size() - 1 - pattern.find_last_of("*?[]")};
  if (first != '*' && first != '?' && first != '[') {
    by_first_[first].push_back(std::move(g));
  } else if (last != '*' && last != '?' && last != ']') {
    by_last_[last].push_back(std::move(g));
  } else {
    other_.push_back(std::move(g));
  }
}

void WildcardSet::Match(std::string_view text, std::vector<size_t>& out) const {
  out.clear();
  if (auto it = exact_.find(text); it != exact_.end()) {
    out.insert(out.end(), it->second.begin(), it->second.end());
  }
  if (text.empty()) {
    for (const Glob& g : other_) {
      if (WildcardMatch(g.pattern, text)) out.push_back(g.id);
    }
    return;
  }
  auto scan = [&](const std::vector<Glob>& globs) {
    for (const Glob& g : globs) {
      if (g.prefix + g.suffix > text.size() ||
          text.compare(0, g.prefix, g.pattern, 0, g.prefix) != 0 ||
          text.compare(text.size() - g.suffix, g.suffix, g.pattern,
                       g.pattern.size() - g.suffix, g.suffix) != 0) {
        continue;
      }
      if (WildcardMatch(g.pattern, text)) out.push_back(g.id);
    }
  };
  scan(by_first_[static_cast<unsigned char>(text.front())]);
  scan(by_last_[static_cast<unsigned char>(text.back())]);
  scan(other_);
}

bool HasWildcard(std::string_view s) {
  return s.find_first_of("*?[") != std::string_view::npos;
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Fold(c, true);
  return out;
}

}  // namespace contraband
