// Apple's privacy database, TCC.db (Transparency, Consent and Control),
// SQLite, usually with a -wal beside it:
//   iOS    /private/var/mobile/Library/TCC/TCC.db
//   macOS  /Library/Application Support/com.apple.TCC/TCC.db (the system's)
//          /Users/<user>/Library/Application Support/com.apple.TCC/TCC.db
// Table `access` holds one row per (service, client) decision: the camera,
// the microphone, the contacts, ... a client asked for and whether the user
// allowed it. `client` is a bundle id (client_type 0) or an executable's
// path (client_type 1). The row outlives the app: deleting an app does not
// remove its decisions, so TCC.db remembers apps that were on the device.
// Columns differ by version: auth_value (iOS 14, macOS 11 on) or allowed
// (before); last_modified (Unix seconds) from iOS 12 / macOS 10.14 on;
// csreq, the app's designated requirement, on macOS (NULL on iOS).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace contraband {

struct TccDecision {
  std::string service;  ///< kTCCServiceCamera, kTCCServiceMicrophone, ...
  std::string client;   ///< bundle id or path, as client_type says
  bool client_is_path = false;
  bool allowed = false;  ///< auth_value 2 or 3 (limited), or allowed 1
  std::string last_modified;  ///< RFC 3339 UTC; "" when the row has none
  /// From the row's csreq (macOS): the code requirement the app was signed
  /// to meet when it asked (see formats/code_requirement.h); empty when
  /// there is none or it cannot be read.
  std::string requirement_identifier;
  std::string team_id;
};

inline constexpr size_t kTccMaxRows = 100000;

/// The `access` rows (at most kTccMaxRows), in the table's order. `wal` is
/// the database's write-ahead log or empty. Throws ParseError when the bytes
/// are not SQLite or hold no `access` table with service and client columns.
std::vector<TccDecision> ReadTccDecisions(std::string_view db,
                                          std::string_view wal);

}  // namespace contraband
