// What Volume Shadow Copies add to a scan: the software a snapshot shows
// installed that its live volume no longer has. Everything else a snapshot
// holds repeats the live volume and is left out.
#pragma once

#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "scan/software.h"

namespace contraband {

class SnapshotMerge {
 public:
  /// The software of live volume `volume` (call before its snapshots).
  void AddLive(const std::string& volume, const std::vector<Software>& records);
  /// One record of live volume `volume`, as it is collected.
  void AddLive(const std::string& volume, const Software& record);

  /// Whether AddSnapshot would keep `record` from a snapshot of live volume
  /// `live_volume` (installed there, not installed live), so a caller can
  /// drop the rest as they are collected.
  bool MayAdd(const std::string& live_volume, const Software& record) const;

  /// The software of a snapshot of live volume `live_volume`, taken at
  /// `taken` (RFC 3339). Snapshots may come in any order.
  void AddSnapshot(const std::string& live_volume, const std::string& taken,
                   std::vector<Software> records);

  /// Software installed in some snapshot and not in its live volume, each
  /// once (from the latest snapshot that has it), as state removed with
  /// last_seen set; sorted by live volume, ecosystem and id.
  std::vector<Software> Removed() const;

 private:
  // Software is told apart by ecosystem, id and user: on Windows the same
  // Uninstall key name in two users' hives is two installs, and one user
  // keeping Zoom does not hide that another lost it.
  using Key = std::tuple<std::string, std::string, std::string>;
  std::map<std::string, std::set<Key>> live_;
  std::map<std::pair<std::string, Key>, Software> gone_;
};

}  // namespace contraband
