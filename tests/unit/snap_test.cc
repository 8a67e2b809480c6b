#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "collectors/registry.h"
#include "evidence/memory_vfs.h"
#include "formats/parse_error.h"
#include "formats/snap_yaml.h"
#include "formats/snapd_state.h"
#include "scan/scanner.h"
#include "support/test_support.h"

using namespace contraband;
using contraband::testing::AllWarnings;
using contraband::testing::CollectorNamed;
using contraband::testing::CorpusPath;
using contraband::testing::FindSoftware;
using contraband::testing::ReadHostFile;

namespace {

constexpr const char* kState = "/var/lib/snapd/state.json";

std::string Yaml(const std::string& name, const std::string& version) {
  return "name: " + name + "\nversion: '" + version +
         "'\nsummary: s\ndescription: |\n  version: not this\n"
         "architectures:\n- amd64\napps:\n  x:\n    command: y\n";
}

// A state.json in snapd's own layout (SnapState under data.snaps) built from
// the real host listing in the corpus (snapd's /v2/snaps answer).
std::optional<nlohmann::json> StateFromRealHost() {
  auto path = CorpusPath("snap/velociraptor_snapd_v2_snaps.json");
  if (!path) return std::nullopt;
  nlohmann::json api = nlohmann::json::parse(ReadHostFile(*path));
  nlohmann::json snaps = nlohmann::json::object();
  for (const auto& s : api["result"]) {
    snaps[s["name"].get<std::string>()] = {{"type", s["type"]},
                                           {"sequence",
                                            {{{"name", s["name"]},
                                              {"snap-id", s["id"]},
                                              {"revision", s["revision"]},
                                              {"channel", s["channel"]}}}},
                                           {"active", true},
                                           {"current", s["revision"]},
                                           {"channel", s["tracking-channel"]}};
  }
  return nlohmann::json{{"data", {{"snaps", snaps}, {"seeded", true}}},
                        {"changes", nlohmann::json::object()},
                        {"tasks", nlohmann::json::object()}};
}

}  // namespace

TEST_CASE("snap.yaml parser reads the corpus snap.yaml files", "[snap]") {
  auto multi = CorpusPath("snap/scalibr_snap_multi-arch.yaml");
  auto single = CorpusPath("snap/scalibr_snap_single-arch.yaml");
  auto manifest = CorpusPath("snap/syft_snap_manifest.yaml");
  SKIP_UNLESS_CORPUS(multi, single, manifest);
  SnapYaml m = ParseSnapYaml(ReadHostFile(*multi));
  CHECK(m.name == "core");
  CHECK(m.version == "16-2.61.4-20240607");
  CHECK(m.type == "os");
  CHECK(m.architectures == std::vector<std::string>{"amd64", "arm64"});
  CHECK(m.problems.empty());
  SnapYaml s = ParseSnapYaml(ReadHostFile(*single));
  CHECK(s.name == "core");
  CHECK(s.architectures == std::vector<std::string>{"amd64"});
  CHECK(s.confinement == "strict");
  SnapYaml p = ParseSnapYaml(ReadHostFile(*manifest));
  CHECK(p.name == "pc");
  CHECK(p.version == "24-0.1");
  CHECK(p.base == "core24");
  CHECK(p.problems.empty());
}

TEST_CASE("snap.yaml parser handles quoting, comments and nesting", "[snap]") {
  SnapYaml y = ParseSnapYaml(
      "\xEF\xBB\xBF# comment\n---\nname: skype # the name\r\n"
      "version: \"8.96.0.207\"\ntitle: 'It''s Skype'\n"
      "summary: \"caf\\u00e9 \\\"q\\\"\"\n"
      "description: |\n  name: not-this\n  version: 0\n"
      "apps:\n  skype:\n    command: x\n    plugs:\n    - network\n"
      "architectures: [ amd64 , 'arm64' ]\nname: again\n");
  CHECK(y.name == "skype");
  CHECK(y.version == "8.96.0.207");
  CHECK(y.title == "It's Skype");
  CHECK(y.summary == "caf\xC3\xA9 \"q\"");
  CHECK(y.architectures == std::vector<std::string>{"amd64", "arm64"});
  REQUIRE(y.problems.size() == 1);
  CHECK_THAT(y.problems[0], Catch::Contains("appears again"));

  SnapYaml bad = ParseSnapYaml("name: 'open\nthis is not yaml\nversion: 1\n");
  CHECK(bad.version == "1");
  CHECK(bad.problems.size() == 2);
  CHECK(ParseSnapYaml("").name.empty());
}

TEST_CASE("snapd state parser reads data.snaps", "[snap]") {
  SnapdState st = ParseSnapdState(R"({
    "data": {"snaps": {
      "skype": {"type": "app", "active": true, "current": "311",
                "channel": "latest/stable",
                "sequence": [{"name": "skype", "snap-id": "QRDEfjn4WJYnm0FzDKwqqRZZI77awQEV", "revision": "300"},
                             {"name": "skype", "snap-id": "QRDEfjn4WJYnm0FzDKwqqRZZI77awQEV", "revision": "311"}]},
      "hello_work": {"type": "app", "current": 42,
                     "sequence": [{"name": "hello", "revision": 42}]},
      "local": {"type": "app", "current": "x1", "sequence": [{"name": "local", "revision": "x1"}]},
      "broken": {"type": "app", "current": "7", "sequence": [{"name": "broken", "revision": "6"}]},
      "pending": {"type": "app", "sequence": []},
      "weird": 12
    }},
    "changes": {"1": {"huge": [1, 2, 3]}}
  })");
  REQUIRE(st.snaps.size() == 6);
  // Sorted by instance name.
  CHECK(st.snaps[0].instance == "broken");
  CHECK_THAT(st.snaps[0].error, Catch::Contains("not in its sequence"));
  CHECK(st.snaps[1].instance == "hello_work");
  CHECK(st.snaps[1].name == "hello");
  CHECK(st.snaps[1].revision == "42");
  CHECK(st.snaps[2].revision == "x1");
  CHECK(st.snaps[3].instance == "pending");
  CHECK_THAT(st.snaps[3].error, Catch::Contains("no current revision"));
  const SnapdSnap& skype = st.snaps[4];
  CHECK(skype.name == "skype");
  CHECK(skype.revision == "311");
  CHECK(skype.channel == "latest/stable");
  CHECK(skype.snap_id == "QRDEfjn4WJYnm0FzDKwqqRZZI77awQEV");
  CHECK(skype.active);
  CHECK(skype.revisions == std::vector<std::string>{"300", "311"});
  CHECK(skype.error.empty());
  CHECK_THAT(st.snaps[5].error, Catch::Contains("not an object"));
}

TEST_CASE("snapd state parser rejects what is not a state", "[snap]") {
  CHECK_THROWS_AS(ParseSnapdState(""), ParseError);
  CHECK_THROWS_AS(ParseSnapdState("{\"data\": "), ParseError);
  CHECK_THROWS_AS(ParseSnapdState("[1]"), ParseError);
  CHECK_THROWS_AS(ParseSnapdState("{\"data\": 3}"), ParseError);
  CHECK_THROWS_AS(ParseSnapdState("{\"data\": {\"snaps\": []}}"), ParseError);
  CHECK(ParseSnapdState("{\"data\": {}}").snaps.empty());
  std::string deep =
      "{\"data\": {\"snaps\": {\"a\": " + std::string(5000, '[') +
      std::string(5000, ']') + "}}}";
  CHECK_THROWS_AS(ParseSnapdState(deep), ParseError);
  SnapdStateLimits tiny;
  tiny.max_bytes = 4;
  CHECK_THROWS_AS(ParseSnapdState("{\"a\":1}", tiny), ParseError);
}

TEST_CASE("snap collector: a freshly seeded real state has no snaps",
          "[snap]") {
  auto path = CorpusPath("snap/vicyos_var_lib_snapd_state.json");
  SKIP_UNLESS_CORPUS(path);
  MemoryVfs vfs;
  vfs.AddFile(kState, ReadHostFile(*path));
  CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("snap"));
  CHECK(r.software.empty());
  CHECK(r.warnings.empty());
}

TEST_CASE("snap collector joins state.json with mounted snap.yaml", "[snap]") {
  auto state = StateFromRealHost();  // a JSON document, not a path
  if (!state) {
    WARN("corpus absent: skipped");
    return;
  }
  MemoryVfs vfs;
  vfs.AddFile(kState, state->dump());
  // Two revisions are mounted; the rest are empty mount points, as in an
  // offline image.
  vfs.AddFile("/snap/spotify/76/meta/snap.yaml",
              Yaml("spotify", "1.2.37.701.ge66eb7bc"));
  vfs.AddFile("/snap/spotify/75/meta/snap.yaml", Yaml("spotify", "1.2.31"));
  vfs.AddSymlink("/snap/spotify/current", "76");
  vfs.AddFile("/snap/core22/1380/meta/snap.yaml", Yaml("core22", "20240408"));
  vfs.AddDir("/snap/postman/254");
  CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("snap"));
  CHECK(AllWarnings(r).empty());
  REQUIRE(r.software.size() == 16);
  const Software* spotify = FindSoftware(r, "spotify");
  REQUIRE(spotify != nullptr);
  CHECK(spotify->ecosystem == "snap");
  CHECK(spotify->version == "1.2.37.701.ge66eb7bc");
  CHECK(spotify->location == "/snap/spotify/76");
  CHECK(spotify->source == kState);
  CHECK(spotify->arch == "amd64");
  CHECK(spotify->state == SoftwareState::kInstalled);
  CHECK(FindSoftware(r, "core22")->version == "20240408");
  const Software* postman = FindSoftware(r, "postman");
  CHECK(postman->version.empty());  // not mounted: the state has no version
  CHECK(postman->location == "/snap/postman/254");
  CHECK(FindSoftware(r, "snapd")->location == "/snap/snapd/21759");
  CHECK(FindSoftware(r, "bare")->location == "/snap/bare/5");
}

TEST_CASE("snap collector without a state uses the current revision",
          "[snap]") {
  MemoryVfs vfs;
  vfs.AddFile("/snap/skype/311/meta/snap.yaml", Yaml("skype", "8.96.0.207"));
  vfs.AddFile("/snap/skype/320/meta/snap.yaml", Yaml("skype", "8.97.0.1"));
  vfs.AddSymlink("/snap/skype/current", "311");  // reverted to 311
  vfs.AddFile("/snap/core/16928/meta/snap.yaml", Yaml("core", "16-2.61"));
  vfs.AddFile("/snap/core/17200/meta/snap.yaml", Yaml("core", "16-2.62"));
  // Fedora's mount root, and a parallel install.
  vfs.AddFile("/var/lib/snapd/snap/zoom-client_work/225/meta/snap.yaml",
              Yaml("zoom-client", "6.0.2"));
  CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("snap"));
  CHECK(AllWarnings(r).empty());
  REQUIRE(r.software.size() == 3);
  const Software* skype = FindSoftware(r, "skype");
  CHECK(skype->version == "8.96.0.207");
  CHECK(skype->location == "/snap/skype/311");
  CHECK(skype->source == "/snap/skype/311/meta/snap.yaml");
  // No current link: the newest revision.
  CHECK(FindSoftware(r, "core")->location == "/snap/core/17200");
  const Software* zoom = FindSoftware(r, "zoom-client");
  CHECK(zoom->version == "6.0.2");
  CHECK(zoom->location == "/var/lib/snapd/snap/zoom-client_work/225");
}

TEST_CASE("snap collector reports the same snap once through linked roots",
          "[snap]") {
  MemoryVfs vfs;
  vfs.AddFile("/var/lib/snapd/snap/skype/311/meta/snap.yaml",
              Yaml("skype", "8.96.0.207"));
  vfs.AddSymlink("/snap", "/var/lib/snapd/snap");
  CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("snap"));
  REQUIRE(r.software.size() == 1);
  CHECK(r.software[0].location == "/snap/skype/311");
}

TEST_CASE("snap collector survives damaged state and snap.yaml", "[snap]") {
  MemoryVfs vfs;
  vfs.AddFile(kState, "{\"data\": {\"snaps\": {\"skype\": ");  // truncated
  vfs.AddFile("/snap/skype/311/meta/snap.yaml", Yaml("skype", "8.96.0.207"));
  vfs.AddFile("/snap/noname/1/meta/snap.yaml", "summary: x\n\x01\x02\n");
  CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("snap"));
  const std::string all = AllWarnings(r);
  CHECK_THAT(all, Catch::Contains(std::string(kState) + ": cannot parse"));
  CHECK_THAT(all, Catch::Contains("snap.yaml has no name"));
  REQUIRE(r.software.size() == 2);
  CHECK(FindSoftware(r, "skype")->version == "8.96.0.207");
  CHECK(FindSoftware(r, "noname") != nullptr);
}

TEST_CASE("snap collector: damaged entries and leftovers beside a good state",
          "[snap]") {
  MemoryVfs vfs;
  vfs.AddFile(kState, R"({"data": {"snaps": {
      "skype": {"type": "app", "current": "311", "channel": "latest/stable",
                "sequence": [{"name": "skype", "revision": "311"}]},
      "pending": {"type": "app", "sequence": []},
      "odd": {"current": "5", "sequence": [{"name": "odd", "revision": "4"}]}}}})");
  vfs.AddFile("/snap/skype/311/meta/snap.yaml", Yaml("skype", "8.96.0.207"));
  vfs.AddFile("/snap/zoom-client/225/meta/snap.yaml", Yaml("zoom-client", "6"));
  CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("snap"));
  const std::string all = AllWarnings(r);
  CHECK_THAT(all, Catch::Contains("snap pending: has no current revision"));
  CHECK_THAT(all, Catch::Contains("snap odd: current revision 5"));
  CHECK_THAT(all, Catch::Contains("zoom-client is mounted but not in"));
  REQUIRE(r.software.size() == 3);
  CHECK(FindSoftware(r, "skype")->version == "8.96.0.207");
  CHECK(FindSoftware(r, "odd")->location == "/snap/odd/5");
  CHECK(FindSoftware(r, "zoom-client")->state == SoftwareState::kResidue);
  CHECK(FindSoftware(r, "pending") == nullptr);
}

TEST_CASE("snap collector: .snap files are evidence when nothing else is",
          "[snap]") {
  MemoryVfs vfs;
  vfs.AddFile("/var/lib/snapd/snaps/zoom-client_225.snap", "hsqs");
  vfs.AddFile("/var/lib/snapd/snaps/zoom-client_219.snap", "hsqs");
  vfs.AddFile("/var/lib/snapd/snaps/skype_311.snap", "hsqs");
  vfs.AddFile("/snap/skype/311/meta/snap.yaml",
              "name: skype\nversion: 8.110.76.107\n");
  CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("snap"));
  REQUIRE(r.software.size() == 2);  // skype once, from its mount
  const Software* zoom = nullptr;
  for (const Software& s : r.software) {
    if (s.id == "zoom-client") zoom = &s;
  }
  REQUIRE(zoom);
  CHECK(zoom->source == "/var/lib/snapd/snaps/zoom-client_225.snap");
  CHECK(zoom->state == SoftwareState::kInstalled);
  CHECK(vfs.files_read() == 1);  // the snap.yaml; .snap files by name only
}
