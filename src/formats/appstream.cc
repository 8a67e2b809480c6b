#include "formats/appstream.h"

#include <cstdint>
#include <optional>
#include <vector>

#include "common/text.h"
#include "formats/parse_error.h"

namespace contraband {
namespace {

struct Attr {
  std::string_view name;
  std::string value;  ///< entities decoded
};

// The five predefined entities and character references; anything else is
// kept as written (no DTD entities are ever expanded).
std::string Decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out.push_back(s[i]);
      continue;
    }
    size_t semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 12) {
      out.push_back('&');
      continue;
    }
    std::string_view ent = s.substr(i + 1, semi - i - 1);
    if (ent == "lt")
      out.push_back('<');
    else if (ent == "gt")
      out.push_back('>');
    else if (ent == "amp")
      out.push_back('&');
    else if (ent == "quot")
      out.push_back('"');
    else if (ent == "apos")
      out.push_back('\'');
    else if (ent.size() >= 2 && ent[0] == '#') {
      const bool hex = ent[1] == 'x' || ent[1] == 'X';
      uint32_t cp = 0;
      bool ok = ent.size() > (hex ? 2u : 1u);
      for (size_t k = hex ? 2 : 1; k < ent.size() && ok; ++k) {
        char c = ent[k];
        int d = c >= '0' && c <= '9'          ? c - '0'
                : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                              : -1;
        if (d < 0)
          ok = false;
        else if (cp <= 0x10FFFF)
          cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(d);
      }
      if (!ok) {
        out.push_back('&');
        continue;
      }
      AppendUtf8(out, cp == 0 ? 0xFFFD : cp);  // XML has no NUL
    } else {
      out.push_back('&');
      continue;
    }
    i = semi;
  }
  return out;
}

std::string_view TrimWs(std::string_view s) {
  return TrimAscii(s, " \t\r\n");
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// days_from_civil (Howard Hinnant): days since 1970-01-01.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// A release's time in seconds: timestamp= wins, else date= "YYYY-MM-DD...".
std::optional<int64_t> ReleaseTime(const std::vector<Attr>& attrs) {
  for (const Attr& a : attrs) {
    if (a.name != "timestamp") continue;
    std::string_view v = TrimWs(a.value);
    if (v.empty() || v.size() > 15) return std::nullopt;
    int64_t t = 0;
    for (char c : v) {
      if (c < '0' || c > '9') return std::nullopt;
      t = t * 10 + (c - '0');
    }
    return t;
  }
  for (const Attr& a : attrs) {
    if (a.name != "date") continue;
    std::string_view v = TrimWs(a.value);
    if (v.size() < 10 || v[4] != '-' || v[7] != '-') return std::nullopt;
    int64_t y = 0;
    unsigned m = 0, d = 0;
    for (size_t k = 0; k < 10; ++k) {
      if (k == 4 || k == 7) continue;
      if (v[k] < '0' || v[k] > '9') return std::nullopt;
      int digit = v[k] - '0';
      if (k < 4)
        y = y * 10 + digit;
      else if (k < 7)
        m = m * 10 + static_cast<unsigned>(digit);
      else
        d = d * 10 + static_cast<unsigned>(digit);
    }
    if (m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
    return DaysFromCivil(y, m, d) * 86400;
  }
  return std::nullopt;
}

const std::string* FindAttr(const std::vector<Attr>& attrs,
                            std::string_view name) {
  for (const Attr& a : attrs) {
    if (a.name == name) return &a.value;
  }
  return nullptr;
}

}  // namespace

AppStreamInfo ParseAppStream(std::string_view text,
                             const AppStreamLimits& limits) {
  AppStreamInfo info;
  std::vector<std::string_view> stack;  // open element names
  size_t component_depth = 0;      // stack size inside <component>; 0: none
  bool component_done = false;     // only the first component is read
  std::string* capture = nullptr;  // the field whose text is being read
  size_t capture_depth = 0;
  std::string captured;

  struct Release {
    std::string version;
    std::optional<int64_t> time;
  };
  std::vector<Release> releases;

  auto fail = [](size_t at, const std::string& what) {
    throw ParseError("offset " + std::to_string(at) + ": " + what);
  };
  auto add_text = [&](std::string_view raw, bool decode) {
    if (capture == nullptr || captured.size() >= limits.max_text) return;
    std::string t = decode ? Decode(raw) : std::string(raw);
    captured.append(t, 0, limits.max_text - captured.size());
  };

  size_t pos = 0;
  while (pos < text.size()) {
    size_t lt = text.find('<', pos);
    if (lt == std::string_view::npos) lt = text.size();
    if (lt > pos) add_text(text.substr(pos, lt - pos), true);
    if (lt == text.size()) break;
    std::string_view rest = text.substr(lt);

    if (rest.substr(0, 4) == "<!--") {
      size_t end = text.find("-->", lt + 4);
      if (end == std::string_view::npos) fail(lt, "unterminated comment");
      pos = end + 3;
      continue;
    }
    if (rest.substr(0, 9) == "<![CDATA[") {
      size_t end = text.find("]]>", lt + 9);
      if (end == std::string_view::npos) fail(lt, "unterminated CDATA");
      add_text(text.substr(lt + 9, end - lt - 9), false);
      pos = end + 3;
      continue;
    }
    if (rest.substr(0, 2) == "<?") {
      size_t end = text.find("?>", lt + 2);
      if (end == std::string_view::npos) fail(lt, "unterminated <?...?>");
      pos = end + 2;
      continue;
    }
    if (rest.substr(0, 2) == "<!") {  // DOCTYPE: skipped, never interpreted
      size_t bracket = text.find('[', lt);
      size_t gt = text.find('>', lt);
      if (gt == std::string_view::npos) fail(lt, "unterminated <!...>");
      if (bracket != std::string_view::npos && bracket < gt) {
        size_t close = text.find("]", bracket);
        if (close == std::string_view::npos) fail(lt, "unterminated DOCTYPE");
        gt = text.find('>', close);
        if (gt == std::string_view::npos) fail(lt, "unterminated DOCTYPE");
      }
      pos = gt + 1;
      continue;
    }

    const bool closing = rest.size() > 1 && rest[1] == '/';
    size_t p = lt + (closing ? 2 : 1);
    size_t name_start = p;
    while (p < text.size() && !IsSpace(text[p]) && text[p] != '>' &&
           text[p] != '/') {
      ++p;
    }
    std::string_view name = text.substr(name_start, p - name_start);
    if (name.empty()) fail(lt, "a '<' that starts no tag");

    if (closing) {
      size_t gt = text.find('>', p);
      if (gt == std::string_view::npos) fail(lt, "unterminated end tag");
      if (stack.empty() || stack.back() != name) {
        fail(lt, "</" + std::string(name) + "> does not close " +
                     (stack.empty() ? std::string("any element")
                                    : "<" + std::string(stack.back()) + ">"));
      }
      if (capture != nullptr && stack.size() == capture_depth) {
        *capture = std::string(TrimWs(captured));
        capture = nullptr;
        captured.clear();
      }
      if (stack.size() == component_depth) {
        component_depth = 0;
        component_done = true;
      }
      stack.pop_back();
      pos = gt + 1;
      continue;
    }

    // Attributes, up to '>' or '/>'; quoted values may hold '>'.
    std::vector<Attr> attrs;
    bool self_closing = false;
    for (;;) {
      while (p < text.size() && IsSpace(text[p])) ++p;
      if (p >= text.size()) fail(lt, "unterminated tag <" + std::string(name));
      if (text[p] == '>') {
        ++p;
        break;
      }
      if (text[p] == '/') {
        if (p + 1 < text.size() && text[p + 1] == '>') {
          self_closing = true;
          p += 2;
          break;
        }
        fail(p, "stray '/' in tag <" + std::string(name) + ">");
      }
      size_t an = p;
      while (p < text.size() && !IsSpace(text[p]) && text[p] != '=' &&
             text[p] != '>' && text[p] != '/') {
        ++p;
      }
      std::string_view aname = text.substr(an, p - an);
      while (p < text.size() && IsSpace(text[p])) ++p;
      if (aname.empty() || p >= text.size() || text[p] != '=') {
        fail(p, "attribute without a value in <" + std::string(name) + ">");
      }
      ++p;
      while (p < text.size() && IsSpace(text[p])) ++p;
      if (p >= text.size() || (text[p] != '"' && text[p] != '\'')) {
        fail(p, "unquoted attribute value in <" + std::string(name) + ">");
      }
      char q = text[p];
      size_t close = text.find(q, p + 1);
      if (close == std::string_view::npos) fail(p, "unterminated quote");
      if (attrs.size() < 64) {
        attrs.push_back({aname, Decode(text.substr(p + 1, close - p - 1))});
      }
      p = close + 1;
    }
    pos = p;

    if (stack.size() >= limits.max_depth) {
      fail(lt,
           "elements nested deeper than " + std::to_string(limits.max_depth));
    }
    stack.push_back(name);
    const size_t depth = stack.size();

    if (component_depth == 0 && !component_done && name == "component" &&
        depth <= 2) {
      component_depth = depth;
    } else if (component_depth != 0 && capture == nullptr) {
      const size_t rel = depth - component_depth;  // 1: a direct child
      const std::string_view parent = stack[depth - 2];
      const bool translated = FindAttr(attrs, "xml:lang") != nullptr;
      std::string* field = nullptr;
      if (rel == 1 && name == "id" && info.id.empty()) field = &info.id;
      if (rel == 1 && name == "name" && !translated && info.name.empty()) {
        field = &info.name;
      }
      if (!translated && info.developer.empty() &&
          ((rel == 1 && name == "developer_name") ||
           (rel == 2 && name == "name" && parent == "developer"))) {
        field = &info.developer;
      }
      if (rel == 2 && name == "release" && parent == "releases") {
        if (releases.size() >= limits.max_releases) {
          fail(lt, "more than " + std::to_string(limits.max_releases) +
                       " releases");
        }
        Release r;
        if (const std::string* v = FindAttr(attrs, "version")) r.version = *v;
        r.time = ReleaseTime(attrs);
        releases.push_back(std::move(r));
      }
      if (field != nullptr && !self_closing) {
        capture = field;
        capture_depth = depth;
        captured.clear();
      }
    }
    if (self_closing) {
      if (depth == component_depth) {
        component_depth = 0;
        component_done = true;
      }
      stack.pop_back();
    }
  }
  if (!stack.empty()) {
    throw ParseError("<" + std::string(stack.back()) + "> is never closed");
  }
  if (!component_done) throw ParseError("no <component> element");

  info.releases = releases.size();
  bool all_timed = !releases.empty();
  for (const Release& r : releases) all_timed = all_timed && r.time.has_value();
  const Release* newest = nullptr;
  for (const Release& r : releases) {
    if (r.version.empty()) continue;
    if (newest == nullptr || (all_timed && *r.time > *newest->time))
      newest = &r;
  }
  if (newest != nullptr) info.version = newest->version;
  return info;
}

}  // namespace contraband
