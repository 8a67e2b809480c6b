// The one list of collectors. The same table drives selection, help text and
// `contraband collectors`.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "collectors/collector.h"

namespace contraband {

struct CollectorInfo {
  std::string_view name;         ///< stable name used in warnings and --collector
  std::string_view ecosystem;    ///< the Software::ecosystem it produces
  std::string_view description;  ///< one line for help text
  std::unique_ptr<Collector> (*make)();
};

/// Every collector, in a fixed order.
const std::vector<CollectorInfo>& AllCollectors();

}  // namespace contraband
