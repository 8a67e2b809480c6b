// The report a person attaches to an audit: one self-contained HTML file (no
// network, no external CSS, JS or fonts; the picture is inline SVG) that
// reads with scripts off and prints to PDF. Verdict first, then the picture,
// a card per product found, the evidence, the inventory and the warnings.
//
// Every string that came from evidence or a catalog goes through HtmlEscape,
// the one escaper for text and attributes; links go only to https URLs. The
// Content-Security-Policy forbids every fetch, so even a mistake here could
// not make the page load anything.
#include "report/html_report.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <set>
#include <type_traits>

#include "catalog/catalog_regex.h"
#include "report/report.h"

namespace contraband {

std::string HtmlEscape(std::string_view text) {
  std::string storage;
  const std::string_view utf8 = AsValidUtf8(text, storage);
  std::string out;
  out.reserve(utf8.size() + utf8.size() / 8);
  for (char c : utf8) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default: {
        const auto u = static_cast<unsigned char>(c);
        // HTML forbids the C0 controls (but tab and line breaks) and DEL.
        if ((u < 0x20 && c != '\t' && c != '\n' && c != '\r') || u == 0x7F) {
          out += "\xEF\xBF\xBD";
        } else {
          out += c;
        }
      }
    }
  }
  return out;
}

std::string HttpsUrlOrEmpty(std::string_view url) {
  constexpr std::string_view kScheme = "https://";
  if (url.size() <= kScheme.size()) return "";
  for (size_t i = 0; i < kScheme.size(); ++i) {
    const char c = url[i];
    const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    if (lower != kScheme[i]) return "";
  }
  for (char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F || c == '\\') return "";
  }
  return std::string(url);
}

namespace {

bool EndsWithNoCase(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  s = s.substr(s.size() - suffix.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    if (c != suffix[i]) return false;
  }
  return true;
}

bool Contains(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}

// A loose installer or app file says its platform by its kind, else by where
// it lies (a Windows profile, a Mac's /Applications).
std::string_view InstallerPlatform(const Software& sw) {
  for (const std::string* s : {&sw.id, &sw.location, &sw.source}) {
    for (std::string_view ext : {".apk", ".apks", ".xapk", ".apkm"}) {
      if (EndsWithNoCase(*s, ext)) return "Android";
    }
    if (EndsWithNoCase(*s, ".ipa")) return "iOS";
    for (std::string_view ext : {".exe", ".msi", ".msix", ".appx",
                                 ".msixbundle", ".appxbundle", ".lnk"}) {
      if (EndsWithNoCase(*s, ext)) return "Windows";
    }
    for (std::string_view ext : {".dmg", ".pkg", ".mpkg", ".app"}) {
      if (EndsWithNoCase(*s, ext)) return "macOS";
    }
    for (std::string_view ext : {".deb", ".rpm", ".desktop", ".appimage"}) {
      if (EndsWithNoCase(*s, ext)) return "Linux";
    }
  }
  const std::string& where = sw.location.empty() ? sw.source : sw.location;
  if (Contains(where, "Program Files") || Contains(where, "/AppData/") ||
      Contains(where, "/Windows/") || Contains(where, "\\")) {
    return "Windows";
  }
  if (Contains(where, "/Applications/") || Contains(where, "/Library/") ||
      Contains(where, ".app/")) {
    return "macOS";
  }
  if (where.rfind("/opt/", 0) == 0 || where.rfind("/usr/", 0) == 0 ||
      where.rfind("/home/", 0) == 0 || where.rfind("/snap/", 0) == 0) {
    return "Linux";
  }
  return "Other";
}

}  // namespace

std::string_view PlatformColumn(const Software& sw) {
  const std::string& e = sw.ecosystem;
  if (e == "dpkg" || e == "rpm" || e == "apk" || e == "pacman" ||
      e == "snap" || e == "flatpak") {
    return "Linux";
  }
  if (e == "windows" || e == "msix") return "Windows";
  if (e == "macos" || e == "macos-pkg") return "macOS";
  if (e == "ios") return "iOS";
  if (e == "android") return "Android";
  if (e == "homebrew") {
    // Homebrew on Linux lives under /home/linuxbrew (or a user's ~/.linuxbrew).
    return Contains(sw.location, "linuxbrew") || Contains(sw.source, "linuxbrew")
               ? "Linux"
               : "macOS";
  }
  if (e == "installer") return InstallerPlatform(sw);
  return "Other";
}

namespace {

constexpr std::array<std::string_view, 5> kPlatforms = {
    "Windows", "macOS", "Linux", "iOS", "Android"};

std::string Human(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB",
                                           "PiB"};
  double v = static_cast<double>(bytes);
  size_t unit = 0;
  while (v >= 1024 && unit + 1 < std::size(kUnits)) {
    v /= 1024;
    ++unit;
  }
  char buf[32];
  if (unit == 0) {
    std::snprintf(buf, sizeof buf, "%llu B",
                  static_cast<unsigned long long>(bytes));
  } else {
    std::snprintf(buf, sizeof buf, "%.1f %s", v, kUnits[unit]);
  }
  return buf;
}

// The stylesheet: light and dark screens, and paper (@media print) where
// colour is kept for the verdict and the picture and links print their URL.
constexpr std::string_view kStyle = R"css(
:root { --fg:#1b1f24; --muted:#57606a; --bg:#fff; --card:#f6f8fa; --line:#d0d7de;
  --bad:#b42318; --bad-bg:#fde8e7; --warn:#9a6700; --warn-bg:#fff4d6;
  --ok:#1a7f37; --ok-bg:#e6f4ea; --info:#0b5cad; --info-bg:#e7f0fb; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg);
  background: var(--bg); margin: 0 auto; padding: 1.5rem; max-width: 1200px; }
h1 { font-size: 1.7rem; margin: 0 0 .3rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .6rem; border-bottom: 1px solid var(--line); padding-bottom: .2rem; }
h3 { font-size: 1.15rem; margin: 0 0 .4rem; }
h4 { font-size: .95rem; margin: 1rem 0 .3rem; }
code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .88em; }
.hash { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .8em; word-break: break-all; }
.muted { color: var(--muted); }
.verdict { border-radius: 8px; padding: 1rem 1.25rem; border-left: 10px solid; }
.verdict-banned { background: var(--bad-bg); border-color: var(--bad); }
.verdict-banned h1 { color: var(--bad); }
.verdict-clean { background: var(--ok-bg); border-color: var(--ok); }
.verdict-clean h1 { color: var(--ok); }
.verdict-incomplete { background: var(--warn-bg); border-color: var(--warn); }
.verdict-incomplete h1 { color: var(--warn); }
.verdict-inventory { background: var(--info-bg); border-color: var(--info); }
.verdict-inventory h1 { color: var(--info); }
.verdict p { margin: .3rem 0; }
nav ul { list-style: none; padding: 0; margin: .8rem 0 0; display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px;
  padding: 1rem 1.25rem; margin: 0 0 1rem; }
.card-installed { border-left: 6px solid var(--bad); }
.card-past { border-left: 6px solid var(--warn); }
.bans { margin: .2rem 0; padding-left: 1.2rem; }
.bans li { margin: .25rem 0; }
.status { display: inline-block; font-size: .78em; padding: 0 .4em; border-radius: 4px;
  border: 1px solid var(--line); background: var(--bg); }
.status-revoked, .status-superseded { color: var(--warn); border-color: var(--warn); }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .88rem; background: var(--bg); }
th, td { border: 1px solid var(--line); padding: .3rem .45rem; text-align: left; vertical-align: top; }
th { background: var(--card); }
td { overflow-wrap: anywhere; }
td.state, td.confidence, td.version { overflow-wrap: normal; }
td.state { white-space: nowrap; }
tr.finding.state-installed td.state { color: var(--bad); font-weight: 600; }
tr.finding.state-removed td.state, tr.finding.state-residue td.state { color: var(--warn); }
.badge-new { color: var(--bad); font-weight: 600; }
th button { font: inherit; font-weight: 600; background: none; border: 0; padding: 0; cursor: pointer; color: inherit; }
th[aria-sort="ascending"] button::after { content: " \25B2"; }
th[aria-sort="descending"] button::after { content: " \25BC"; }
.filter { margin: .4rem 0; }
.filter input { font: inherit; padding: .25rem .4rem; min-width: 18rem; }
svg text { font-family: system-ui, sans-serif; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
footer { margin-top: 2rem; }
@media (prefers-color-scheme: dark) {
  :root { --fg:#e6edf3; --muted:#9da7b3; --bg:#0d1117; --card:#161b22; --line:#30363d;
    --bad:#ff7b72; --bad-bg:#3a1618; --warn:#e3b341; --warn-bg:#3a2d0c;
    --ok:#56d364; --ok-bg:#12301b; --info:#79c0ff; --info-bg:#0c2440; }
}
@media print {
  :root { --fg:#000; --muted:#333; --bg:#fff; --card:#fff; --line:#999; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { font-size: 10pt; max-width: none; padding: 0; }
  nav, .filter, .no-print { display: none; }
  h2 { break-after: avoid; }
  .card, figure, tr { break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
  a[href^="https:"]::after { content: " <" attr(href) ">"; font-size: .8em; overflow-wrap: anywhere; }
  th button::after { content: "" !important; }
}
)css";

// Sorting and filtering for the inventory table, added only when scripts
// run: without them the page shows the whole table in its canonical order.
constexpr std::string_view kScript = R"js(
(function () {
  'use strict';
  var table = document.getElementById('inventory-table');
  if (!table || !table.tBodies.length) return;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var texts = rows.map(function (r) { return r.textContent.toLowerCase(); });
  var box = document.createElement('div');
  box.className = 'filter';
  var input = document.createElement('input');
  input.type = 'search';
  input.id = 'inventory-filter';
  input.placeholder = 'Filter the inventory';
  input.setAttribute('aria-label', 'Filter the inventory');
  var shown = document.createElement('span');
  shown.className = 'muted';
  shown.setAttribute('aria-live', 'polite');
  box.appendChild(input);
  box.appendChild(document.createTextNode(' '));
  box.appendChild(shown);
  table.parentNode.parentNode.insertBefore(box, table.parentNode);
  function count(n) { shown.textContent = n + ' of ' + rows.length + ' shown'; }
  count(rows.length);
  input.addEventListener('input', function () {
    var q = input.value.trim().toLowerCase(), n = 0;
    for (var i = 0; i < rows.length; i++) {
      var hit = q === '' || texts[i].indexOf(q) !== -1;
      rows[i].hidden = !hit;
      if (hit) n++;
    }
    count(n);
  });
  var heads = table.tHead.rows[0].cells;
  var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
  Array.prototype.forEach.call(heads, function (th, col) {
    var button = document.createElement('button');
    button.type = 'button';
    button.textContent = th.textContent;
    th.textContent = '';
    th.appendChild(button);
    button.addEventListener('click', function () {
      var ascending = th.getAttribute('aria-sort') !== 'ascending';
      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      var order = rows.map(function (r, i) { return i; });
      order.sort(function (a, b) {
        var c = collator.compare(rows[a].cells[col].textContent, rows[b].cells[col].textContent);
        return (ascending ? c : -c) || a - b;
      });
      var fragment = document.createDocumentFragment();
      var sortedRows = [], sortedTexts = [];
      order.forEach(function (i) { fragment.appendChild(rows[i]); sortedRows.push(rows[i]); sortedTexts.push(texts[i]); });
      rows = sortedRows; texts = sortedTexts;
      body.appendChild(fragment);
    });
  });
})();
)js";

class HtmlWriter {
 public:
  HtmlWriter(const Report& r, std::ostream& out)
      : r_(r), out_(out), several_(r.evidence.size() > 1) {}

  void Write() {
    const std::string title = Title();
    out_ << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
         << "<meta charset=\"utf-8\">\n"
         << "<meta http-equiv=\"Content-Security-Policy\" content=\""
            "default-src 'none'; style-src 'unsafe-inline'; "
            "script-src 'unsafe-inline'; img-src data:\">\n"
         << "<meta name=\"referrer\" content=\"no-referrer\">\n"
         << "<meta name=\"viewport\" content=\"width=device-width, "
            "initial-scale=1\">\n"
         << "<meta name=\"generator\" content=\"contraband "
         << HtmlEscape(r_.tool_version) << "\">\n"
         << "<title>" << HtmlEscape(title) << "</title>\n"
         << "<style>" << kStyle << "</style>\n</head>\n<body>\n";
    Verdict();
    Contents();
    if (r_.matching) {
      Picture();
      Cards();
      if (!r_.baseline_path.empty()) Resolved();
    }
    Evidence();
    if (r_.include_software) Inventory();
    Warnings();
    About();
    out_ << "<script>" << kScript << "</script>\n</body>\n</html>\n";
  }

 private:
  bool Incomplete() const {
    return !r_.unreadable.empty() || !r_.stopped.empty();
  }

  std::string Title() const {
    std::string title = "contraband ";
    title += r_.matching ? "scan" : "inventory";
    for (const EvidenceSummary& e : r_.evidence) title += " " + e.path;
    return title;
  }

  // One finding per product, in report order (findings are sorted by product).
  std::vector<std::vector<const Finding*>> ByProduct() const {
    std::vector<std::vector<const Finding*>> groups;
    for (const Finding& f : r_.findings) {
      if (groups.empty() || groups.back().front()->product != f.product) {
        groups.emplace_back();
      }
      groups.back().push_back(&f);
    }
    return groups;
  }

  // The verdict in words and colour, on the same logic as the exit status:
  // evidence not (fully) read is incomplete (3) whatever was found in the
  // rest; else installed banned software (1); else clean (0).
  void Verdict() {
    const size_t installed = r_.InstalledFindingCount();
    std::string cls, headline;
    if (!r_.matching) {
      cls = Incomplete() ? "incomplete" : "inventory";
      headline = Incomplete() ? "Incomplete inventory" : "Inventory";
    } else if (Incomplete()) {
      cls = "incomplete";
      headline = installed > 0
                     ? "Incomplete: banned software found in what could be read"
                     : "Incomplete: no banned software in what could be read";
    } else if (installed > 0) {
      cls = "banned";
      headline = "Banned software found";
    } else {
      cls = "clean";
      headline = "Clean: no banned software installed";
    }
    out_ << "<header id=\"verdict\" class=\"verdict verdict-" << cls
         << "\" data-verdict=\"" << cls << "\">\n<h1>" << HtmlEscape(headline)
         << "</h1>\n";
    if (r_.matching) {
      const size_t products = ByProduct().size();
      out_ << "<p>" << r_.findings.size() << " finding"
           << (r_.findings.size() == 1 ? "" : "s") << " (" << installed
           << " of installed software) of " << products << " product"
           << (products == 1 ? "" : "s") << "; " << r_.stats.software
           << " software records read.</p>\n";
      if (installed == 0 && !r_.findings.empty()) {
        out_ << "<p>Every finding is of removed software or its leftovers: "
                "evidence of the past, which does not make the verdict.</p>\n";
      }
    } else {
      out_ << "<p>" << r_.stats.software << " software records.</p>\n";
    }
    if (!r_.unreadable.empty()) {
      out_ << "<p><strong>Nothing could be read from:</strong>";
      for (const std::string& p : r_.unreadable) {
        out_ << " <code>" << HtmlEscape(p) << "</code>";
      }
      out_ << "</p>\n";
    }
    if (!r_.stopped.empty()) {
      out_ << "<p><strong>--max-runtime stopped the scan</strong>, so these "
              "were read in part or not at all:";
      for (const std::string& p : r_.stopped) {
        out_ << " <code>" << HtmlEscape(p) << "</code>";
      }
      out_ << "</p>\n";
    }
    out_ << "<p class=\"muted\">Evidence:";
    for (const EvidenceSummary& e : r_.evidence) {
      out_ << " <code>" << HtmlEscape(e.path) << "</code>";
    }
    out_ << "; scanned " << HtmlEscape(r_.started) << " to "
         << HtmlEscape(r_.finished) << " (" << r_.stats.duration_ms
         << " ms) by contraband " << HtmlEscape(r_.tool_version)
         << " with catalog " << HtmlEscape(r_.catalog->version) << ".</p>\n"
         << "</header>\n";
  }

  void Contents() {
    out_ << "<nav aria-label=\"Contents\"><ul>";
    if (r_.matching) {
      out_ << "<li><a href=\"#picture\">Picture</a></li>"
           << "<li><a href=\"#findings\">Findings</a></li>";
      if (!r_.baseline_path.empty()) {
        out_ << "<li><a href=\"#resolved\">Resolved</a></li>";
      }
    }
    out_ << "<li><a href=\"#evidence\">Evidence</a></li>";
    if (r_.include_software) {
      out_ << "<li><a href=\"#inventory\">Inventory</a></li>";
    }
    out_ << "<li><a href=\"#warnings\">Warnings (" << r_.warnings.size()
         << ")</a></li><li><a href=\"#about\">Tool and catalog</a></li>"
         << "</ul></nav>\n";
  }

  // Products found × platforms: red where installed, amber where only
  // removed or residue; each cell also says it in text, for print and for
  // readers who do not see colour.
  void Picture() {
    const auto groups = ByProduct();
    out_ << "<section id=\"picture\">\n<h2>Where banned software was "
            "found</h2>\n";
    if (groups.empty()) {
      out_ << "<p>No banned software was found on any platform.</p>\n"
              "</section>\n";
      return;
    }
    std::vector<std::string_view> columns(kPlatforms.begin(), kPlatforms.end());
    for (const Finding& f : r_.findings) {
      if (PlatformColumn(f.software) == "Other") {
        columns.push_back("Other");
        break;
      }
    }
    constexpr int kLabelWidth = 220, kCell = 96, kRow = 34, kHead = 34,
                  kLegend = 30;
    const int width = kLabelWidth + kCell * static_cast<int>(columns.size()) + 2;
    const int height =
        kHead + kRow * static_cast<int>(groups.size()) + kLegend + 4;
    out_ << "<figure style=\"margin:0\">\n<svg xmlns=\"http://www.w3.org/2000/"
            "svg\" role=\"img\" aria-labelledby=\"picture-title\" width=\""
         << width << "\" height=\"" << height << "\" viewBox=\"0 0 " << width
         << " " << height << "\" style=\"max-width:100%;height:auto\">\n"
         << "<title id=\"picture-title\">Products found by platform</title>\n";
    for (size_t c = 0; c < columns.size(); ++c) {
      out_ << "<text x=\"" << kLabelWidth + kCell * static_cast<int>(c) + kCell / 2
           << "\" y=\"22\" text-anchor=\"middle\" font-weight=\"600\" "
              "font-size=\"14\" fill=\"currentColor\">"
           << columns[c] << "</text>\n";
    }
    for (size_t row = 0; row < groups.size(); ++row) {
      const Product& product = *groups[row].front()->product;
      const int y = kHead + kRow * static_cast<int>(row);
      std::string label = product.name.empty() ? product.id : product.name;
      if (label.size() > 28) label = label.substr(0, 27) + "\xE2\x80\xA6";
      out_ << "<g class=\"picture-row\" data-product=\""
           << HtmlEscape(product.id) << "\">\n<text x=\"4\" y=\"" << y + 22
           << "\" font-size=\"14\" fill=\"currentColor\">" << HtmlEscape(label)
           << "</text>\n";
      for (size_t c = 0; c < columns.size(); ++c) {
        size_t installed = 0, past = 0;
        for (const Finding* f : groups[row]) {
          if (PlatformColumn(f->software) != columns[c]) continue;
          if (f->software.state == SoftwareState::kInstalled) {
            ++installed;
          } else {
            ++past;
          }
        }
        const char* fill = installed ? "#d92d20" : past ? "#f5b83d" : "none";
        const char* ink = installed ? "#ffffff" : "#1b1f24";
        const int x = kLabelWidth + kCell * static_cast<int>(c);
        std::string words = installed ? std::to_string(installed) + " installed"
                            : past    ? std::to_string(past) + " past"
                                      : "";
        out_ << "<rect class=\"cell"
             << (installed ? " cell-installed" : past ? " cell-past" : "")
             << "\" x=\"" << x + 3 << "\" y=\"" << y + 3 << "\" width=\""
             << kCell - 6 << "\" height=\"" << kRow - 6
             << "\" rx=\"4\" fill=\"" << fill
             << "\" stroke=\"#8c959f\" stroke-width=\"1\"><title>"
             << HtmlEscape(product.id) << " on " << columns[c] << ": "
             << (words.empty() ? "not found" : words) << "</title></rect>\n";
        if (!words.empty()) {
          out_ << "<text x=\"" << x + kCell / 2 << "\" y=\"" << y + 22
               << "\" text-anchor=\"middle\" font-size=\"12\" fill=\"" << ink
               << "\">" << words << "</text>\n";
        }
      }
      out_ << "</g>\n";
    }
    const int ly = kHead + kRow * static_cast<int>(groups.size()) + 10;
    out_ << "<rect x=\"4\" y=\"" << ly << "\" width=\"14\" height=\"14\" "
            "fill=\"#d92d20\"/><text x=\"24\" y=\""
         << ly + 12 << "\" font-size=\"12\" fill=\"currentColor\">installed"
                       "</text>\n<rect x=\"110\" y=\""
         << ly << "\" width=\"14\" height=\"14\" fill=\"#f5b83d\"/>"
                  "<text x=\"130\" y=\""
         << ly + 12
         << "\" font-size=\"12\" fill=\"currentColor\">past only (removed or "
            "residue)</text>\n</svg>\n</figure>\n</section>\n";
  }

  void Link(const std::string& url, std::string_view text) {
    const std::string safe = HttpsUrlOrEmpty(url);
    if (!safe.empty()) {
      out_ << "<a href=\"" << HtmlEscape(safe)
           << "\" rel=\"noreferrer noopener\" target=\"_blank\">"
           << HtmlEscape(text) << "</a>";
    } else if (!url.empty()) {
      // Not https: shown, never linked.
      out_ << HtmlEscape(text) << " <span class=\"muted\">(source, not "
              "linked: <code>" << HtmlEscape(url) << "</code>)</span>";
    } else {
      out_ << HtmlEscape(text);
    }
  }

  // A ban's or policy's status: in force, revoked on a date (with the
  // revocation's source linked), or superseded by a later measure.
  void Status(const MeasureStatus& m) {
    if (m.status.empty()) return;
    out_ << " <span class=\"status status-" << HtmlEscape(m.status) << "\">"
         << HtmlEscape(m.status);
    if (!m.revoked_date.empty()) out_ << " " << HtmlEscape(m.revoked_date);
    if (!m.superseded_by.empty()) out_ << " by " << HtmlEscape(m.superseded_by);
    out_ << "</span>";
    if (!m.revoked_source.empty()) {
      out_ << " (";
      Link(m.revoked_source, "revocation");
      out_ << ")";
    }
  }

  void WhyBanned(const Finding& f) {
    const Product& p = *f.product;
    out_ << "<h4>Why it is banned</h4>\n";
    if (p.bans.empty() && f.policies.empty()) {
      out_ << "<p>The catalog records no ban or policy for it.</p>\n";
    }
    if (!p.bans.empty()) {
      out_ << "<ul class=\"bans\">\n";
      for (const Ban& b : p.bans) {
        out_ << "<li class=\"ban\"><strong>"
             << HtmlEscape(b.date.empty() ? "undated" : b.date)
             << "</strong> " << HtmlEscape(b.jurisdiction) << ": ";
        Link(b.source, b.authority.empty() ? b.instrument : b.authority);
        Status(b.status);
        if (!b.authority.empty() && !b.instrument.empty()) {
          out_ << ", " << HtmlEscape(b.instrument);
        }
        if (!b.scope.empty()) {
          out_ << "<br><span class=\"muted\">Scope: " << HtmlEscape(b.scope)
               << "</span>";
        }
        out_ << "</li>\n";
      }
      out_ << "</ul>\n";
    }
    if (!f.policies.empty()) {
      out_ << "<p>Policies of this catalog naming it:</p>\n<ul class=\"bans\">\n";
      for (const std::string& id : f.policies) {
        const Policy* policy = r_.catalog->FindPolicy(id);
        out_ << "<li class=\"policy\"><code>" << HtmlEscape(id) << "</code>";
        if (policy) {
          out_ << " (" << HtmlEscape(policy->date.empty() ? "undated"
                                                          : policy->date)
               << "): ";
          Link(policy->source, policy->name);
          Status(policy->status);
          if (!policy->authority.empty()) {
            out_ << ", " << HtmlEscape(policy->authority);
          }
        }
        out_ << "</li>\n";
      }
      out_ << "</ul>\n";
    }
  }

  std::string Where(const Software& sw) const {
    std::string where;
    if (several_) where += sw.evidence + " ";
    if (!sw.volume.empty()) where += "#" + sw.volume + " ";
    where += sw.location.empty() ? "-" : sw.location;
    return where;
  }

  void FindingRow(const Finding& f, bool hashes, bool baseline) {
    const Software& sw = f.software;
    const std::string state(ToString(sw.state));
    out_ << "<tr class=\"finding state-" << state << "\">";
    out_ << "<td class=\"software\"><code>" << HtmlEscape(sw.id) << "</code> ("
         << HtmlEscape(sw.ecosystem) << ")";
    if (!sw.name.empty() && sw.name != sw.id) {
      out_ << "<br>" << HtmlEscape(sw.name);
    }
    if (!sw.publisher.empty()) {
      out_ << "<br><span class=\"muted\">" << HtmlEscape(sw.publisher)
           << "</span>";
    }
    out_ << "</td><td class=\"version\">"
         << HtmlEscape(sw.version.empty() ? "-" : sw.version) << "</td>"
         << "<td class=\"user\">" << HtmlEscape(sw.user.empty() ? "-" : sw.user)
         << "</td><td class=\"state\">" << HtmlEscape(state);
    if (!sw.installed_at.empty()) {
      out_ << "<br><span class=\"muted\">installed " << HtmlEscape(sw.installed_at)
           << "</span>";
    }
    if (!sw.removed_at.empty()) {
      out_ << "<br><span class=\"muted\">removed " << HtmlEscape(sw.removed_at)
           << "</span>";
    }
    if (!sw.last_seen.empty()) {
      out_ << "<br><span class=\"muted\">last seen " << HtmlEscape(sw.last_seen)
           << "</span>";
    }
    if (!sw.last_used.empty()) {
      out_ << "<br><span class=\"muted\">last used " << HtmlEscape(sw.last_used)
           << "</span>";
    }
    out_ << "</td><td class=\"where\">" << HtmlEscape(Where(sw)) << "</td>"
         << "<td class=\"proof\"><code>" << HtmlEscape(sw.source) << "</code>";
    if (!sw.source_key.empty()) {
      out_ << "<br>[" << HtmlEscape(sw.source_key) << "]";
    }
    for (const AlsoSource& a : sw.also_sources) {
      out_ << "<br>+ <code>" << HtmlEscape(a.path) << "</code>";
    }
    out_ << "</td><td class=\"rule\">" << HtmlEscape(f.field) << " "
         << ToString(f.rule->op) << " <code>" << HtmlEscape(f.pattern) << "</code>";
    if (!f.signer_discrepancy.empty()) {
      out_ << "<br><strong class=\"signer-discrepancy\">"
           << HtmlEscape(f.signer_discrepancy) << "</strong>";
    }
    out_ << "</td><td class=\"confidence\">" << ToString(f.confidence) << "</td>";
    if (hashes) {
      out_ << "<td class=\"hash\">" << HtmlEscape(sw.source_sha256);
      for (const AlsoSource& a : sw.also_sources) {
        if (!a.sha256.empty()) out_ << "<br>+ " << HtmlEscape(a.sha256);
      }
      out_ << "</td>";
    }
    if (baseline) {
      out_ << "<td class=\"baseline" << (f.baseline == "new" ? " badge-new" : "")
           << "\">" << HtmlEscape(f.baseline) << "</td>";
    }
    out_ << "</tr>\n";
  }

  void Cards() {
    out_ << "<section id=\"findings\">\n<h2>Findings by product</h2>\n";
    const auto groups = ByProduct();
    if (groups.empty()) {
      out_ << "<p>No banned software found.</p>\n";
    }
    const bool hashes = std::any_of(
        r_.findings.begin(), r_.findings.end(),
        [](const Finding& f) { return !f.software.source_sha256.empty(); });
    const bool baseline = !r_.baseline_path.empty();
    for (const auto& group : groups) {
      const Product& p = *group.front()->product;
      const bool installed =
          std::any_of(group.begin(), group.end(), [](const Finding* f) {
            return f->software.state == SoftwareState::kInstalled;
          });
      out_ << "<article class=\"card product "
           << (installed ? "card-installed" : "card-past") << "\" id=\"product-"
           << HtmlEscape(p.id) << "\" data-product=\"" << HtmlEscape(p.id)
           << "\">\n<h3>" << HtmlEscape(p.name.empty() ? p.id : p.name)
           << " <code class=\"muted\">" << HtmlEscape(p.id) << "</code></h3>\n";
      if (!p.vendor.empty()) {
        out_ << "<p class=\"muted\">" << HtmlEscape(p.vendor) << "</p>\n";
      }
      out_ << "<h4>Found (" << group.size() << ")</h4>\n<div class=\"table-wrap\">"
              "<table class=\"findings\">\n<thead><tr><th>Software</th>"
              "<th>Version</th><th>User</th><th>State</th><th>Where</th>"
              "<th>Proving file</th><th>Rule</th><th>Confidence</th>";
      if (hashes) out_ << "<th>SHA-256 of the proving file</th>";
      if (baseline) out_ << "<th>Baseline</th>";
      out_ << "</tr></thead>\n<tbody>\n";
      for (const Finding* f : group) FindingRow(*f, hashes, baseline);
      out_ << "</tbody></table></div>\n";
      WhyBanned(*group.front());
      out_ << "</article>\n";
    }
    out_ << "</section>\n";
  }

  void Resolved() {
    out_ << "<section id=\"resolved\">\n<h2>Resolved since the baseline</h2>\n"
         << "<p>Findings of <code>" << HtmlEscape(r_.baseline_path)
         << "</code> that this scan no longer has: " << r_.resolved.size()
         << ".</p>\n";
    if (!r_.resolved.empty()) {
      out_ << "<div class=\"table-wrap\"><table class=\"resolved\">\n<thead><tr>"
              "<th>Product</th><th>Software</th><th>Version</th><th>State</th>"
              "<th>User</th><th>Proving file</th></tr></thead>\n<tbody>\n";
      for (const ResolvedFinding& f : r_.resolved) {
        out_ << "<tr><td>" << HtmlEscape(f.product) << "</td><td><code>"
             << HtmlEscape(f.id) << "</code> (" << HtmlEscape(f.ecosystem)
             << ")</td><td>" << HtmlEscape(f.version.empty() ? "-" : f.version)
             << "</td><td>" << HtmlEscape(f.state) << "</td><td>"
             << HtmlEscape(f.user.empty() ? "-" : f.user) << "</td><td><code>"
             << HtmlEscape((f.volume.empty() ? "" : "#" + f.volume + " ") +
                           f.source)
             << "</code></td></tr>\n";
      }
      out_ << "</tbody></table></div>\n";
    }
    out_ << "</section>\n";
  }

  void Evidence() {
    out_ << "<section id=\"evidence\">\n<h2>Evidence</h2>\n<div "
            "class=\"table-wrap\"><table class=\"evidence\">\n<thead><tr>"
            "<th>Path</th><th>Kind</th><th>Size</th><th>SHA-256</th>"
            "<th>Volumes and their chain</th></tr></thead>\n<tbody>\n";
    for (const EvidenceSummary& e : r_.evidence) {
      out_ << "<tr><td><code>" << HtmlEscape(e.path) << "</code></td><td>"
           << HtmlEscape(e.kind);
      if (!e.format.empty() && e.format != e.kind) {
        out_ << " (" << HtmlEscape(e.format) << ")";
      }
      // A folder has neither one size nor one digest; a container's digest
      // is there with --hash.
      out_ << "</td><td>" << (e.size == 0 ? "-" : Human(e.size));
      if (e.size >= 1024) out_ << "<br><span class=\"muted\">" << e.size << " bytes</span>";
      out_ << "</td><td class=\"hash\">"
           << (e.sha256.empty() ? "-" : HtmlEscape(e.sha256)) << "</td><td>";
      if (e.volumes.empty()) {
        out_ << (e.kind == "disk-image" ? "no volume could be read" : "-");
      }
      for (const EvidenceSummary::Volume& v : e.volumes) {
        out_ << "<div class=\"volume\">"
             << HtmlEscape(v.name.empty() ? "(whole)" : v.name)
             << ": <code class=\"chain\">" << HtmlEscape(v.chain)
             << "</code></div>";
      }
      for (const Device& d : e.devices) {
        out_ << "<div class=\"device\">device: "
             << HtmlEscape(DescribeDevice(d))
             << " <span class=\"muted\">(" << HtmlEscape(d.source)
             << ")</span></div>";
      }
      out_ << "</td></tr>\n";
    }
    for (const std::string& p : r_.unreadable) {
      out_ << "<tr class=\"unreadable\"><td><code>" << HtmlEscape(p)
           << "</code></td><td colspan=\"4\">nothing could be read</td></tr>\n";
    }
    out_ << "</tbody></table></div>\n<p class=\"muted\">" << r_.stats.files_read
         << " files read, " << Human(r_.stats.bytes_read) << ".</p>\n"
         << "</section>\n";
  }

  void Inventory() {
    out_ << "<section id=\"inventory\">\n<h2>Inventory (" << r_.software.size()
         << " software records)</h2>\n<div class=\"table-wrap\"><table "
            "id=\"inventory-table\" class=\"inventory\">\n<thead><tr>"
            "<th>Platform</th><th>Ecosystem</th><th>Id</th><th>Name</th>"
            "<th>Version</th><th>Publisher</th><th>State</th><th>User</th>"
            "<th>Where</th><th>Proving file</th></tr></thead>\n<tbody>\n";
    for (const Software& sw : r_.software) {
      const std::string state(ToString(sw.state));
      out_ << "<tr class=\"software state-" << state << "\"><td>"
           << PlatformColumn(sw) << "</td><td>" << HtmlEscape(sw.ecosystem)
           << "</td><td><code>" << HtmlEscape(sw.id) << "</code></td><td>"
           << HtmlEscape(sw.name) << "</td><td>"
           << HtmlEscape(sw.version.empty() ? "-" : sw.version) << "</td><td>"
           << HtmlEscape(sw.publisher) << "</td><td class=\"state\">"
           << HtmlEscape(state) << "</td><td>"
           << HtmlEscape(sw.user.empty() ? "-" : sw.user) << "</td><td>"
           << HtmlEscape(Where(sw)) << "</td><td><code>"
           << HtmlEscape(sw.source) << "</code>";
      if (!sw.source_key.empty()) out_ << " [" << HtmlEscape(sw.source_key) << "]";
      out_ << "</td></tr>\n";
    }
    out_ << "</tbody></table></div>\n</section>\n";
  }

  void Warnings() {
    out_ << "<section id=\"warnings\">\n<h2>Warnings (" << r_.warnings.size()
         << ")</h2>\n";
    if (r_.warnings.empty()) {
      out_ << "<p>None: every record read was understood.</p>\n</section>\n";
      return;
    }
    out_ << "<div class=\"table-wrap\"><table class=\"warnings\">\n<thead><tr>";
    if (several_) out_ << "<th>Evidence</th>";
    out_ << "<th>File</th><th>Collector</th><th>Message</th></tr></thead>\n"
            "<tbody>\n";
    for (const Warning& w : r_.warnings) {
      out_ << "<tr class=\"warning\">";
      if (several_) out_ << "<td><code>" << HtmlEscape(w.evidence) << "</code></td>";
      out_ << "<td><code>" << HtmlEscape(w.path) << "</code></td><td>"
           << HtmlEscape(w.collector) << "</td><td>" << HtmlEscape(w.message)
           << "</td></tr>\n";
    }
    out_ << "</tbody></table></div>\n</section>\n";
  }

  void About() {
    const Catalog& c = *r_.catalog;
    out_ << "<footer id=\"about\">\n<h2>Tool and catalog</h2>\n<dl "
            "class=\"facts\">\n<dt>Tool</dt><dd>contraband "
         << HtmlEscape(r_.tool_version) << "</dd>\n<dt>Catalog version</dt><dd>"
         << HtmlEscape(c.version) << "</dd>\n<dt>Catalog SHA-256</dt><dd "
            "class=\"hash\" id=\"catalog-sha256\">"
         << HtmlEscape(c.sha256) << "</dd>\n<dt>Catalog source</dt><dd>"
         << HtmlEscape(c.source) << " (" << c.products.size() << " products, "
         << c.policies.size() << " policies)</dd>\n<dt>Started</dt><dd>"
         << HtmlEscape(r_.started) << "</dd>\n<dt>Finished</dt><dd>"
         << HtmlEscape(r_.finished) << "</dd>\n";
    if (!r_.host.name.empty()) {
      out_ << "<dt>Host</dt><dd>" << HtmlEscape(r_.host.name);
      if (!r_.host.os_name.empty()) {
        out_ << " (" << HtmlEscape(r_.host.os_name) << " "
             << HtmlEscape(r_.host.os_version) << ")";
      }
      out_ << "</dd>\n";
    }
    if (!r_.baseline_path.empty()) {
      out_ << "<dt>Baseline</dt><dd><code>" << HtmlEscape(r_.baseline_path)
           << "</code></dd>\n";
    }
    out_ << "</dl>\n</footer>\n";
  }

  const Report& r_;
  std::ostream& out_;
  const bool several_;
};

}  // namespace

void WriteHtmlReport(const Report& report, std::ostream& out) {
  HtmlWriter(report, out).Write();
}

}  // namespace contraband
