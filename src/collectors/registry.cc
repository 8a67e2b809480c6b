#include "collectors/registry.h"

namespace contraband {

// Each collector file defines one factory; declaring them here keeps the
// registration in this one list.
std::unique_ptr<Collector> MakeDpkgCollector();

const std::vector<CollectorInfo>& AllCollectors() {
  static const std::vector<CollectorInfo> kCollectors = {
      {"dpkg", "dpkg",
       "Debian/Ubuntu dpkg status database and distroless status.d",
       &MakeDpkgCollector},
  };
  return kCollectors;
}

}  // namespace contraband
