// pacman's log, /var/log/pacman.log: "[TIME] [SOURCE] MESSAGE", where
// libalpm (source ALPM) writes one line per package change:
//   [2024-01-01T10:00:00+0000] [ALPM] installed zoom (6.2-1)
//   [2024-01-01T10:00:00+0000] [ALPM] upgraded zoom (6.1-1 -> 6.2-1)
//   [2024-01-01T10:00:00+0000] [ALPM] downgraded zoom (6.2-1 -> 6.1-1)
//   [2024-01-01T10:00:00+0000] [ALPM] reinstalled zoom (6.2-1)
//   [2024-02-01T10:00:00+0000] [ALPM] removed zoom (6.2-1)
// Times are local with the zone offset since pacman 5.2; before that
// "[2019-01-01 10:00]" (local, minutes), and before pacman 4.1 lines had no
// [SOURCE]. PACMAN (the command line) and ALPM-SCRIPTLET (install script
// output) lines, and other ALPM messages, are skipped.
#pragma once

#include <string_view>

#include "formats/history_event.h"

namespace contraband {

/// Parses a whole pacman.log. Events carry no arch (pacman does not log it).
/// A line that does not start with "[time]", or a package line that does not
/// read "<action> <name> (<version>)", is an error. Never throws.
HistoryLog ParsePacmanLog(std::string_view text,
                          const HistoryLimits& limits = {},
                          const HistoryEventFn& on_event = {});

}  // namespace contraband
