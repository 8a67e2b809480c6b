#include "scan/snapshots.h"

namespace contraband {

void SnapshotMerge::AddLive(const std::string& volume,
                            const std::vector<Software>& records) {
  auto& ids = live_[volume];
  for (const Software& sw : records) {
    if (sw.state == SoftwareState::kInstalled) ids.insert({sw.ecosystem, sw.id});
  }
}

void SnapshotMerge::AddSnapshot(const std::string& live_volume,
                                const std::string& taken,
                                std::vector<Software> records) {
  const auto& now = live_[live_volume];
  for (Software& sw : records) {
    if (sw.state != SoftwareState::kInstalled ||
        now.count({sw.ecosystem, sw.id})) {
      continue;
    }
    auto key = std::make_tuple(live_volume, sw.ecosystem, sw.id);
    auto it = gone_.find(key);
    // RFC 3339 UTC times compare as strings.
    if (it != gone_.end() && it->second.last_seen > taken) continue;
    sw.state = SoftwareState::kRemoved;
    sw.last_seen = taken;
    gone_[key] = std::move(sw);
  }
}

std::vector<Software> SnapshotMerge::Removed() const {
  std::vector<Software> out;
  for (const auto& [key, sw] : gone_) out.push_back(sw);
  return out;
}

}  // namespace contraband
