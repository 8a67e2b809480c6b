#include "collectors/windows/hive_with_logs.h"

#include <utility>
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

}  // namespace

std::string ReadWholeFile(const EvidenceFile& file, uint64_t limit) {
  std::string out;
  if (file.info.size > 0 && file.info.size <= limit) {
    out.reserve(static_cast<size_t>(file.info.size));
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

bool HiveWithLogs::IsLog(std::string_view path) {
  const std::string lower = AsciiLower(path);
  return EndsWith(lower, ".log1") || EndsWith(lower, ".log2");
}

void HiveWithLogs::AddLog(const EvidenceFile& file) {
  const std::string lower = AsciiLower(file.path);
  // Logs sort right after their hive, so the hive is the pending one.
  if (!pending_ || lower.substr(0, lower.size() - 5) != pending_->lower ||
      !pending_->dirty) {
    return;
  }
  pending_->logs[lower.back() == '1' ? 0 : 1] = ReadWholeFile(file, max_log_);
}

void HiveWithLogs::Start(const EvidenceFile& file) {
  pending_.reset();
  Pending p;
  p.path = file.path;
  p.lower = AsciiLower(file.path);
  p.bytes = ReadWholeFile(file, max_hive_);
  const RegfBaseBlock base = ParseRegfBaseBlock(p.bytes);  // throws: warned
  p.dirty = base.dirty();
  p.primary = base.primary_sequence;
  p.secondary = base.secondary_sequence;
  pending_ = std::move(p);
}

std::optional<ReplayedHive> HiveWithLogs::Take(CollectorSink& sink) {
  if (!pending_) return std::nullopt;
  Pending p = std::move(*pending_);
  pending_.reset();
  if (p.dirty) {
    std::vector<std::string_view> logs;
    for (const std::string& l : p.logs) {
      if (!l.empty()) logs.push_back(l);
    }
    const std::string state = "hive is dirty (sequence numbers " +
                              std::to_string(p.primary) + "/" +
                              std::to_string(p.secondary) + ")";
    RegfReplay replay;
    try {
      replay = ReplayRegfLogs(p.bytes, logs);
    } catch (const ParseError& e) {
      sink.Warn(p.path, std::string("cannot parse: ") + e.what());
      return std::nullopt;
    }
    for (std::string& problem : replay.problems) {
      sink.Warn(p.path, "transaction log: " + problem);
    }
    if (replay.entries_applied > 0) {
      sink.Warn(p.path,
                state + ": replayed " + std::to_string(replay.entries_applied) +
                    " log entries (sequence " +
                    std::to_string(replay.first_sequence) + " to " +
                    std::to_string(replay.last_sequence) +
                    ") from its .LOG1/.LOG2 in memory; the file was not "
                    "changed");
    } else {
      sink.Warn(p.path,
                state + " and no log entry beside it applies: changes since "
                        "its last complete write may be missing");
    }
  }
  return ReplayedHive{std::move(p.path), std::move(p.bytes)};
}

}  // namespace contraband
