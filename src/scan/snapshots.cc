#include "scan/snapshots.h"

namespace contraband {

void SnapshotMerge::AddLive(const std::string& volume,
                            const std::vector<Software>& records) {
  for (const Software& sw : records) AddLive(volume, sw);
}

void SnapshotMerge::AddLive(const std::string& volume, const Software& record) {
  auto& ids = live_[volume];
  if (record.state == SoftwareState::kInstalled) {
    ids.insert({record.ecosystem, record.id, record.user});
  }
}

bool SnapshotMerge::MayAdd(const std::string& live_volume,
                           const Software& record) const {
  if (record.state != SoftwareState::kInstalled) return false;
  auto it = live_.find(live_volume);
  return it == live_.end() ||
         !it->second.count({record.ecosystem, record.id, record.user});
}

void SnapshotMerge::AddSnapshot(const std::string& live_volume,
                                const std::string& taken,
                                std::vector<Software> records) {
  for (Software& sw : records) {
    if (!MayAdd(live_volume, sw)) continue;
    auto key = std::make_pair(live_volume,
                              Key{sw.ecosystem, sw.id, sw.user});
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
