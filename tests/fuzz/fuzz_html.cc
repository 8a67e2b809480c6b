// Fuzz target: the HTML report's escaping. Each input line becomes one
// evidence string of a finding (id, version, user, source, location, a
// warning, a volume chain); the page written from them must hold no markup
// but its own: one script, one svg, no element the input named, and
// HtmlEscape's output must be valid UTF-8 with no character that ends text
// or an attribute value.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "common/text.h"
#include "catalog/catalog.h"
#include "catalog/catalog_regex.h"
#include "report/html_report.h"
#include "report/report.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace contraband;
  const std::string input(reinterpret_cast<const char*>(data), size);

  const std::string escaped = HtmlEscape(input);
  if (escaped.find_first_of("<>\"'") != std::string::npos) __builtin_trap();
  std::string storage;
  if (AsValidUtf8(escaped, storage).data() != escaped.data()) __builtin_trap();
  HttpsUrlOrEmpty(input);

  std::vector<std::string> f;
  std::istringstream lines(input);
  for (std::string line; f.size() < 8 && std::getline(lines, line);) {
    f.push_back(line);
  }
  f.resize(8);
  const Catalog& catalog = EmbeddedCatalog();
  if (catalog.products.empty() || catalog.products[0].rules.empty()) return 0;
  Report r;
  r.catalog = &catalog;
  r.tool_version = "fuzz";
  r.evidence.push_back({f[6], "directory", "directory", 0, "", {{f[5], f[7]}}});
  Finding finding;
  finding.product = &catalog.products[0];
  finding.rule = &catalog.products[0].rules[0];
  finding.field = "id";
  finding.pattern = f[0];
  finding.software.ecosystem = "installer";
  finding.software.id = f[0];
  finding.software.version = f[1];
  finding.software.user = f[2];
  finding.software.source = f[3];
  finding.software.location = f[4];
  finding.software.volume = f[5];
  r.findings.push_back(finding);
  r.software.push_back(finding.software);
  r.include_software = true;
  r.warnings.push_back({f[6], f[3], "fuzz", f[7]});
  std::ostringstream out;
  WriteHtmlReport(r, out);
  const std::string html = out.str();
  if (CountOccurrences(html, "<script") != 1 || CountOccurrences(html, "<svg") != 1 ||
      CountOccurrences(html, "<style") != 1 || html.find("<img") != std::string::npos ||
      html.find("<iframe") != std::string::npos) {
    __builtin_trap();
  }
  return 0;
}
