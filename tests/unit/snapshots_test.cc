// Shadow copies add only what the live volume lost.
#include <catch2/catch.hpp>

#include "scan/snapshots.h"

using namespace contraband;

namespace {

Software Record(const std::string& id, SoftwareState state,
                const std::string& volume) {
  Software sw;
  sw.ecosystem = "installer";
  sw.id = id;
  sw.volume = volume;
  sw.state = state;
  return sw;
}

}  // namespace

TEST_CASE("snapshots report what the live volume no longer has", "[vss]") {
  SnapshotMerge merge;
  merge.AddLive("p2", {Record("zoom", SoftwareState::kInstalled, "p2"),
                       Record("skype", SoftwareState::kResidue, "p2")});
  merge.AddSnapshot("p2", "2026-01-01T00:00:00Z",
                    {Record("zoom", SoftwareState::kInstalled, "p2/vss1"),
                     Record("skype", SoftwareState::kInstalled, "p2/vss1"),
                     Record("telegram", SoftwareState::kInstalled, "p2/vss1"),
                     Record("old", SoftwareState::kRemoved, "p2/vss1")});
  merge.AddSnapshot("p2", "2026-02-01T00:00:00Z",
                    {Record("skype", SoftwareState::kInstalled, "p2/vss2")});
  // A snapshot of another volume is compared with that volume.
  merge.AddSnapshot("p3", "2026-01-05T00:00:00Z",
                    {Record("zoom", SoftwareState::kInstalled, "p3/vss1")});
  std::vector<Software> removed = merge.Removed();
  REQUIRE(removed.size() == 3);
  // Skype: residue live, installed in both snapshots: once, the latest.
  CHECK(removed[0].id == "skype");
  CHECK(removed[0].volume == "p2/vss2");
  CHECK(removed[0].last_seen == "2026-02-01T00:00:00Z");
  CHECK(removed[0].state == SoftwareState::kRemoved);
  CHECK(removed[1].id == "telegram");
  CHECK(removed[1].last_seen == "2026-01-01T00:00:00Z");
  CHECK(removed[2].id == "zoom");
  CHECK(removed[2].volume == "p3/vss1");
}

TEST_CASE("snapshots: Windows per-user installs are told apart by user",
          "[vss][windows]") {
  // The same Uninstall key in two users' NTUSER.DAT: alice still has Zoom,
  // bob's was removed after the snapshot.
  auto zoom = [](const std::string& user, const std::string& volume) {
    Software sw;
    sw.ecosystem = "windows";
    sw.id = "ZoomUMX";
    sw.user = user;
    sw.volume = volume;
    sw.source = "/Users/" + user + "/NTUSER.DAT";
    return sw;
  };
  SnapshotMerge merge;
  merge.AddLive("p3", {zoom("alice", "p3")});
  merge.AddSnapshot("p3", "2026-03-01T10:00:00Z",
                    {zoom("alice", "p3/vss1"), zoom("bob", "p3/vss1")});
  std::vector<Software> removed = merge.Removed();
  REQUIRE(removed.size() == 1);
  CHECK(removed[0].user == "bob");
  CHECK(removed[0].source == "/Users/bob/NTUSER.DAT");
  CHECK(removed[0].state == SoftwareState::kRemoved);
  CHECK(removed[0].last_seen == "2026-03-01T10:00:00Z");
}
