// Windows XML event logs (.evtx: Application.evtx, ...) read through
// libevtx over bytes already in memory (a libbfio memory range; never a
// host path). libevtx decodes the chunks and the binary XML templates; we
// take from each record only what the collectors need, with bounds on the
// records read and on every string kept.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace contraband {

/// One event record, as far as it was asked for.
struct EvtxEvent {
  uint64_t record_id = 0;  ///< EventRecordID
  uint32_t event_id = 0;   ///< without its qualifiers
  uint64_t written = 0;    ///< FILETIME (100 ns since 1601, UTC)
  std::string provider;    ///< Provider Name ("MsiInstaller")
  std::string user_sid;    ///< Security UserID, when recorded
  std::vector<std::string> strings;  ///< EventData, each cut to kMaxString
  std::string data;  ///< the record's binary data (EventData Binary)
};

struct EvtxLimits {
  size_t max_records = 1u << 20;  ///< records looked at
  size_t max_strings = 64;        ///< strings kept per event
  size_t max_string = 4096;       ///< bytes kept per string
  size_t max_data = 4096;         ///< binary data bytes kept
};

struct EvtxReadResult {
  size_t records = 0;                 ///< records in the file
  std::vector<std::string> problems;  ///< damaged records, bounds reached
};

/// Reads the records of the event log `bytes` in file order. For each one
/// whose provider `want` accepts, `on_event` gets it with its strings and
/// data; the others are never decoded further. A record libevtx cannot
/// read is a problem (the first few are named) and the rest are still
/// read. Throws ParseError when `bytes` is not an event log libevtx opens.
EvtxReadResult ReadEvtx(std::string_view bytes,
                        const std::function<bool(std::string_view)>& want,
                        const std::function<void(EvtxEvent)>& on_event,
                        const EvtxLimits& limits = {});

}  // namespace contraband
