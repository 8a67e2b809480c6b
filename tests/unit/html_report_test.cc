// The HTML report's escaping, link policy and platform columns, and the
// whole page written from a Report whose every evidence string is hostile.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include "common/text.h"
#include "catalog/catalog.h"
#include "report/html_report.h"
#include "report/report.h"

using namespace contraband;

namespace {

Software Sw(std::string ecosystem, std::string id, std::string location = "",
            std::string source = "") {
  Software sw;
  sw.ecosystem = std::move(ecosystem);
  sw.id = std::move(id);
  sw.location = std::move(location);
  sw.source = std::move(source);
  return sw;
}

}  // namespace

TEST_CASE("HtmlEscape makes markup characters text, in text and attributes",
          "[html]") {
  CHECK(HtmlEscape("<script>alert(1)</script>") ==
        "&lt;script&gt;alert(1)&lt;/script&gt;");
  CHECK(HtmlEscape("a & b") == "a &amp; b");
  CHECK(HtmlEscape("\" onmouseover=\"x") == "&quot; onmouseover=&quot;x");
  CHECK(HtmlEscape("it's") == "it&#39;s");
  CHECK(HtmlEscape("&lt;") == "&amp;lt;");  // escaped once more, never decoded
  CHECK(HtmlEscape("") == "");
  CHECK(HtmlEscape("Zoom 6.2 für Mac") == "Zoom 6.2 für Mac");  // UTF-8 kept
  CHECK(HtmlEscape("\xE5\xBE\xAE\xE4\xBF\xA1") == "\xE5\xBE\xAE\xE4\xBF\xA1");
}

TEST_CASE("HtmlEscape replaces invalid UTF-8 and control characters",
          "[html]") {
  const std::string fffd = "\xEF\xBF\xBD";
  CHECK(HtmlEscape(std::string("a\0b", 3)) == "a" + fffd + "b");
  CHECK(HtmlEscape("a\x1b[31mb") == "a" + fffd + "[31mb");
  CHECK(HtmlEscape("a\x7f") == "a" + fffd);
  CHECK(HtmlEscape("\xff<") == fffd + "&lt;");
  CHECK(HtmlEscape("\xC0\xBC") == fffd + fffd);  // overlong '<' stays no '<'
  CHECK(HtmlEscape("tab\there\nline") == "tab\there\nline");
}

TEST_CASE("HttpsUrlOrEmpty links only https URLs", "[html]") {
  CHECK(HttpsUrlOrEmpty("https://www.cisa.gov/x?a=1&b=2") ==
        "https://www.cisa.gov/x?a=1&b=2");
  CHECK(HttpsUrlOrEmpty("HTTPS://example.org/") == "HTTPS://example.org/");
  CHECK(HttpsUrlOrEmpty("http://www.wifcon.com/x.htm").empty());
  CHECK(HttpsUrlOrEmpty("javascript:alert(1)").empty());
  CHECK(HttpsUrlOrEmpty(" https://example.org/").empty());
  CHECK(HttpsUrlOrEmpty("data:text/html,<script>").empty());
  CHECK(HttpsUrlOrEmpty("https://").empty());
  CHECK(HttpsUrlOrEmpty("https://a.org/\x01").empty());
  CHECK(HttpsUrlOrEmpty("https://a.org/ x").empty());
  CHECK(HttpsUrlOrEmpty("https:\\\\evil.org").empty());
  CHECK(HttpsUrlOrEmpty("").empty());
}

TEST_CASE("PlatformColumn puts each ecosystem in its platform column", "[html]") {
  CHECK(PlatformColumn(Sw("dpkg", "zoom")) == "Linux");
  CHECK(PlatformColumn(Sw("flatpak", "org.telegram.desktop")) == "Linux");
  CHECK(PlatformColumn(Sw("windows", "ZoomUMX")) == "Windows");
  CHECK(PlatformColumn(Sw("msix", "TikTok")) == "Windows");
  CHECK(PlatformColumn(Sw("macos", "us.zoom.xos")) == "macOS");
  CHECK(PlatformColumn(Sw("macos-pkg", "com.kaspersky")) == "macOS");
  CHECK(PlatformColumn(Sw("ios", "com.tencent.xin")) == "iOS");
  CHECK(PlatformColumn(Sw("android", "com.zhiliaoapp.musically")) == "Android");
  CHECK(PlatformColumn(Sw("homebrew", "zoom", "/opt/homebrew/Caskroom/zoom")) ==
        "macOS");
  CHECK(PlatformColumn(Sw("homebrew", "x", "/home/linuxbrew/.linuxbrew/Cellar/x")) ==
        "Linux");
  // Loose installers: by their kind, else by where they lie.
  CHECK(PlatformColumn(Sw("installer", "tiktok.apk", "", "/sdcard/tiktok.apk")) ==
        "Android");
  CHECK(PlatformColumn(Sw("installer", "WeChat.IPA")) == "iOS");
  CHECK(PlatformColumn(Sw("installer", "ZoomInstaller.exe")) == "Windows");
  CHECK(PlatformColumn(Sw("installer", "kes.msi")) == "Windows");
  CHECK(PlatformColumn(Sw("installer", "Telegram.dmg")) == "macOS");
  CHECK(PlatformColumn(Sw("installer", "zoom.desktop")) == "Linux");
  CHECK(PlatformColumn(Sw("installer", "Telegram",
                      "/Users/bob/AppData/Roaming/Telegram Desktop/Telegram")) ==
        "Windows");
  CHECK(PlatformColumn(Sw("installer", "Updater", "/opt/kaspersky/bin/Updater")) ==
        "Linux");
  CHECK(PlatformColumn(Sw("installer", "blob", "blob")) == "Other");
}

TEST_CASE("The HTML report writes hostile evidence as text and links only "
          "https sources",
          "[html]") {
  Catalog catalog = LoadCatalog(
      {{"catalog.json",
        R"({"schema": "contraband/catalog/v1", "version": "t1"})"},
       {"policies.json",
        R"({"schema": "contraband/policies/v1", "policies": [
             {"id": "p1", "name": "Policy One", "jurisdiction": "X",
              "authority": "Authority A", "date": "2020-01-01",
              "source": "https://example.org/p1", "products": ["zoom"]}]})"},
       {"products/zoom.json",
        R"({"schema": "contraband/product/v1", "id": "zoom", "name": "Zoom",
            "vendor": "Zoom Video Communications",
            "bans": [{"jurisdiction": "Y", "authority": "Ban Authority",
                      "instrument": "Order 1", "date": "2021-02-03",
                      "scope": "devices", "source": "https://plain.example/b"}],
            "rules": [{"ecosystem": "dpkg", "field": "id", "prefix": ["<"],
                       "confidence": "high"}]})"}},
      "test");
  // A catalog from elsewhere may cite a plain-http source (the loader may
  // refuse one; the writer must not rely on that).
  catalog.products.at(0).bans.at(0).source = "http://plain.example/b";
  const Product& zoom = catalog.products.at(0);

  Report r;
  r.tool_version = "0.test";
  r.catalog = &catalog;
  r.started = "2026-01-01T00:00:00Z";
  r.finished = "2026-01-01T00:00:01Z";
  r.evidence.push_back({"/evidence/<b>root</b>", "folder", "folder", 4096,
                        "", {{"", "\"><img src=x onerror=alert(4)>"}}});
  Finding f;
  f.product = &zoom;
  f.policies = {"p1"};
  f.field = "id";
  f.pattern = "<";
  f.rule = &zoom.rules.at(0);
  f.software = Sw("dpkg", "<script>alert(1)</script>", "",
                  "/var/lib/dpkg/status");
  f.software.version = "\"><svg onload=alert(2)>";
  f.software.user = "'onclick='alert(3)";
  f.software.source_sha256 = std::string(64, 'a');
  r.findings.push_back(f);
  r.software.push_back(f.software);
  r.include_software = true;
  r.warnings.push_back({"/evidence", "/var/lib/dpkg/status", "dpkg",
                        "stanza (<iframe src=javascript:alert(5)>) damaged"});
  r.stats.software = 1;

  std::ostringstream out;
  WriteReport(r, *ParseReportFormat("html"), out);
  const std::string html = out.str();

  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(CountOccurrences(html, "Content-Security-Policy") == 1);
  CHECK(html.find("default-src 'none'") != std::string::npos);
  CHECK(html.find("data-verdict=\"banned\"") != std::string::npos);
  CHECK(html.find("id=\"product-zoom\"") != std::string::npos);
  // Our one script and nothing else that runs or loads.
  CHECK(CountOccurrences(html, "<script") == 1);
  CHECK(CountOccurrences(html, "<img") == 0);
  CHECK(CountOccurrences(html, "<svg ") == 1);  // the picture, not the version
  CHECK(CountOccurrences(html, "<iframe") == 0);
  CHECK(CountOccurrences(html, "<b>") == 0);
  CHECK(html.find("&quot;&gt;&lt;img src=x onerror=alert(4)&gt;") !=
        std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("&quot;&gt;&lt;svg onload=alert(2)&gt;") != std::string::npos);
  CHECK(html.find("&#39;onclick=&#39;alert(3)") != std::string::npos);
  CHECK(html.find("&lt;iframe src=javascript:alert(5)&gt;") != std::string::npos);
  // The https policy source is a link; the http ban source is only text.
  CHECK(html.find("href=\"https://example.org/p1\" rel=\"noreferrer") !=
        std::string::npos);
  CHECK(html.find("href=\"http://") == std::string::npos);
  CHECK(html.find("http://plain.example/b") != std::string::npos);
  CHECK(html.find(std::string(64, 'a')) != std::string::npos);  // --hash
  CHECK(html.find("id=\"inventory-table\"") != std::string::npos);
  CHECK(html.find("@media print") != std::string::npos);
  // The picture: zoom installed on Linux.
  CHECK(html.find("<title>zoom on Linux: 1 installed</title>") !=
        std::string::npos);
  CHECK(html.find("<title>zoom on Windows: not found</title>") !=
        std::string::npos);
}

TEST_CASE("The HTML verdict follows the exit status: incomplete, banned, "
          "clean",
          "[html]") {
  const Catalog& catalog = EmbeddedCatalog();
  Report r;
  r.catalog = &catalog;
  auto verdict = [&r] {
    std::ostringstream out;
    WriteHtmlReport(r, out);
    const std::string html = out.str();
    const size_t at = html.find("data-verdict=\"");
    REQUIRE(at != std::string::npos);
    return html.substr(at + 14, html.find('"', at + 14) - at - 14);
  };
  CHECK(verdict() == "clean");
  Finding f;
  f.product = &catalog.products.at(0);
  f.rule = &f.product->rules.at(0);
  f.software = Sw("dpkg", "x");
  f.software.state = SoftwareState::kResidue;
  r.findings.push_back(f);
  CHECK(verdict() == "clean");  // leftovers alone do not make it banned
  r.findings.back().software.state = SoftwareState::kInstalled;
  CHECK(verdict() == "banned");
  r.unreadable.push_back("/missing.img");
  CHECK(verdict() == "incomplete");
  r.matching = false;
  CHECK(verdict() == "incomplete");
  r.unreadable.clear();
  CHECK(verdict() == "inventory");
}
