// Windows removal history: Amcache.hve (both layouts) read by the amcache
// collector and checked against what hivexregedit --export (libwin-hivex-
// perl) prints for the same corpus keys; Application.evtx MsiInstaller
// events read through libevtx and checked against evtxexport
// (libevtx-utils); the event-to-record rules on events made here, since no
// tool on this system writes an event log with removal events.
#include <catch2/catch.hpp>
#include <ctime>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "collectors/windows/amcache_entries.h"
#include "collectors/windows/msi_installer_history.h"
#include "collectors/windows/windows_time.h"
#include "evidence/memory_vfs.h"
#include "formats/evtx_log.h"
#include "formats/parse_error.h"
#include "support/test_support.h"

using namespace contraband;
using namespace contraband::testing;

namespace {

const std::string kReg = "windows_registry/";
const std::string kEvtx = "windows_evtx/";
const std::string kAmcache = "/Windows/appcompat/Programs/Amcache.hve";
const std::string kApplication =
    "/Windows/System32/winevt/Logs/Application.evtx";

// The values of `key` as hivexregedit --export prints them, strings
// (hex(1)/hex(2), UTF-16LE) decoded and QWORDs (hex(b)) in decimal.
std::map<std::string, std::string> HivexValues(const std::string& hive,
                                               const std::string& key) {
  RunResult r = Run("hivexregedit --export " + ShellQuote(hive) + " " +
                    ShellQuote(key));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const std::string header = "[\\" + key + "]\n";
  size_t pos = r.out.find(header);
  REQUIRE(pos != std::string::npos);
  pos += header.size();
  std::map<std::string, std::string> out;
  while (pos < r.out.size() && r.out[pos] == '"') {
    const size_t end_name = r.out.find('"', pos + 1);
    const std::string name = r.out.substr(pos + 1, end_name - pos - 1);
    const size_t eol = r.out.find('\n', end_name);
    std::string value = r.out.substr(end_name + 2, eol - end_name - 2);
    // Continuation lines end with a backslash.
    std::string bytes;
    auto hex_bytes = [&](std::string_view list) {
      std::string b;
      for (size_t i = 0; i + 2 <= list.size(); i += 3) {
        b += static_cast<char>(std::stoi(std::string(list.substr(i, 2)), nullptr, 16));
      }
      return b;
    };
    if (value.rfind("hex(1):", 0) == 0 || value.rfind("hex(2):", 0) == 0) {
      bytes = hex_bytes(std::string_view(value).substr(7));
      std::string text;
      for (size_t i = 0; i + 1 < bytes.size(); i += 2) {
        const unsigned cp = static_cast<unsigned char>(bytes[i]) |
                            (static_cast<unsigned char>(bytes[i + 1]) << 8);
        if (cp == 0) break;
        REQUIRE(cp < 0x80);  // the keys compared here are ASCII
        text += static_cast<char>(cp);
      }
      out[name] = text;
    } else if (value.rfind("hex(b):", 0) == 0) {
      bytes = hex_bytes(std::string_view(value).substr(7));
      uint64_t n = 0;
      for (size_t i = bytes.size(); i-- > 0;) {
        n = n * 256 + static_cast<unsigned char>(bytes[i]);
      }
      out[name] = std::to_string(n);
    } else if (value.size() >= 2 && value.front() == '"') {
      out[name] = value.substr(1, value.size() - 2);
    }
    pos = eol + 1;
  }
  return out;
}

// hivexregedit comes with libwin-hivex-perl (TEST_PACKAGES).
bool HaveHivex() {
  if (HaveTool("hivexregedit")) return true;
  WARN("hivexregedit absent (libwin-hivex-perl): skipped");
  return false;
}

CollectResult CollectAmcache(const std::string& hive,
                             const std::vector<std::string>& logs = {}) {
  MemoryVfs vfs;
  vfs.AddFile(kAmcache, ReadHostFile(hive));
  for (size_t i = 0; i < logs.size(); ++i) {
    vfs.AddFile(kAmcache + ".LOG" + std::to_string(i + 1),
                ReadHostFile(logs[i]));
  }
  return CollectSoftware(vfs, "ev", CollectorNamed("amcache"));
}

const Software* ByKey(const CollectResult& r, const std::string& key) {
  for (const Software& sw : r.software) {
    if (sw.source_key == key) return &sw;
  }
  return nullptr;
}

std::string Lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return s;
}

}  // namespace

TEST_CASE("amcache: dates and package family names", "[windows][amcache]") {
  CHECK(AmcacheDateToRfc3339("03/10/2022 19:49:27") == "2022-03-10T19:49:27Z");
  CHECK(AmcacheDateToRfc3339("").empty());
  CHECK(AmcacheDateToRfc3339("13/10/2022 19:49:27").empty());
  CHECK(AmcacheDateToRfc3339("03/10/2022T19:49:27").empty());
  CHECK(UnixSecondsToRfc3339(1600468650) == "2020-09-18T22:37:30Z");
  CHECK(UnixSecondsToRfc3339(0).empty());
  CHECK(WindowsFiletimeToRfc3339(132219052599954232ull) ==
        "2019-12-27T07:27:39Z");
  CHECK(PackageFamilyOfFullName(
            "Microsoft.WindowsCamera_2018.826.98.0_x64__8wekyb3d8bbwe") ==
        "Microsoft.WindowsCamera_8wekyb3d8bbwe");
  CHECK(PackageFamilyOfFullName("Zoom").empty());
  CHECK(PackageFamilyOfFullName("a_1_x64__short").empty());
}

TEST_CASE("amcache: Windows 10 programs and executables, logs replayed",
          "[windows][amcache]") {
  auto hive = CorpusPath(kReg + "museum_Win10_APTSimulator_Amcache.hve");
  auto log1 = CorpusPath(kReg + "museum_Win10_APTSimulator_Amcache.hve.LOG1");
  auto log2 = CorpusPath(kReg + "museum_Win10_APTSimulator_Amcache.hve.LOG2");
  SKIP_UNLESS_CORPUS(hive, log1, log2);
  if (!HaveHivex()) return;
  CollectResult r = CollectAmcache(*hive, {*log1, *log2});
  const std::string warnings = AllWarnings(r);
  INFO(warnings);
  CHECK(warnings.find(kAmcache + ": hive is dirty (sequence numbers 24/23): "
                                 "replayed 4 log entries") !=
        std::string::npos);

  // A program installed through its Uninstall entry (Source
  // AddRemoveProgram): every field as hivexregedit prints it.
  const std::string seven_zip =
      "Root\\InventoryApplication\\00003942b4a5b0d77eaf8e5449c4887179bc0000ffff";
  const auto hv = HivexValues(*hive, seven_zip);
  const Software* sw = ByKey(r, seven_zip);
  REQUIRE(sw);
  CHECK(sw->ecosystem == "windows");
  CHECK(sw->state == SoftwareState::kRemoved);
  CHECK(sw->id == "00003942b4a5b0d77eaf8e5449c4887179bc0000ffff");
  CHECK(sw->name == hv.at("Name"));  // 7-Zip 21.07 (x64)
  CHECK(sw->name == "7-Zip 21.07 (x64)");
  CHECK(sw->version == hv.at("Version"));
  CHECK(sw->publisher == hv.at("Publisher"));  // Igor Pavlov
  CHECK(hv.at("InstallDate") == "03/10/2022 19:49:27");
  CHECK(sw->installed_at == "2022-03-10T19:49:27Z");
  CHECK(sw->removed_at.empty());
  CHECK(sw->source == kAmcache);

  // An AppX package: the family name as id, ecosystem msix.
  const Software* camera = ByKey(
      r, "Root\\InventoryApplication\\0000041ce3ebb98d8d6fe2ef3dfc806b03f300000904");
  REQUIRE(camera);
  CHECK(camera->ecosystem == "msix");
  CHECK(camera->id == "Microsoft.WindowsCamera_8wekyb3d8bbwe");
  CHECK(camera->name == "Microsoft.WindowsCamera");
  CHECK(camera->version == "2018.826.98.0");

  // KAPE's gkape.exe is in the hive only once its logs are replayed
  // (hivexregedit, reading the file as it is, does not list it).
  const std::string gkape = "Root\\InventoryApplicationFile\\gkape.exe|cf356c8f87c2c3bd";
  const Software* kape = ByKey(r, gkape);
  REQUIRE(kape);
  CHECK(kape->ecosystem == "installer");
  CHECK(kape->id == "gkape.exe");
  CHECK(kape->state == SoftwareState::kRemoved);
  RunResult plain = Run("hivexregedit --export " + ShellQuote(*hive) +
                        " 'Root\\InventoryApplicationFile'");
  CHECK(plain.out.find("gkape.exe") == std::string::npos);

  // The hive alone: no replay, and the file as hivexregedit reads it.
  CollectResult alone = CollectAmcache(*hive);
  CHECK(ByKey(alone, gkape) == nullptr);
  CHECK(ByKey(alone, "Root\\InventoryApplicationFile\\msedge.exe|d27b57360cd4a4cf"));
  CHECK(AllWarnings(alone).find("no log entry beside it applies") !=
        std::string::npos);
}

TEST_CASE("amcache: executables with their SHA-1", "[windows][amcache]") {
  auto hive = CorpusPath(kReg + "velociraptor_Amcache.hve");
  SKIP_UNLESS_CORPUS(hive);
  if (!HaveHivex()) return;
  CollectResult r = CollectAmcache(*hive);
  // Dirty (sequence numbers 3/2) without logs beside it: said, then read.
  CHECK(AllWarnings(r).find("no log entry beside it applies") !=
        std::string::npos);
  const std::string key =
      "Root\\InventoryApplicationFile\\am_base.exe|89cd9b0a99b0456e";
  const auto hv = HivexValues(*hive, key);
  const Software* sw = ByKey(r, key);
  REQUIRE(sw);
  CHECK(sw->ecosystem == "installer");
  CHECK(sw->id == hv.at("Name"));  // AM_Base.exe
  CHECK(sw->name == hv.at("ProductName"));
  CHECK(sw->publisher == hv.at("Publisher"));
  CHECK(sw->version == hv.at("Version"));
  CHECK(hv.at("FileId") == "000085ec26beb5c422b02c5d059bbc966bf99eb3892a");
  CHECK(sw->file_sha1 == "85ec26beb5c422b02c5d059bbc966bf99eb3892a");
  CHECK(sw->location ==
        "/windows/softwaredistribution/download/install/am_base.exe");
  // Every executable key becomes one record.
  size_t files = 0;
  for (const Software& s : r.software) {
    if (s.source_key.rfind("Root\\InventoryApplicationFile\\", 0) == 0) ++files;
  }
  RunResult all = Run("hivexregedit --export " + ShellQuote(*hive) +
                      " 'Root\\InventoryApplicationFile' | grep -c '^\\[\\\\Root\\\\InventoryApplicationFile\\\\'");
  CHECK(std::to_string(files) + "\n" == all.out);
}

TEST_CASE("amcache: the older layout (Server 2012 R2: Programs, File)",
          "[windows][amcache]") {
  auto hive = CorpusPath(kReg + "museum_Win2012R2_Amcache.hve");
  SKIP_UNLESS_CORPUS(hive);
  if (!HaveHivex()) return;
  CollectResult r = CollectAmcache(*hive);
  INFO(AllWarnings(r));
  const std::string program =
      "Root\\Programs\\0000e2ce9887c6c3734778b91e2495348be900000904";
  const auto hv = HivexValues(*hive, program);
  const Software* tools = ByKey(r, program);
  REQUIRE(tools);
  CHECK(tools->ecosystem == "windows");
  CHECK(tools->state == SoftwareState::kRemoved);
  CHECK(tools->name == hv.at("0"));  // VMware Tools
  CHECK(tools->name == "VMware Tools");
  CHECK(tools->version == hv.at("1"));
  CHECK(tools->publisher == hv.at("2"));
  CHECK(hv.at("a") == "1600468650");  // POSIX seconds
  CHECK(tools->installed_at == "2020-09-18T22:37:30Z");
  CHECK(tools->location == "/program files/vmware/vmware tools");

  const std::string file =
      "Root\\File\\a7f6108c-f8fd-11ea-80b5-806e6f6e6963\\1000015186";
  const auto fv = HivexValues(*hive, file);
  const Software* exe = ByKey(r, file);
  REQUIRE(exe);
  CHECK(exe->ecosystem == "installer");
  CHECK(exe->id == "vmtoolsd.exe");
  CHECK(Lower(exe->location) ==
        Lower("/Program Files/VMware/VMware Tools/vmtoolsd.exe"));
  CHECK(fv.at("101") == "0000" + exe->file_sha1);
  CHECK(exe->file_sha1 == "aacea26a6d13b823f692b61efdfe8d762bf14380");
}

TEST_CASE("amcache: both layouts in one hive, damaged hives warned",
          "[windows][amcache]") {
  auto hive = CorpusPath(kReg + "regipy_Amcache.hve");
  SKIP_UNLESS_CORPUS(hive);
  if (!HaveHivex()) return;
  CollectResult r = CollectAmcache(*hive);
  std::set<std::string> layouts;
  for (const Software& s : r.software) {
    layouts.insert(s.source_key.substr(0, s.source_key.find('\\', 5)));
  }
  CHECK(layouts == std::set<std::string>{"Root\\File", "Root\\InventoryApplication",
                                         "Root\\InventoryApplicationFile",
                                         "Root\\Programs"});
  const std::string wireshark =
      "Root\\InventoryApplication\\00000ab0597bd2c75c47f97060a9dd5cf7f30000ffff";
  const auto hv = HivexValues(*hive, wireshark);
  const Software* ws = ByKey(r, wireshark);
  REQUIRE(ws);
  CHECK(ws->name == hv.at("Name"));  // Wireshark 2.4.0 64-bit
  CHECK(ws->installed_at == "2017-08-01T13:16:12Z");

  // Cut in the middle: a warning, and what can be read is still read.
  const std::string bytes = ReadHostFile(*hive);
  MemoryVfs vfs;
  vfs.AddFile(kAmcache, bytes.substr(0, bytes.size() / 2));
  CollectResult cut = CollectSoftware(vfs, "ev", CollectorNamed("amcache"));
  CHECK(AllWarnings(cut).find("truncated") != std::string::npos);
  // Not a hive at all.
  MemoryVfs junk;
  junk.AddFile(kAmcache, std::string(10000, 'x'));
  CollectResult none = CollectSoftware(junk, "ev", CollectorNamed("amcache"));
  CHECK(none.software.empty());
  CHECK_FALSE(none.warnings.empty());
}

// ---------------------------------------------------------------------------
// Event logs

namespace {

struct ExportedEvent {
  uint64_t number = 0;
  std::string time;  // RFC 3339
  std::string source;
  uint32_t id = 0;
  std::vector<std::string> strings;
};

// evtxexport's text output, one event per block.
std::vector<ExportedEvent> Evtxexport(const std::string& path) {
  RunResult r = Run("evtxexport " + ShellQuote(path));
  REQUIRE(r.exit_code == 0);
  std::vector<ExportedEvent> out;
  size_t pos = 0;
  auto field = [](const std::string& line, const std::string& name,
                  std::string& value) {
    if (line.rfind(name, 0) != 0) return false;
    const size_t colon = line.find("\t: ");
    value = colon == std::string::npos ? "" : line.substr(colon + 3);
    return true;
  };
  while (pos < r.out.size()) {
    const size_t eol = r.out.find('\n', pos);
    const std::string line = r.out.substr(pos, eol - pos);
    pos = eol == std::string::npos ? r.out.size() : eol + 1;
    std::string v;
    if (field(line, "Event number", v)) {
      out.emplace_back();
      out.back().number = std::stoull(v);
    } else if (out.empty()) {
      continue;
    } else if (field(line, "Written time", v)) {
      std::tm tm{};
      REQUIRE(strptime(v.c_str(), "%b %d, %Y %H:%M:%S", &tm));
      char buf[32];
      std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
      out.back().time = buf;
    } else if (field(line, "Source name", v)) {
      out.back().source = v;
    } else if (field(line, "Event identifier", v)) {
      out.back().id = static_cast<uint32_t>(
          std::stoul(v.substr(v.find('(') + 1)));
    } else if (field(line, "String: ", v)) {
      out.back().strings.push_back(v);
    }
  }
  return out;
}

EvtxEvent Event(uint64_t record, uint32_t id, uint64_t unix_seconds,
                std::vector<std::string> strings, std::string data = {}) {
  EvtxEvent e;
  e.record_id = record;
  e.event_id = id;
  e.written = (unix_seconds + 11644473600ull) * 10000000ull;
  e.provider = "MsiInstaller";
  e.strings = std::move(strings);
  e.data = std::move(data);
  return e;
}

const std::string kZoomCode = "{0B76DE11-5937-4491-A66A-617E42170AFF}";

}  // namespace

TEST_CASE("evtx: MsiInstaller installs read through libevtx",
          "[windows][evtx]") {
  auto log = CorpusPath(kEvtx + "deepbluecli_many-events-application.evtx");
  SKIP_UNLESS_CORPUS(log);
  if (!HaveTool("evtxexport")) {
    WARN("evtxexport (libevtx-utils) absent: skipped");
    return;
  }
  const std::string bytes = ReadHostFile(*log);
  const std::vector<ExportedEvent> expected = Evtxexport(*log);
  std::vector<ExportedEvent> msi;
  for (const ExportedEvent& e : expected) {
    if (e.source == "MsiInstaller") msi.push_back(e);
  }
  REQUIRE(msi.size() == 317);

  // Our reading of the same events: ids, times, strings.
  std::vector<EvtxEvent> ours;
  const EvtxReadResult read = ReadEvtx(
      bytes, [](std::string_view p) { return p == "MsiInstaller"; },
      [&](EvtxEvent e) { ours.push_back(std::move(e)); });
  CHECK(read.records == expected.size());
  CHECK(read.problems.empty());
  REQUIRE(ours.size() == msi.size());
  for (size_t i = 0; i < msi.size(); ++i) {
    INFO("event " << msi[i].number);
    CHECK(ours[i].record_id == msi[i].number);
    CHECK(ours[i].event_id == msi[i].id);
    CHECK(WindowsFiletimeToRfc3339(ours[i].written) == msi[i].time);
  }

  // The collector: one record per product that completed an install
  // (1033 with status 0), each with the values evtxexport prints.
  MemoryVfs vfs;
  vfs.AddFile(kApplication, bytes);
  CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("msi-installer-log"));
  INFO(AllWarnings(r));
  std::map<std::string, const ExportedEvent*> installs;  // name -> last 1033
  for (const ExportedEvent& e : msi) {
    if (e.id == 1033 && e.strings.size() >= 5 && e.strings[3] == "0") {
      installs[e.strings[0]] = &e;
    }
  }
  REQUIRE(installs.size() == 7);
  REQUIRE(r.software.size() == installs.size());
  for (const Software& sw : r.software) {
    INFO(sw.name);
    REQUIRE(installs.count(sw.name));
    const ExportedEvent& e = *installs[sw.name];
    CHECK(sw.ecosystem == "windows");
    CHECK(sw.state == SoftwareState::kRemoved);  // was installed
    CHECK(sw.removed_at.empty());
    CHECK(sw.version == e.strings[1]);
    CHECK(sw.publisher == e.strings[4]);
    CHECK(sw.installed_at == e.time);
    CHECK(sw.source == kApplication);
    CHECK(sw.source_key == "EventRecordID " + std::to_string(e.number));
    CHECK(sw.id.size() == 38);  // the product code, "{...}"
  }
  const Software* net = FindSoftware(r, "{3C3901C5-3455-3E0A-A214-0B093A5070A6}");
  REQUIRE(net);
  CHECK(net->name == "Microsoft .NET Framework 4 Client Profile");
  CHECK(net->version == "4.0.30319");
  CHECK(net->installed_at == "2013-10-23T17:57:38Z");
  CHECK(net->source_key == "EventRecordID 249");
}

TEST_CASE("evtx: transactions that completed nothing make no record",
          "[windows][evtx]") {
  auto log = CorpusPath(kEvtx + "evtxattack_rogue_msi_url_1040_1042.evtx");
  SKIP_UNLESS_CORPUS(log);
  const std::string bytes = ReadHostFile(*log);
  std::set<uint32_t> ids;
  size_t events = 0;
  ReadEvtx(
      bytes, [](std::string_view p) { return p == "MsiInstaller"; },
      [&](EvtxEvent e) {
        ids.insert(e.event_id);
        ++events;
      });
  CHECK(events == 346);  // evtxexport: 346 MsiInstaller events
  CHECK(ids == std::set<uint32_t>{1040, 1042});
  MemoryVfs vfs;
  vfs.AddFile(kApplication, bytes);
  CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("msi-installer-log"));
  CHECK(r.software.empty());
  CHECK(r.warnings.empty());
}

TEST_CASE("evtx: damaged and foreign files", "[windows][evtx]") {
  auto log = CorpusPath(kEvtx + "deepbluecli_many-events-application.evtx");
  SKIP_UNLESS_CORPUS(log);
  auto none = [](std::string_view) { return true; };
  auto drop = [](EvtxEvent) {};
  CHECK_THROWS_AS(ReadEvtx(std::string(70000, 'x'), none, drop), ParseError);
  CHECK_THROWS_AS(ReadEvtx("", none, drop), ParseError);
  // Cut after a few chunks: the records still there are read.
  const std::string bytes = ReadHostFile(*log);
  size_t seen = 0;
  try {
    ReadEvtx(bytes.substr(0, 4096 + 3 * 65536 + 1000), none,
             [&](EvtxEvent) { ++seen; });
  } catch (const ParseError&) {
  }
  CHECK(seen > 0);
  // A record whose binary XML fuzz_evtx damaged (libevtx leaks its partly
  // parsed XML): named as a problem, the other records still read.
  const std::string damaged = ReadHostFile(
      std::string(SOURCE_DIR) +
      "/tests/fuzz/regressions/fuzz_evtx/libevtx_leak_damaged_xml");
  size_t good = 0;
  const EvtxReadResult hurt =
      ReadEvtx(damaged, none, [&](EvtxEvent) { ++good; });
  REQUIRE_FALSE(hurt.problems.empty());
  CHECK(hurt.problems[0].find("cannot be read") != std::string::npos);
  CHECK(good > 0);
  // Bounds: records and string sizes.
  EvtxLimits small;
  small.max_records = 10;
  small.max_string = 8;
  size_t kept = 0;
  const EvtxReadResult read = ReadEvtx(bytes, none,
                                       [&](EvtxEvent e) {
                                         ++kept;
                                         for (const std::string& s : e.strings) {
                                           CHECK(s.size() <= 8);
                                         }
                                       },
                                       small);
  CHECK(kept == 10);
  REQUIRE_FALSE(read.problems.empty());
  CHECK(read.problems[0].find("only the first 10 are read") != std::string::npos);
}

TEST_CASE("msi-installer: installs, removals and reinstalls as records",
          "[windows][evtx]") {
  // The events Windows Installer writes (strings as in the corpus log's
  // 11707/1033; 11724/1034 have the same layout with "Removal").
  const std::string code_hex = [] {
    std::string hex;
    const char* digits = "0123456789ABCDEF";
    for (unsigned char c : kZoomCode) {
      hex += digits[c >> 4];
      hex += digits[c & 15];
    }
    return hex;
  }();
  auto message = [&](const char* what) {
    return std::vector<std::string>{
        std::string("Product: Zoom(64bit) -- ") + what +
            " completed successfully.",
        "(NULL)", "(NULL)", "(NULL)", "(NULL)", "(NULL)", "", code_hex};
  };
  auto details = [&](const char* status) {
    return std::vector<std::string>{"Zoom(64bit)", "5.17.11.34827", "1033",
                                    status, "Zoom", "(NULL)", "",
                                    code_hex + "30303030"};
  };

  SECTION("installed, then removed") {
    MsiInstallerHistory h;
    h.Add(Event(10, 11707, 1704067200, message("Installation")));
    h.Add(Event(11, 1033, 1704067200, details("0")));
    h.Add(Event(40, 11724, 1706745600, message("Removal")));
    h.Add(Event(41, 1034, 1706745600, details("0")));
    const std::vector<Software> out = h.Records();
    REQUIRE(out.size() == 1);
    CHECK(out[0].ecosystem == "windows");
    CHECK(out[0].id == kZoomCode);
    CHECK(out[0].name == "Zoom(64bit)");
    CHECK(out[0].version == "5.17.11.34827");
    CHECK(out[0].publisher == "Zoom");
    CHECK(out[0].state == SoftwareState::kRemoved);
    CHECK(out[0].installed_at == "2024-01-01T00:00:00Z");
    CHECK(out[0].removed_at == "2024-02-01T00:00:00Z");
    CHECK(out[0].source_key == "EventRecordID 41");
  }
  SECTION("removed, then installed again: was installed, no removal date") {
    MsiInstallerHistory h;
    h.Add(Event(10, 1033, 1704067200, details("0")));
    h.Add(Event(40, 11724, 1706745600, message("Removal")));
    h.Add(Event(50, 11707, 1709251200, message("Installation")));
    const std::vector<Software> out = h.Records();
    REQUIRE(out.size() == 1);
    CHECK(out[0].removed_at.empty());
    CHECK(out[0].installed_at == "2024-03-01T00:00:00Z");
    CHECK(out[0].version == "5.17.11.34827");  // from the earlier 1033
    CHECK(out[0].source_key == "EventRecordID 50");
  }
  SECTION("failed attempts and transactions make no record") {
    MsiInstallerHistory h;
    h.Add(Event(1, 1033, 1704067200, details("1603")));
    h.Add(Event(2, 1040, 1704067200, {"C:\\x.msi", "(NULL)"}));
    h.Add(Event(3, 1042, 1704067200, {"C:\\x.msi"}));
    h.Add(Event(4, 11708, 1704067200, message("Installation")));
    CHECK(h.Records().empty());
  }
  SECTION("events without a product code join by name") {
    MsiInstallerHistory h;
    EvtxEvent removal = Event(7, 11724, 1706745600, message("Removal"));
    removal.strings.pop_back();
    h.Add(removal);
    const std::vector<Software> out = h.Records();
    REQUIRE(out.size() == 1);
    CHECK(out[0].id == "Zoom(64bit)");
    CHECK(out[0].removed_at == "2024-02-01T00:00:00Z");
    CHECK(out[0].installed_at.empty());
  }
  SECTION("the product code from binary data bytes") {
    EvtxEvent e = Event(1, 11707, 1704067200, {"Product: Zoom -- x"},
                        kZoomCode + "0000abc");
    CHECK(MsiProductCode(e) == kZoomCode);
  }
}
