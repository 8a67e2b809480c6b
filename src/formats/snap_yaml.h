// A snap's meta/snap.yaml: a YAML mapping whose top-level scalars name the
// snap (name, version, title, summary, type, base, ...). Only that top level
// is read; nested blocks (apps, plugs, description bodies) are skipped, so a
// small line scanner is enough and no YAML library is needed.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace contraband {

struct SnapYaml {
  std::string name;
  std::string version;
  std::string title;
  std::string summary;
  std::string type;  ///< app, os, base, snapd, gadget, kernel
  std::string base;
  std::string grade;
  std::string confinement;
  std::vector<std::string> architectures;
  /// Damage that did not stop the parse (a line that is not "key: value", an
  /// unterminated quote, a repeated key), each naming its line.
  std::vector<std::string> problems;
};

struct SnapYamlLimits {
  size_t max_lines = 1'000'000;
  size_t max_items = 10'000;  ///< architectures entries
  size_t max_problems = 100;
};

/// Reads the top-level fields of a snap.yaml. Throws ParseError only past
/// SnapYamlLimits.
SnapYaml ParseSnapYaml(std::string_view text,
                       const SnapYamlLimits& limits = {});

}  // namespace contraband
