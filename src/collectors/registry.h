// The one list of collectors. The same table drives selection, help text and
// `contraband collectors`.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "collectors/collector.h"

namespace contraband {

struct Catalog;

struct CollectorInfo {
  std::string_view name;         ///< stable name used in warnings and --collector
  std::string_view ecosystem;    ///< the Software::ecosystem it produces
  std::string_view description;  ///< one line for help text
  std::unique_ptr<Collector> (*make)();
  /// For collectors whose files the catalog names (install markers):
  /// used instead of `make` when set; skipped when there is no catalog.
  std::unique_ptr<Collector> (*make_for_catalog)(const Catalog&) = nullptr;
};

/// An instance of `info`'s collector, or nullptr when it needs a catalog and
/// `catalog` is null.
std::unique_ptr<Collector> Instantiate(const CollectorInfo& info,
                                       const Catalog* catalog);

/// Every collector, in a fixed order.
const std::vector<CollectorInfo>& AllCollectors();

}  // namespace contraband
