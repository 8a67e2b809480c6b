// iOS installd's log, private/var/installd/Library/Logs/MobileInstallation/
// mobile_installation.log.N (.0 the newest), one line per message:
//   Sun Dec  2 11:04:22 2018 [47] <notice> (0x16bad3000) -[MIUninstaller
//     _uninstallBundleWithIdentifier:error:]: Uninstalling identifier ID
//   ... -[MIInstaller performInstallationWithError:]: Installing
//     <MIInstallableBundle ID=ID; Version=V, ShortVersion=S>
//   ... -[MIInstaller performInstallationWithError:]: Install Successful for
//     (ID); Staging: ...
// Times are local, with no zone. "Install Successful" is the install event;
// its version is the ShortVersion (else Version) of the latest "Installing"
// line for the same identifier. Other messages, and the continuation lines
// of multi-line messages (keychain group lists), are skipped.
#pragma once

#include <string_view>

#include "formats/history_event.h"

namespace contraband {

/// Parses one whole log. A message line whose time cannot be read is an
/// error; lines that do not start with a weekday and month are
/// continuations and skipped. Never throws.
HistoryLog ParseMobileInstallationLog(std::string_view text,
                                      const HistoryLimits& limits = {},
                                      const HistoryEventFn& on_event = {});

/// "Sun Dec  2 11:04:22 2018" -> 2018-12-02T11:04:22 (local, has_year);
/// nullopt when malformed.
std::optional<HistoryTime> ParseInstalldTime(std::string_view text);

}  // namespace contraband
