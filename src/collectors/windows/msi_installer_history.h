// Windows Installer's own account of installs and removals in the
// Application event log (provider MsiInstaller), folded into one record per
// product:
//   11707  "Product: <name> -- Installation completed successfully."
//   11724  "Product: <name> -- Removal completed successfully."
//   1033   installed: name, version, language, status, manufacturer
//   1034   removed:   name, version, language, status, manufacturer
// A non-zero status in 1033/1034 is a failed attempt; 1040/1042 (a
// transaction began/ended), 11708/11725 (failed) and the rest are not
// completed installs or removals and make no record. Events of one product
// are joined by the product code the events carry in their binary data,
// else by name.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "formats/evtx_log.h"
#include "scan/software.h"

namespace contraband {

inline constexpr std::string_view kMsiInstallerProvider = "MsiInstaller";

class MsiInstallerHistory {
 public:
  /// Most products remembered from one log.
  static constexpr size_t kMaxProducts = 100000;

  /// Takes one MsiInstaller event; events come in log order. Returns false
  /// when the product bound was reached and the event was not used.
  bool Add(const EvtxEvent& event);

  /// One record per product, ecosystem "windows", state `removed`: with
  /// removed_at when its last event is a removal, without it (was
  /// installed) otherwise; installed_at from its last install before that;
  /// source_key "EventRecordID N" of the deciding event. `source` is left
  /// to the caller.
  std::vector<Software> Records() const;

 private:
  struct Product {
    std::string product_code, name, version, publisher;
    std::string installed_at, removed_at;
    bool removed_last = false;
    uint64_t deciding_record = 0;
    size_t first_seen = 0;  ///< order of first event, for stable output
  };

  std::map<std::string, Product> products_;  ///< by product code or name
};

/// "{GUID}" of the first product code in the event's binary data (written
/// as bytes, or as the hex text libevtx gives for it), else "".
std::string MsiProductCode(const EvtxEvent& event);

}  // namespace contraband
