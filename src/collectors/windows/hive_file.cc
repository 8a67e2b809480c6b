#include "collectors/windows/hive_file.h"

#include <sys/mman.h>

#include <cstdint>
#include <vector>

#include "common/wildcard.h"
#include "formats/parse_error.h"
#include "formats/regf_hive.h"
#include "formats/regf_log.h"

namespace contraband {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.substr(s.size() - suffix.size()) == suffix;
}

// A large hive is copied once into fresh memory, and on a VM each 4 KiB
// page faulted in costs more than copying it: for an 80 MB SOFTWARE hive
// the faults were about half the scan's time (bench/README.md, windows).
// Asking for transparent huge pages turns 20,000 faults into 40. Only for
// buffers of 32 MiB and more, which malloc always maps on their own, so
// the advice covers nothing else; it is advice: no effect when THP is off.
void AdviseHugePages(std::string& buffer) {
#ifdef MADV_HUGEPAGE
  constexpr size_t kPage = 4096;
  if (buffer.capacity() < (32u << 20)) return;
  const auto begin = reinterpret_cast<uintptr_t>(buffer.data());
  const uintptr_t first = (begin + kPage - 1) & ~uintptr_t{kPage - 1};
  const uintptr_t last = (begin + buffer.capacity()) & ~uintptr_t{kPage - 1};
  if (last > first) {
    madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
  }
#else
  (void)buffer;
#endif
}

}  // namespace

std::string ReadWholeFile(const EvidenceFile& file, uint64_t limit) {
  std::string out;
  if (file.info.size > 0 && file.info.size <= limit) {
    out.reserve(static_cast<size_t>(file.info.size));
    AdviseHugePages(out);
  }
  file.ReadChunks([&](std::string_view chunk) {
    if (chunk.size() > limit - out.size()) {
      throw ParseError("file is over the " + std::to_string(limit) +
                       "-byte limit");
    }
    out.append(chunk);
  });
  return out;
}

bool IsHiveLogPath(std::string_view lower) {
  return EndsWith(lower, ".log1") || EndsWith(lower, ".log2");
}

HiveFile HiveFile::Open(const EvidenceFile& file, uint64_t limit) {
  HiveFile h;
  h.path = file.path;
  h.lower = AsciiLower(file.path);
  h.bytes = ReadWholeFile(file, limit);
  const RegfBaseBlock base = ParseRegfBaseBlock(h.bytes);  // throws
  h.dirty = base.dirty();
  h.primary = base.primary_sequence;
  h.secondary = base.secondary_sequence;
  return h;
}

bool HiveFile::TakeLog(const EvidenceFile& file, std::string_view lower,
                       uint64_t limit) {
  if (!IsHiveLogPath(lower) ||
      lower.substr(0, lower.size() - 5) != this->lower) {
    return false;
  }
  // A clean hive's logs hold nothing to apply: never read.
  if (dirty) logs[lower.back() == '1' ? 0 : 1] = ReadWholeFile(file, limit);
  return true;
}

void HiveFile::Replay(const std::function<void(std::string)>& warn) {
  if (!dirty) return;
  std::vector<std::string_view> present;
  for (const std::string& l : logs) {
    if (!l.empty()) present.push_back(l);
  }
  const std::string state = "hive is dirty (sequence numbers " +
                            std::to_string(primary) + "/" +
                            std::to_string(secondary) + ")";
  RegfReplay replay = ReplayRegfLogs(bytes, present);
  for (std::string& problem : replay.problems) {
    warn("transaction log: " + problem);
  }
  if (replay.entries_applied > 0) {
    warn(state + ": replayed " + std::to_string(replay.entries_applied) +
         " log entries (sequence " + std::to_string(replay.first_sequence) +
         " to " + std::to_string(replay.last_sequence) +
         ") from its .LOG1/.LOG2 in memory; the file was not changed");
  } else {
    warn(state +
         " and no log entry beside it applies: changes since its last "
         "complete write may be missing");
  }
  for (std::string& l : logs) std::string().swap(l);
}

void ReadPendingHive(
    std::optional<HiveFile>& pending, CollectorSink& sink,
    const std::function<void(const std::string& path, const RegfHive&)>& read) {
  if (!pending) return;
  HiveFile h = std::move(*pending);
  pending.reset();
  try {
    h.Replay([&](std::string m) { sink.Warn(h.path, std::move(m)); });
    RegfHive hive(h.bytes);
    for (const std::string& problem : hive.problems()) {
      sink.Warn(h.path, problem);
    }
    read(h.path, hive);
  } catch (const ParseError& e) {
    sink.Warn(h.path, std::string("cannot parse: ") + e.what());
  }
}

}  // namespace contraband
