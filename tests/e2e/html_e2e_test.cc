// End to end: `--format html` of a Debian root built with the real dpkg,
// rendered by a real browser (Debian's headless Chromium): the DOM after
// scripts ran holds the verdict, the product cards, the finding rows and the
// inventory filter the script adds; the console shows no error and no
// refused load; a screenshot and a PDF print come out. Hostile package names
// from a dpkg status file stay text in the rendered DOM.
#include <catch2/catch.hpp>

#include <string>

#include "common/text.h"
#include "support/test_support.h"

using namespace contraband::testing;
using contraband::CountOccurrences;

namespace {

// Debian's chromium, or "" (the test then WARNs and stops: a visible skip;
// `./quickstart test` installs it).
std::string Chromium() {
  for (const char* name : {"chromium", "chromium-browser"}) {
    if (HaveTool(name)) return name;
  }
  return "";
}

// One headless run with its own profile folder (tests may run in parallel)
// and a time limit; `what` is the action: --dump-dom, --screenshot=..., ...
// Console messages go to standard error (--enable-logging=stderr --v=0).
RunResult RunChromium(const std::string& chromium, const TempDir& profile,
                      const std::string& what, const std::string& file) {
  return Run("HOME=" + ShellQuote(profile.path()) + " timeout -k 5 90 " +
             chromium +
             " --headless --no-sandbox --disable-gpu --disable-dev-shm-usage"
             " --no-first-run --no-default-browser-check --disable-extensions"
             " --disable-background-networking --disable-sync"
             " --user-data-dir=" + ShellQuote(profile.path() + "/profile") +
             " --enable-logging=stderr --v=0 " + what + " " +
             ShellQuote("file://" + file));
}

// The lines of Chromium's log that come from the page's console: a script
// error ("Uncaught ..."), a load the Content-Security-Policy blocked
// ("... violates the following Content Security Policy directive", once
// "Refused to load ..."), or anything else; the report logs nothing.
std::string PageErrors(const std::string& log) {
  std::string errors;
  size_t pos = 0;
  while (pos < log.size()) {
    size_t nl = log.find('\n', pos);
    if (nl == std::string::npos) nl = log.size();
    const std::string line = log.substr(pos, nl - pos);
    if (line.find(":CONSOLE") != std::string::npos ||
        line.find("Uncaught") != std::string::npos ||
        line.find("Refused to") != std::string::npos ||
        line.find("Content Security Policy") != std::string::npos) {
      errors += line + "\n";
    }
    pos = nl + 1;
  }
  return errors;
}

}  // namespace

TEST_CASE("HTML format: the page is self-contained and holds the verdict, "
          "cards, picture, evidence and inventory",
          "[e2e][dpkg][html]") {
  TempDir dir;
  BuildDebianRoot(dir);
  const std::string root = dir.path() + "/root";
  const std::string page = dir.path() + "/report.html";
  RunResult r = RunContraband("scan --format html --hash --inventory -o " +
                              ShellQuote(page) + " " + ShellQuote(root));
  INFO(r.err);
  REQUIRE(r.exit_code == 1);
  CHECK(r.out.empty());  // the report went to the file
  const std::string html = ReadHostFile(page);
  CHECK(html.find("data-verdict=\"banned\"") != std::string::npos);
  CHECK(html.find("<h1>Banned software found</h1>") != std::string::npos);
  for (const char* product : {"kaspersky", "telegram", "zoom"}) {
    CHECK(html.find(std::string("id=\"product-") + product + "\"") !=
          std::string::npos);
  }
  CHECK(CountOccurrences(html, "<tr class=\"finding state-installed\">") == 3);
  // Nothing fetched from anywhere: no src=, no stylesheet link, no url().
  CHECK(html.find(" src=") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
  CHECK(html.find("url(") == std::string::npos);
  CHECK(html.find("<svg ") != std::string::npos);
  // Inventory: every dpkg record, including the skypeforlinux residue.
  CHECK(html.find("id=\"inventory-table\"") != std::string::npos);
  CHECK(html.find("<code>coreutils</code>") != std::string::npos);
  CHECK(html.find("<code>skypeforlinux</code>") != std::string::npos);
  // --hash: the status file's digest in the finding rows, 3 times.
  RunResult digest = Run("sha256sum " + ShellQuote(root + "/var/lib/dpkg/status"));
  const std::string sha = digest.out.substr(0, 64);
  CHECK(CountOccurrences(html, sha) == 3);

  // --baseline: a Baseline column with new/unchanged, and the resolved list.
  RunResult first = RunContraband("scan --format json -o " +
                                  ShellQuote(dir.path() + "/last.json") + " " +
                                  ShellQuote(root));
  REQUIRE(first.exit_code == 1);
  RunResult again = RunContraband("scan --format html --baseline " +
                                  ShellQuote(dir.path() + "/last.json") + " " +
                                  ShellQuote(root));
  CHECK(again.exit_code == 1);
  CHECK(again.out.find("<th>Baseline</th>") != std::string::npos);
  CHECK(CountOccurrences(again.out, "<td class=\"baseline\">unchanged</td>") == 3);
  CHECK(again.out.find("id=\"resolved\"") != std::string::npos);

  // A clean root: green verdict, no cards; inventory has its own colour.
  TempDir clean;
  clean.Write("root/var/lib/dpkg/status",
              "Package: coreutils\nStatus: install ok installed\nVersion: 9\n");
  RunResult c = RunContraband("scan --format html " +
                              ShellQuote(clean.path() + "/root"));
  CHECK(c.exit_code == 0);
  CHECK(c.out.find("data-verdict=\"clean\"") != std::string::npos);
  CHECK(c.out.find("class=\"card product") == std::string::npos);
  RunResult inv = RunContraband("inventory --format html " +
                                ShellQuote(clean.path() + "/root"));
  CHECK(inv.exit_code == 0);
  CHECK(inv.out.find("data-verdict=\"inventory\"") != std::string::npos);
  CHECK(inv.out.find("<code>coreutils</code>") != std::string::npos);
  // Evidence that cannot be read: incomplete, exit 3, whatever else was found.
  RunResult part = RunContraband("scan --format html " + ShellQuote(root) +
                                 " " + ShellQuote(dir.path() + "/missing"));
  CHECK(part.exit_code == 3);
  CHECK(part.out.find("data-verdict=\"incomplete\"") != std::string::npos);
}

TEST_CASE("HTML format: headless Chromium renders the report with no console "
          "error, screenshots it and prints it to PDF",
          "[e2e][dpkg][html][chromium]") {
  const std::string chromium = Chromium();
  if (chromium.empty()) {
    WARN("chromium is not installed: browser test skipped");
    return;
  }
  TempDir dir;
  BuildDebianRoot(dir);
  const std::string page = dir.path() + "/report.html";
  RunResult r = RunContraband("scan --format html --hash --inventory -o " +
                              ShellQuote(page) + " " +
                              ShellQuote(dir.path() + "/root"));
  REQUIRE(r.exit_code == 1);

  // The detector itself: a page with a script error and a blocked load
  // under the same policy must show both in the log, or the "no error"
  // check below would prove nothing.
  TempDir profile;
  const std::string broken = dir.Write(
      "broken.html",
      "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\""
      " content=\"default-src 'none'; script-src 'unsafe-inline'\"></head>"
      "<body><img src=\"https://example.org/x.png\"><script>nosuch();</script>"
      "</body></html>");
  RunResult control = RunChromium(chromium, profile, "--dump-dom", broken);
  INFO(control.err);
  REQUIRE(control.exit_code == 0);
  const std::string control_errors = PageErrors(control.err);
  CHECK(control_errors.find("Uncaught") != std::string::npos);
  CHECK(control_errors.find("Content Security Policy") != std::string::npos);

  // The DOM after load: scripts ran (the filter box exists), nothing broke.
  RunResult dom = RunChromium(chromium, profile, "--dump-dom", page);
  INFO(dom.err.substr(0, 4000));
  REQUIRE(dom.exit_code == 0);
  CHECK(PageErrors(dom.err).empty());
  CHECK(dom.out.find("data-verdict=\"banned\"") != std::string::npos);
  CHECK(dom.out.find("Banned software found") != std::string::npos);
  for (const char* product : {"kaspersky", "telegram", "zoom"}) {
    CHECK(dom.out.find(std::string("id=\"product-") + product + "\"") !=
          std::string::npos);
  }
  CHECK(CountOccurrences(dom.out, "<tr class=\"finding state-installed\">") == 3);
  CHECK(dom.out.find("<code>kesl</code>") != std::string::npos);
  CHECK(dom.out.find("<title>kaspersky on Linux: 1 installed</title>") !=
        std::string::npos);
  CHECK(dom.out.find("id=\"inventory-filter\"") != std::string::npos);
  const size_t rows = CountOccurrences(ReadHostFile(page), "<tr class=\"software ");
  CHECK(rows >= 5);
  CHECK(dom.out.find(" of " + std::to_string(rows) + " shown") !=
        std::string::npos);

  // The inventory sorts and filters: a copy of the page whose extra script
  // clicks the Id header twice (descending), then types a filter, and
  // writes what the table shows into attributes the DOM dump carries.
  std::string driven = ReadHostFile(page);
  const size_t body_end = driven.rfind("</body>");
  REQUIRE(body_end != std::string::npos);
  driven.insert(body_end, R"(<script>
var t = document.getElementById('inventory-table');
var id = t.tHead.rows[0].cells[2].querySelector('button');
id.click(); id.click();
function ids(all) {
  return [].filter.call(t.tBodies[0].rows, function (r) { return all || !r.hidden; })
      .map(function (r) { return r.cells[2].textContent; }).join(',');
}
document.body.setAttribute('data-sorted', ids(true));
var f = document.getElementById('inventory-filter');
f.value = 'zoom';
f.dispatchEvent(new Event('input'));
document.body.setAttribute('data-filtered', ids(false));
</script>)");
  const std::string driven_page = dir.Write("driven.html", driven);
  RunResult sorted = RunChromium(chromium, profile, "--dump-dom", driven_page);
  CHECK(PageErrors(sorted.err).empty());
  CHECK(sorted.out.find("data-sorted=\"zoom,zoom,xzoom,telegram-desktop,"
                        "skypeforlinux,kesl,coreutils\"") != std::string::npos);
  CHECK(sorted.out.find("data-filtered=\"zoom,zoom,xzoom\"") !=
        std::string::npos);
  CHECK(sorted.out.find("aria-sort=\"descending\"") != std::string::npos);

  // With scripts off the page is whole: every row, no filter box. (A second
  // policy forbids the page's script; --dump-dom itself needs scripting,
  // so the browser's own switch would leave nothing to look at.)
  std::string scriptless = ReadHostFile(page);
  const std::string charset = "<meta charset=\"utf-8\">";
  REQUIRE(scriptless.find(charset) != std::string::npos);
  scriptless.insert(scriptless.find(charset) + charset.size(),
                    "<meta http-equiv=\"Content-Security-Policy\" "
                    "content=\"script-src 'none'\">");
  RunResult no_js = RunChromium(chromium, profile, "--dump-dom",
                                dir.Write("scriptless.html", scriptless));
  CHECK(no_js.exit_code == 0);
  CHECK(PageErrors(no_js.err).find("script-src 'none'") != std::string::npos);
  CHECK(no_js.out.find("id=\"inventory-filter\"") == std::string::npos);
  CHECK(CountOccurrences(no_js.out, "<tr class=\"software ") == rows);
  CHECK(CountOccurrences(no_js.out, "<tr class=\"finding state-installed\">") == 3);

  // A screenshot of real size and content (a blank page compresses to ~2 KB).
  const std::string shot = dir.path() + "/shot.png";
  RunResult s = RunChromium(chromium, profile,
                            "--window-size=1280,2000 --screenshot=" +
                                ShellQuote(shot),
                            page);
  INFO(s.err.substr(0, 4000));
  CHECK(s.exit_code == 0);
  CHECK(PageErrors(s.err).empty());
  const std::string png = ReadHostFile(shot);
  CHECK(png.rfind("\x89PNG\r\n\x1a\n", 0) == 0);
  CHECK(png.size() > 20000);

  // Printed to PDF.
  const std::string pdf_path = dir.path() + "/report.pdf";
  RunResult p = RunChromium(chromium, profile,
                            "--no-pdf-header-footer --print-to-pdf=" +
                                ShellQuote(pdf_path),
                            page);
  INFO(p.err.substr(0, 4000));
  CHECK(p.exit_code == 0);
  const std::string pdf = ReadHostFile(pdf_path);
  CHECK(pdf.rfind("%PDF-", 0) == 0);
  CHECK(pdf.size() > 10000);
}

TEST_CASE("HTML format: package names that are markup in a hostile dpkg "
          "status file stay text in the browser",
          "[e2e][dpkg][html][chromium]") {
  TempDir dir;
  // A catalog whose rule catches the hostile package, so it is a finding in
  // a card as well as an inventory row.
  dir.Write("catalog/products/zoom.json",
            R"({"schema": "contraband/product/v1", "id": "zoom",
                "name": "Zoom", "vendor": "Z", "rules": [{"ecosystem":
                "dpkg", "field": "id", "prefix": ["<script>"],
                "confidence": "high"}]})");
  dir.Write("root/var/lib/dpkg/status",
            "Package: <script>alert(1)</script>\n"
            "Status: install ok installed\n"
            "Version: \"><img src=x onerror=alert(2)>\n"
            "Maintainer: <style>body{display:none}</style>\n\n"
            "Package: <iframe src=javascript:alert(3)>\n"
            "Status: garbage\n");
  const std::string page = dir.path() + "/report.html";
  RunResult r = RunContraband(
      "scan --inventory --format html -o " + ShellQuote(page) + " --catalog " +
      ShellQuote(dir.path() + "/catalog") + " " +
      ShellQuote(dir.path() + "/root"));
  INFO(r.err);
  REQUIRE(r.exit_code == 1);
  const std::string html = ReadHostFile(page);
  CHECK(CountOccurrences(html, "<script") == 1);  // ours
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("<img") == std::string::npos);
  CHECK(html.find("<iframe") == std::string::npos);
  CHECK(CountOccurrences(html, "<style") == 1);  // ours
  // The unreadable Status is a warning that quotes the name: escaped too.
  CHECK(html.find("&lt;iframe src=javascript:alert(3)&gt;") != std::string::npos);

  const std::string chromium = Chromium();
  if (chromium.empty()) {
    WARN("chromium is not installed: browser part skipped");
    return;
  }
  TempDir profile;
  RunResult dom = RunChromium(chromium, profile, "--dump-dom", page);
  INFO(dom.err.substr(0, 4000));
  REQUIRE(dom.exit_code == 0);
  CHECK(PageErrors(dom.err).empty());
  // The serialised DOM shows the name as escaped text, in the card and in
  // the inventory; the only script element is the report's own, and no
  // element the evidence named exists.
  CHECK(CountOccurrences(dom.out, "&lt;script&gt;alert(1)&lt;/script&gt;") >= 2);
  CHECK(CountOccurrences(dom.out, "<script") == 1);
  CHECK(dom.out.find("alert(1)</script>") == std::string::npos);
  CHECK(dom.out.find("<img") == std::string::npos);
  CHECK(dom.out.find("<iframe") == std::string::npos);
  CHECK(CountOccurrences(dom.out, "<style") == 1);
  CHECK(dom.out.find("data-verdict=\"banned\"") != std::string::npos);
}
