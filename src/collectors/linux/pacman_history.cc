// pacman's log, /var/log/pacman.log (and rotations where a logrotate rule
// made them): Arch packages installed and later removed.
#include "collectors/linux/history_common.h"
#include "formats/pacman_log.h"

namespace contraband {

std::unique_ptr<Collector> MakePacmanHistoryCollector() {
  return MakeHistoryCollector({"pacman",
                               {"/var/log/pacman.log*"},
                               [](std::string_view, std::string_view text,
                                  const HistoryEventFn& on_event) {
                                 return ParsePacmanLog(text, {}, on_event);
                               }});
}

}  // namespace contraband
