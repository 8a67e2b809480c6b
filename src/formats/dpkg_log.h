// dpkg's own log, /var/log/dpkg.log (rotated dpkg.log.1, dpkg.log.N.gz):
// one line per action, written by dpkg itself in local time:
//   2025-06-24 14:36:29 install perl-modules-5.36:all <none> 5.36.0-7+deb12u2
//   2025-06-24 14:36:25 upgrade libudev1:amd64 252.36-1~deb12u1
//   252.38-1~deb12u1 2026-11-22 06:06:47 remove zoom:amd64 6.2.0.1855 <none>
//   2026-11-22 06:06:47 purge zoom:amd64 6.2.0.1855 <none>
//   2025-06-24 14:36:25 status installed libudev1:amd64 252.38-1~deb12u1
//   2026-11-22 05:54:06 status not-installed libc++-dev:amd64 <none>
// "startup", "configure", "trigproc" and "conffile" lines say nothing about
// whether a package is present and are skipped.
#pragma once

#include <string_view>

#include "formats/history_event.h"

namespace contraband {

/// Parses a whole dpkg.log. Events: kInstall / kUpgrade (version = the new
/// version, old_version = the replaced one), kRemove / kPurge (version = the
/// version removed), kStatus (status = the state word, version as logged).
/// "<none>" becomes an empty version. Damaged lines are errors; never throws.
HistoryLog ParseDpkgLog(std::string_view text, const HistoryLimits& limits = {},
                        const HistoryEventFn& on_event = {});

}  // namespace contraband
