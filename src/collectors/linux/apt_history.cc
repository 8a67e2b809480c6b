// apt's transaction log, /var/log/apt/history.log and its rotations
// (history.log.N.gz): packages installed and later removed or purged
// through apt. The records are dpkg packages (apt drives dpkg).
#include "formats/apt_history.h"

#include "collectors/linux/history_common.h"

namespace contraband {

std::unique_ptr<Collector> MakeAptHistoryCollector() {
  return MakeHistoryCollector({"dpkg",
                               {"/var/log/apt/history.log*"},
                               [](std::string_view, std::string_view text,
                                  const HistoryEventFn& on_event) {
                                 return ParseAptHistory(text, {}, on_event);
                               }});
}

}  // namespace contraband
