// snapd's /var/lib/snapd/state.json: the daemon's whole state as one JSON
// object. Installed snaps are under data.snaps.<instance-name>, each with
// its revision history ("sequence": [{name, snap-id, revision, channel}]),
// the "current" revision, and the tracked "channel". Versions are not in
// it (they live in each revision's meta/snap.yaml).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace contraband {

struct SnapdSnap {
  std::string instance;  ///< key under data.snaps: name, or name_key
  std::string name;      ///< the snap name (sequence entry), or from instance
  std::string snap_id;
  std::string revision;  ///< the current revision ("x1" for local installs)
  std::string channel;   ///< the tracked channel, "latest/stable"
  std::string type;      ///< app, os, base, snapd, gadget, kernel
  bool active = false;   ///< false for a disabled snap
  std::vector<std::string> revisions;  ///< every revision in the sequence
  /// Non-empty when the entry is damaged; the fields read are kept.
  std::string error;
};

struct SnapdState {
  std::vector<SnapdSnap> snaps;  ///< sorted by instance name
};

struct SnapdStateLimits {
  uint64_t max_bytes = 512ull << 20;
  int max_depth = 128;
  size_t max_snaps = 100'000;
  size_t max_sequence = 10'000;
};

/// Parses state.json, keeping only data.snaps. Throws ParseError when the
/// text is not a JSON object, is too large or too deep, or data.snaps is not
/// an object; a damaged snap entry is returned with `error` set.
SnapdState ParseSnapdState(std::string_view text,
                           const SnapdStateLimits& limits = {});

}  // namespace contraband
