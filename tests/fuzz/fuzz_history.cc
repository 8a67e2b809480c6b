// Fuzz target for the package-manager history logs: the dpkg.log, apt
// history.log, dnf.rpm.log, yum.log, pacman.log and iOS installd log parsers, the gzip helper
// (with a small output bound, so bombs are cheap to find), and the history
// collectors deciding over the parsed events.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "collectors/linux/history_common.h"
#include "collectors/registry.h"
#include "evidence/memory_vfs.h"
#include "formats/apt_history.h"
#include "formats/dpkg_log.h"
#include "formats/gzip.h"
#include "formats/mobile_installation_log.h"
#include "formats/pacman_log.h"
#include "formats/parse_error.h"
#include "formats/rpm_history_log.h"
#include "scan/scanner.h"

namespace {

using namespace contraband;

void ParseAll(std::string_view text) {
  HistoryLimits limits;
  limits.max_events = 20000;
  limits.max_line_length = 64 * 1024;
  for (HistoryLog (*parse)(std::string_view, const HistoryLimits&,
                           const HistoryEventFn&) :
       {&ParseDpkgLog, &ParseAptHistory, &ParseDnfRpmLog, &ParseYumLog,
        &ParsePacmanLog, &ParseMobileInstallationLog}) {
    HistoryLog log = parse(text, limits, {});
    for (const HistoryEvent& e : log.events) {
      (void)ToString(e.action);
      if (e.package.empty()) __builtin_trap();  // every event names a package
    }
    size_t streamed = 0;
    parse(text, limits, [&](HistoryEvent&&) { ++streamed; });
    if (streamed != log.events.size()) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  ParseAll(input);

  const std::string_view head = input.substr(0, 64);
  ParseHistoryDateTime(head);
  ParseYearlessTime(head);
  ParseInstalldTime(head.substr(0, 24));
  ParseNevra(input.substr(0, 256), true);
  ParseNevra(input.substr(0, 256), false);
  RotationAge(input.substr(0, 64), "dpkg.log");

  std::string inflated;
  if (LooksGzip(input)) {
    try {
      std::string damage;
      inflated = Gunzip(input, 1u << 20, &damage);
      ParseAll(inflated);
    } catch (const ParseError&) {
    }
    try {
      Gunzip(input, 1u << 20);
    } catch (const ParseError&) {
    }
  }

  // The collectors over the same bytes as every log they read, rotated too.
  // (Not for gzip input: they inflate up to 256 MiB a file, the bomb bound
  // itself is exercised above with a small bound.)
  if (LooksGzip(input)) return 0;
  static const std::vector<CollectorInfo> kHistory = [] {
    std::vector<CollectorInfo> out;
    for (const CollectorInfo& c : AllCollectors()) {
      if (std::string_view(c.name).find("-history") != std::string_view::npos) {
        out.push_back(c);
      }
    }
    return out;
  }();
  MemoryVfs vfs;
  const std::string bytes(input);
  for (const char* path :
       {"/var/log/dpkg.log", "/var/log/dpkg.log.1", "/var/log/apt/history.log",
        "/var/log/dnf.rpm.log", "/var/log/yum.log", "/var/log/pacman.log",
        "/private/var/installd/Library/Logs/MobileInstallation/"
        "mobile_installation.log.0"}) {
    vfs.AddFile(path, bytes);
  }
  CollectSoftware(vfs, "fuzz", kHistory);
  return 0;
}
