// Homebrew's records: a formula keg's INSTALL_RECEIPT.json
// (Cellar/<name>/<version>/) and the cask definition Homebrew keeps for each
// installed cask
// (Caskroom/<token>/.metadata/<version>/<time>/Casks/<token>.json from the API,
// or .rb from a tap).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace contraband {

struct HomebrewReceipt {
  std::string homebrew_version;
  std::string arch;
  std::string tap;             ///< source.tap: "homebrew/core"
  std::string stable_version;  ///< source.versions.stable
  bool installed_on_request = false;
  bool installed_as_dependency = false;
  int64_t time = 0;  ///< install time, seconds since the epoch; 0 unknown
};

struct HomebrewCask {
  std::string token;
  std::string name;  ///< the first of its names
  std::string version;
  std::string desc;
  std::string homepage;
};

struct HomebrewLimits {
  uint64_t max_bytes = 64ull << 20;
  int max_depth = 64;
};

/// Reads an INSTALL_RECEIPT.json. Throws ParseError when it is not a JSON
/// object (fields of the wrong type are left empty).
HomebrewReceipt ParseHomebrewReceipt(std::string_view text,
                                     const HomebrewLimits& limits = {});

/// Reads a cask's JSON definition (the formulae.brew.sh API form). Throws
/// ParseError when it is not a JSON object.
HomebrewCask ParseCaskJson(std::string_view text,
                           const HomebrewLimits& limits = {});

/// Reads the literal fields of a cask's Ruby definition: `cask "token" do`,
/// and the first `version`, `name`, `desc`, `homepage` statements with a
/// string (or :latest) argument. The Ruby is never run. Throws ParseError
/// when there is no `cask "..." do` line.
HomebrewCask ParseCaskRuby(std::string_view text,
                           const HomebrewLimits& limits = {});

}  // namespace contraband
