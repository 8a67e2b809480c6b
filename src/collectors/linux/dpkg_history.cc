// dpkg's log, /var/log/dpkg.log and its rotations (dpkg.log.1,
// dpkg.log.N.gz): packages installed and later removed or purged.
#include "collectors/linux/history_common.h"
#include "formats/dpkg_log.h"

namespace contraband {

std::unique_ptr<Collector> MakeDpkgHistoryCollector() {
  return MakeHistoryCollector({"dpkg",
                               {"/var/log/dpkg.log*"},
                               [](std::string_view, std::string_view text,
                                  const HistoryEventFn& on_event) {
                                 return ParseDpkgLog(text, {}, on_event);
                               }});
}

}  // namespace contraband
