// The rpm front ends' logs of what each transaction did to each package.
//
// dnf (/var/log/dnf.rpm.log, rotated dnf.rpm.log.N or dnf.rpm.log-DATE):
// python logging lines "TIME LEVEL MESSAGE"; the package lines are SUBDEBUG
// "<Action>: <name>-[<epoch>:]<version>-<release>.<arch>" with dnf's
// untranslated FILE_ACTIONS words:
//   2023-01-01T10:00:00+0000 SUBDEBUG Installed: zoom-6.2.0-1.x86_64
//   2023-01-01T10:00:00Z SUBDEBUG Upgrade: zoom-6.3.0-1.x86_64
//   2023-01-01T10:00:00Z SUBDEBUG Upgraded: zoom-6.2.0-1.x86_64
//   2023-02-01T10:00:00Z SUBDEBUG Erase: zoom-6.3.0-1.x86_64
// Installed/Upgrade/Downgrade/Reinstall/Obsolete bring a package in;
// Upgraded/Downgraded/Reinstalled are the old copy leaving it in place;
// Erase removes; Obsoleted is replaced by another package. dnf before 4.2
// wrote "Jan 01 10:00:00" (no year) like yum. Other lines (INFO scriptlet
// output, continuation lines of multi-line messages) are skipped.
//
// yum (/var/log/yum.log, rotated yum.log-DATE): "Mon DD HH:MM:SS Action: pkg",
// local time and no year:
//   May 23 18:10:05 Installed: 1:perl-parent-0.225-244.el7.noarch
//   May 23 18:10:05 Updated: 1:openssl-libs-1.0.1e-51.el7_2.5.x86_64
//   May 23 16:09:09 Erased: redhat-access-insights-batch
// (yum puts a non-zero epoch before the name, and Erased names only the
// package on most versions.)
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "formats/history_event.h"

namespace contraband {

struct RpmNevra {
  std::string name;
  std::string
      version;  ///< "[epoch:]version-release", as the rpm collector writes it
  std::string arch;
};

/// Splits "name-[E:]V-R.A" (or yum's "E:name-V-R.A"). With
/// `known_arch_only`, the part after the last '.' must be an rpm
/// architecture name (x86_64, noarch, ...): that is how "Erased: foo-bar"
/// (a bare name) is told from a full NEVRA. nullopt when it is not one.
std::optional<RpmNevra> ParseNevra(std::string_view text, bool known_arch_only);

/// Parses a whole dnf.rpm.log. Never throws.
HistoryLog ParseDnfRpmLog(std::string_view text,
                          const HistoryLimits& limits = {},
                          const HistoryEventFn& on_event = {});

/// Parses a whole yum.log. Events have when.has_year == false. Never throws.
HistoryLog ParseYumLog(std::string_view text, const HistoryLimits& limits = {},
                       const HistoryEventFn& on_event = {});

}  // namespace contraband
