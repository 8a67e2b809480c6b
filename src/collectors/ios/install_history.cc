// ios-install-history: installd's MobileInstallation logs on an iPhone
// (private/var/installd/Library/Logs/MobileInstallation/
// mobile_installation.log.0 the newest, .1 older): apps installed and later
// uninstalled ("Uninstalling identifier com.zhiliaoapp.musically") become
// removed records with their dates (local time: the log names no zone).
// Apps still installed at the end of the logs are left to ios-apps.
#include "collectors/ios/private_var.h"
#include "collectors/linux/history_common.h"
#include "formats/mobile_installation_log.h"

namespace contraband {

std::unique_ptr<Collector> MakeIosInstallHistoryCollector() {
  // Also var/installd/... of extractions without private/.
  return WithPrivateVarAlias(MakeHistoryCollector(
      {"ios",
       {"/private/var/installd/Library/Logs/MobileInstallation/"
        "mobile_installation.log*"},
       [](std::string_view, std::string_view text,
          const HistoryEventFn& on_event) {
         return ParseMobileInstallationLog(text, {}, on_event);
       }}));
}

}  // namespace contraband
