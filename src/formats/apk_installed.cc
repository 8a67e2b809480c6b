#include "formats/apk_installed.h"

#include "common/text.h"
#include "formats/parse_error.h"

namespace contraband {
namespace {

// The package field a key letter fills, or nullptr for the keys this parser
// does not keep (dependencies, file records, checksums...).
std::string* FieldFor(ApkPackage& p, char key) {
  switch (key) {
    case 'P':
      return &p.name;
    case 'V':
      return &p.version;
    case 'A':
      return &p.arch;
    case 'm':
      return &p.maintainer;
    case 'o':
      return &p.origin;
    case 'T':
      return &p.description;
    case 'U':
      return &p.url;
    case 'L':
      return &p.license;
    case 't':
      return &p.build_time;
    case 'c':
      return &p.commit;
    default:
      return nullptr;
  }
}

}  // namespace

ApkDatabase ParseApkInstalled(std::string_view text, const ApkLimits& limits) {
  ApkDatabase db;
  ApkPackage current;
  bool in_stanza = false;
  bool skipping = false;  // after damage, until the next blank line
  size_t dropped_problems = 0;
  // A run of stray lines outside any stanza is one problem, not one a line.
  size_t stray_first = 0, stray_last = 0;

  auto end_stray = [&] {
    if (stray_first == 0) return;
    if (db.problems.size() < limits.max_problems) {
      std::string where = stray_first == stray_last
                              ? "line " + std::to_string(stray_first)
                              : "lines " + std::to_string(stray_first) + "-" +
                                    std::to_string(stray_last);
      // apk itself skips such text; say that it was there.
      db.problems.push_back(where +
                            ": text outside any package stanza (not "
                            "\"X:value\" fields); ignored");
    } else {
      ++dropped_problems;
    }
    stray_first = stray_last = 0;
  };
  auto flush = [&] {
    if (in_stanza) {
      if (db.packages.size() >= limits.max_packages) {
        throw ParseError("more than " + std::to_string(limits.max_packages) +
                         " package stanzas");
      }
      db.packages.push_back(std::move(current));
    }
    current = ApkPackage{};
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
    const bool is_field = line.size() >= 2 && line[1] == ':' &&
                          static_cast<unsigned char>(line[0]) > 32 &&
                          static_cast<unsigned char>(line[0]) < 127;
    if (!in_stanza) {
      if (!is_field) {
        if (stray_first == 0) stray_first = line_no;
        stray_last = line_no;
        continue;
      }
      end_stray();
      in_stanza = true;
      current.line = line_no;
    }
    if (skipping) continue;
    if (!is_field) {
      current.error =
          "line " + std::to_string(line_no) + ": not an \"X:value\" field";
      skipping = true;
      continue;
    }
    std::string* field = FieldFor(current, line[0]);
    if (field == nullptr) continue;
    // File records (F:/R:) begin after the package fields; a second P: or
    // V: there means two packages ran together without a blank line.
    if (!field->empty() && (line[0] == 'P' || line[0] == 'V')) {
      current.error = "line " + std::to_string(line_no) + ": a second " +
                      std::string(1, line[0]) +
                      ": field in one stanza (missing blank line?)";
      skipping = true;
      continue;
    }
    field->assign(line.substr(2));
  }
  flush();
  end_stray();
  if (dropped_problems > 0) {
    db.problems.push_back("and " + std::to_string(dropped_problems) +
                          " more runs of stray text");
  }
  return db;
}

}  // namespace contraband
