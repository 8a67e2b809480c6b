// The catalog compiled into the binary from signatures/ at build time.
#pragma once

#include <string_view>
#include <vector>

namespace contraband {

struct EmbeddedFile {
  std::string_view path;  ///< relative to signatures/, e.g. "products/zoom.json"
  std::string_view data;
};

/// Every file of the embedded catalog, sorted by path.
const std::vector<EmbeddedFile>& EmbeddedCatalogFiles();

}  // namespace contraband
