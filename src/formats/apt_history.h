// apt's transaction log, /var/log/apt/history.log (rotated history.log.N.gz):
// one stanza per apt run, separated by blank lines, times in local time:
//   Start-Date: 2025-06-24  14:36:29
//   Commandline: apt-get install -qqy curl
//   Requested-By: alice (1000)
//   Install: curl:amd64 (7.88.1-10+deb12u12), libcurl4:amd64
//   (7.88.1-10+deb12u12, automatic) Upgrade: libudev1:amd64 (252.36-1~deb12u1,
//   252.38-1~deb12u1) Remove: zoom:amd64 (6.2.0.1855) Purge: kesl:amd64
//   (12.1.0-1297) End-Date: 2025-06-24  14:37:04
// Also Reinstall (one version), Downgrade (old, new) and Error lines.
#pragma once

#include <string_view>

#include "formats/history_event.h"

namespace contraband {

/// Parses a whole history.log. Every package of a stanza's Install,
/// Reinstall, Upgrade, Downgrade, Remove and Purge lists is one event timed
/// by the stanza's Start-Date (End-Date when Start-Date is missing), in the
/// order written; `line` is the line of its list. A stanza with no readable
/// date is an error and gives no events; a damaged list keeps the packages
/// before the damage. Never throws.
HistoryLog ParseAptHistory(std::string_view text,
                           const HistoryLimits& limits = {},
                           const HistoryEventFn& on_event = {});

}  // namespace contraband
