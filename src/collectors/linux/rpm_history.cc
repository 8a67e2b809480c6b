// The rpm front ends' logs: dnf's /var/log/dnf.rpm.log and yum's
// /var/log/yum.log, with their rotations: rpm packages installed and later
// erased or obsoleted.
#include "collectors/linux/history_common.h"
#include "formats/rpm_history_log.h"

namespace contraband {

std::unique_ptr<Collector> MakeRpmHistoryCollector() {
  return MakeHistoryCollector({"rpm",
                               {"/var/log/dnf.rpm.log*", "/var/log/yum.log*"},
                               [](std::string_view path, std::string_view text,
                                  const HistoryEventFn& on_event) {
                                 return BaseName(path).substr(0, 7) == "yum.log"
                                            ? ParseYumLog(text, {}, on_event)
                                            : ParseDnfRpmLog(text, {},
                                                             on_event);
                               }});
}

}  // namespace contraband
