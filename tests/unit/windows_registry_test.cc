// Registry hives read by our own regf reader, checked against what a real
// tool (hivexregedit, from libwin-hivex-perl) exports from the same corpus
// hives; transaction log replay on a real dirty hive; the windows-registry
// collector on hives laid out as a Windows tree.
#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "collectors/windows/uninstall_entries.h"
#include "evidence/memory_vfs.h"
#include "formats/parse_error.h"
#include "formats/regf_hive.h"
#include "formats/regf_log.h"
#include "support/hive_merge.h"
#include "support/test_support.h"

using namespace contraband;
using namespace contraband::testing;

namespace {

const char kReg[] = "windows_registry/";

// The value names of `key` as `hivexregedit --export` prints them.
std::set<std::string> HivexValueNames(const std::string& hive,
                                      const std::string& key) {
  RunResult r = Run("hivexregedit --export " + ShellQuote(hive) + " " +
                    ShellQuote(key));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::set<std::string> names;
  size_t pos = 0;
  const std::string header = "[" + key + "]\n";
  const size_t start = r.out.find(header);
  REQUIRE(start != std::string::npos);
  pos = start + header.size();
  while (pos < r.out.size() && r.out[pos] == '"') {
    const size_t end = r.out.find('"', pos + 1);
    names.insert(r.out.substr(pos + 1, end - pos - 1));
    pos = r.out.find('\n', end);
    if (pos == std::string::npos) break;
    ++pos;
  }
  return names;
}

std::set<std::string> OurValueNames(const RegfHive& hive,
                                    const std::string& key) {
  std::optional<uint32_t> k = hive.Find(hive.root(), key);
  REQUIRE(k);
  std::set<std::string> names;
  for (const RegfValue& v : hive.Values(*k)) names.insert(v.name);
  return names;
}

std::string ValueText(const RegfHive& hive, const std::string& key,
                      const std::string& name) {
  std::optional<uint32_t> k = hive.Find(hive.root(), key);
  REQUIRE(k);
  for (const RegfValue& v : hive.Values(*k)) {
    if (v.name == name) return RegfValueText(v);
  }
  return "<absent>";
}

}  // namespace

TEST_CASE("regf: Uninstall entries of a real hive as hivexregedit shows them",
          "[windows][regf]") {
  auto path = CorpusPath(std::string(kReg) + "regipy_ntuser_software_partial.hive");
  SKIP_UNLESS_CORPUS(path);
  if (!HaveTool("hivexregedit")) {
    WARN("hivexregedit absent (libwin-hivex-perl): skipped");
    return;
  }
  const std::string bytes = ReadHostFile(*path);
  RegfHive hive(bytes);
  CHECK_FALSE(hive.base().dirty());
  const std::string key = "Microsoft\\Windows\\CurrentVersion\\Uninstall\\gitkraken";
  CHECK(OurValueNames(hive, key) == HivexValueNames(*path, "\\" + key));
  // hivexregedit prints REG_SZ as hex(1) UTF-16: the text is checked here.
  CHECK(ValueText(hive, key, "DisplayName") == "GitKraken");
  CHECK(ValueText(hive, key, "DisplayVersion") == "5.0.4");
  CHECK(ValueText(hive, key, "Publisher") == "Axosoft, LLC");
  CHECK(ValueText(hive, key, "EstimatedSize") == std::to_string(0x1d1ee));

  // Every Uninstall subkey hivex lists, we list.
  RunResult r = Run("hivexregedit --export " + ShellQuote(*path) +
                    " '\\Microsoft\\Windows\\CurrentVersion\\Uninstall'");
  REQUIRE(r.exit_code == 0);
  std::set<std::string> hivex_keys;
  const std::string prefix = "[\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\";
  for (size_t p = r.out.find(prefix); p != std::string::npos;
       p = r.out.find(prefix, p + 1)) {
    const size_t end = r.out.find("]\n", p);
    const std::string sub = r.out.substr(p + prefix.size(), end - p - prefix.size());
    if (sub.find('\\') == std::string::npos) hivex_keys.insert(sub);
  }
  std::set<std::string> ours;
  for (const auto& [name, off] :
       hive.Subkeys(*hive.Find(hive.root(),
                               "Microsoft\\Windows\\CurrentVersion\\Uninstall"))) {
    ours.insert(name);
  }
  CHECK(ours == hivex_keys);
  CHECK(ours.count("OneDriveSetup.exe") == 1);
}

TEST_CASE("regf: a dirty hive's logs are replayed in memory",
          "[windows][regf]") {
  auto hive_path = CorpusPath(std::string(kReg) + "regipy_transactions_NTUSER.DAT");
  auto log1 = CorpusPath(std::string(kReg) + "regipy_transactions_NTUSER.DAT.LOG1");
  auto log2 = CorpusPath(std::string(kReg) + "regipy_transactions_NTUSER.DAT.LOG2");
  SKIP_UNLESS_CORPUS(hive_path, log1, log2);
  if (!HaveTool("hivexregedit")) {
    WARN("hivexregedit absent (libwin-hivex-perl): skipped");
    return;
  }
  const std::string key = "Software\\RegisteredApplications";
  // Only the log has this value: hivex (which does not replay) lacks it.
  const std::string only_in_log = "AppXkxxnbed2z8qadrc61cr3rqc59k6bymrz";
  const std::set<std::string> hivex = HivexValueNames(*hive_path, "\\" + key);
  REQUIRE(hivex.count(only_in_log) == 0);

  std::string bytes = ReadHostFile(*hive_path);
  {
    RegfHive plain(bytes);
    CHECK(plain.base().dirty());
    CHECK(plain.base().primary_sequence == 567);
    CHECK(plain.base().secondary_sequence == 566);
    CHECK(OurValueNames(plain, key) == hivex);  // before replay: as hivex
  }
  const std::string l1 = ReadHostFile(*log1), l2 = ReadHostFile(*log2);
  RegfReplay replay = ReplayRegfLogs(bytes, {l1, l2});
  INFO(replay.problems.size());
  // LOG1 holds 566..588; 566 was already written, 567 on are applied. LOG2
  // holds only an older entry (562).
  CHECK(replay.entries_applied == 22);
  CHECK(replay.first_sequence == 567);
  CHECK(replay.last_sequence == 588);
  RegfHive replayed(bytes);
  CHECK_FALSE(replayed.base().dirty());
  const std::set<std::string> after = OurValueNames(replayed, key);
  CHECK(after.count(only_in_log) == 1);
  for (const std::string& name : hivex) CHECK(after.count(name) == 1);
  CHECK(ValueText(replayed, key, only_in_log).find(
            "Microsoft.PPIProjection_10.0.15063.0_neutral_neutral_cw5n1h2txyewy") !=
        std::string::npos);
}

TEST_CASE("regf: a log entry with a wrong hash is not applied",
          "[windows][regf]") {
  auto hive_path = CorpusPath(std::string(kReg) + "regipy_transactions_NTUSER.DAT");
  auto log1 = CorpusPath(std::string(kReg) + "regipy_transactions_NTUSER.DAT.LOG1");
  SKIP_UNLESS_CORPUS(hive_path, log1);
  std::string bytes = ReadHostFile(*hive_path);
  const std::string original = bytes;
  std::string log = ReadHostFile(*log1);
  // The first entry (566) is skipped as already written; corrupt the second.
  const size_t second = 512 + 241152;
  REQUIRE(log.substr(second, 4) == "HvLE");
  log[second + 200] ^= 0x55;
  RegfReplay replay = ReplayRegfLogs(bytes, {log});
  CHECK(replay.entries_applied == 0);
  CHECK(bytes == original);
  REQUIRE_FALSE(replay.problems.empty());
  CHECK(replay.problems[0].find("hash mismatch") != std::string::npos);
}

TEST_CASE("regf: a truncated hive is read as far as it goes",
          "[windows][regf]") {
  auto path = CorpusPath(std::string(kReg) + "regipy_ntuser_software_partial.hive");
  SKIP_UNLESS_CORPUS(path);
  const std::string whole = ReadHostFile(*path);
  // Cut after the first 64 KiB of hive bins: the base block still claims
  // all of them.
  const std::string cut = whole.substr(0, 4096 + 65536);
  RegfHive hive(cut);
  REQUIRE(hive.problems().size() == 1);
  CHECK(hive.problems()[0].find("truncated") != std::string::npos);
  // The root key is near the start; its subkeys whose cells lie past the
  // cut fail one by one instead of ending the hive.
  CHECK_NOTHROW(hive.Name(hive.root()));

  MemoryVfs vfs;
  vfs.AddFile("/Windows/System32/config/SOFTWARE", cut);
  CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("windows-registry"));
  const std::string warnings = AllWarnings(r);
  CHECK(warnings.find("truncated") != std::string::npos);
}

TEST_CASE("regf: not a hive", "[windows][regf]") {
  CHECK_THROWS_AS(RegfHive(std::string(8192, 'x')), ParseError);
  std::string tiny = "regf";
  tiny.resize(600);
  CHECK_THROWS_AS(RegfHive(tiny), ParseError);
}

TEST_CASE("windows: packed product codes and Windows paths",
          "[windows]") {
  // {B2C5A8D7-3E0F-4C21-9A6B-0D7E1F2A3B4C} as Windows Installer packs it.
  CHECK(UnpackProductCode("7D8A5C2BF0E312C4A9B6D0E7F1A2B3C4") ==
        "{B2C5A8D7-3E0F-4C21-9A6B-0D7E1F2A3B4C}");
  CHECK(UnpackProductCode("not-a-code").empty());
  CHECK(EvidencePathOfWindowsPath("C:\\Program Files\\Zoom\\") ==
        "/Program Files/Zoom");
  CHECK(EvidencePathOfWindowsPath("\"D:\\Apps\\x\"") == "/Apps/x");
  CHECK(EvidencePathOfWindowsPath("relative\\path").empty());
}

TEST_CASE("windows-registry: per-user Uninstall entries of real NTUSER hives",
          "[windows]") {
  auto partial = CorpusPath(std::string(kReg) + "regipy_ntuser_software_partial.hive");
  auto dirty = CorpusPath(std::string(kReg) + "regipy_transactions_NTUSER.DAT");
  auto log1 = CorpusPath(std::string(kReg) + "regipy_transactions_NTUSER.DAT.LOG1");
  SKIP_UNLESS_CORPUS(partial, dirty, log1);
  MemoryVfs vfs;
  vfs.set_fold_case(true);  // as the evidence layer decides for Windows roots
  // The partial hive has Uninstall at its root, as SOFTWARE does.
  vfs.AddFile("/Windows/System32/config/SOFTWARE", ReadHostFile(*partial));
  vfs.AddFile("/Users/tony/ntuser.dat", ReadHostFile(*dirty));
  vfs.AddFile("/Users/tony/ntuser.dat.LOG1", ReadHostFile(*log1));
  CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("windows-registry"));
  const std::string warnings = AllWarnings(r);
  INFO(warnings);
  const Software* git = FindSoftware(r, "gitkraken");
  REQUIRE(git);
  CHECK(git->ecosystem == "windows");
  CHECK(git->name == "GitKraken");
  CHECK(git->version == "5.0.4");
  CHECK(git->publisher == "Axosoft, LLC");
  CHECK(git->installed_at == "2019-04-10");
  CHECK(git->location == "/Users/tony/AppData/Local/gitkraken");
  CHECK(git->source == "/Windows/System32/config/SOFTWARE");
  CHECK(git->source_key ==
        "Microsoft\\Windows\\CurrentVersion\\Uninstall\\gitkraken");
  CHECK(git->user.empty());
  // The dirty hive was replayed, and the report says so.
  CHECK(warnings.find("/Users/tony/ntuser.dat: hive is dirty (sequence "
                      "numbers 567/566): replayed 22 log entries") !=
        std::string::npos);
}

TEST_CASE("windows-registry: Windows Installer registrations and ProfileList",
          "[windows]") {
  auto partial = CorpusPath(std::string(kReg) + "regipy_ntuser_software_partial.hive");
  SKIP_UNLESS_CORPUS(partial);
  if (!HaveTool("hivexregedit")) {
    WARN("hivexregedit absent (libwin-hivex-perl): skipped");
    return;
  }
  TempDir dir;
  const std::string hive = dir.path() + "/SOFTWARE";
  WriteHostFile(hive, ReadHostFile(*partial));
  const std::string carol = "S-1-5-21-1111111111-2222222222-3333333333-1001";
  const std::string dave = "S-1-5-21-1111111111-2222222222-3333333333-1002";
  const std::string profiles = "Microsoft\\Windows NT\\CurrentVersion\\ProfileList\\";
  const std::string user_data =
      "Microsoft\\Windows\\CurrentVersion\\Installer\\UserData\\";
  MergeIntoHive(
      hive,
      {{profiles + carol, {{"ProfileImagePath", "C:\\Users\\carol"}}, {}},
       {profiles + dave, {{"ProfileImagePath", "D:\\Profiles\\dave"}}, {}},
       {profiles + "S-1-5-18",
        {{"ProfileImagePath", "%systemroot%\\system32\\config\\systemprofile"}},
        {}},
       // Zoom's MSI for carol only, its Uninstall entry gone: the product
       // code {334503B4-0A36-45A2-8206-A6B37A1F8B5B}, packed.
       {user_data + carol +
            "\\Products\\4B30543363A02A5428606A3BA7F1B8B5\\InstallProperties",
        {{"DisplayName", "Zoom (64-bit)"},
         {"DisplayVersion", "5.17.11.34827"},
         {"Publisher", "Zoom Video Communications, Inc."},
         {"InstallDate", "20240301"}},
        {{"SystemComponent", 1}}},
       // A per-machine product known only to Classes\Installer\Products.
       {"Classes\\Installer\\Products\\7D8A5C2BF0E312C4A9B6D0E7F1A2B3C4",
        {{"ProductName", "Kaspersky Security Center Network Agent"}},
        {{"Version", (14u << 24) | (2u << 16) | 1234u}}},
       // And the same product again in the machine's UserData: one record.
       {user_data +
            "S-1-5-18\\Products\\7D8A5C2BF0E312C4A9B6D0E7F1A2B3C4\\InstallProperties",
        {{"DisplayName", "Kaspersky Security Center Network Agent"},
         {"DisplayVersion", "14.2.0.1234"},
         {"Publisher", "AO Kaspersky Lab"}},
        {}}},
      dir.path());
  MemoryVfs vfs;
  vfs.AddFile("/Windows/System32/config/SOFTWARE", ReadHostFile(hive));
  CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("windows-registry"));
  const std::string warnings = AllWarnings(r);
  INFO(warnings);

  const Software* zoom = FindSoftware(r, "{334503B4-0A36-45A2-8206-A6B37A1F8B5B}");
  REQUIRE(zoom);
  CHECK(zoom->name == "Zoom (64-bit)");
  CHECK(zoom->user == "carol");
  CHECK(zoom->installed_at == "2024-03-01");
  CHECK(zoom->source_key ==
        user_data + carol +
            "\\Products\\4B30543363A02A5428606A3BA7F1B8B5\\InstallProperties");

  size_t agents = 0;
  for (const Software& s : r.software) {
    if (s.id == "{B2C5A8D7-3E0F-4C21-9A6B-0D7E1F2A3B4C}") {
      ++agents;
      CHECK(s.user.empty());  // S-1-5-18: the machine
      CHECK(s.version == "14.2.0.1234");
      CHECK(s.publisher == "AO Kaspersky Lab");
    }
  }
  CHECK(agents == 1);
  // carol's and the system profile are where ProfileList says; dave's is on
  // D:, which this evidence does not hold, and carol has no hive here.
  CHECK(warnings.find("D:\\Profiles\\dave") != std::string::npos);
  CHECK(warnings.find("C:\\Users\\carol") != std::string::npos);
}

TEST_CASE("windows-registry: the Installer's product without UserData",
          "[windows]") {
  auto partial = CorpusPath(std::string(kReg) + "regipy_ntuser_software_partial.hive");
  SKIP_UNLESS_CORPUS(partial);
  if (!HaveTool("hivexregedit")) {
    WARN("hivexregedit absent (libwin-hivex-perl): skipped");
    return;
  }
  TempDir dir;
  const std::string hive = dir.path() + "/SOFTWARE";
  WriteHostFile(hive, ReadHostFile(*partial));
  MergeIntoHive(
      hive,
      {{"Classes\\Installer\\Products\\7D8A5C2BF0E312C4A9B6D0E7F1A2B3C4",
        {{"ProductName", "Kaspersky Security Center Network Agent"}},
        {{"Version", (14u << 24) | (2u << 16) | 1234u}}}},
      dir.path());
  MemoryVfs vfs;
  vfs.AddFile("/Windows/System32/config/SOFTWARE", ReadHostFile(hive));
  CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("windows-registry"));
  const Software* agent = FindSoftware(r, "{B2C5A8D7-3E0F-4C21-9A6B-0D7E1F2A3B4C}");
  REQUIRE(agent);
  CHECK(agent->name == "Kaspersky Security Center Network Agent");
  CHECK(agent->version == "14.2.1234");
  CHECK(agent->source_key ==
        "Classes\\Installer\\Products\\7D8A5C2BF0E312C4A9B6D0E7F1A2B3C4");
}

namespace {

// A hive built cell by cell, for shapes no tool writes: lists whose
// entries all point to the same cells.
class HiveBuilder {
 public:
  uint32_t Cell(const std::string& payload) {
    const uint32_t at = static_cast<uint32_t>(bins_.size());
    size_t size = (payload.size() + 4 + 7) / 8 * 8;
    Put32(bins_, static_cast<uint32_t>(-static_cast<int32_t>(size)));
    bins_ += payload;
    bins_.append(size - 4 - payload.size(), '\0');
    return at;
  }
  uint32_t Key(const std::string& name, uint32_t subkeys, uint32_t list,
               uint32_t values, uint32_t value_list) {
    std::string p = "nk";
    Put16(p, 0x20);
    p.append(12, '\0');  // timestamp, access bits
    Put32(p, 0);         // parent
    Put32(p, subkeys);
    Put32(p, 0);
    Put32(p, list);
    Put32(p, 0xFFFFFFFFu);
    Put32(p, values);
    Put32(p, value_list);
    Put32(p, 0xFFFFFFFFu);  // security
    Put32(p, 0xFFFFFFFFu);  // class
    p.append(20, '\0');
    Put16(p, static_cast<uint16_t>(name.size()));
    Put16(p, 0);
    return Cell(p + name);
  }
  uint32_t StringValue(const std::string& name, const std::string& ascii) {
    std::string utf16;
    for (char c : ascii + '\0') {
      utf16 += c;
      utf16 += '\0';
    }
    const uint32_t data = Cell(utf16);
    std::string p = "vk";
    Put16(p, static_cast<uint16_t>(name.size()));
    Put32(p, static_cast<uint32_t>(utf16.size()));
    Put32(p, data);
    Put32(p, kRegSz);
    Put16(p, 1);
    Put16(p, 0);
    return Cell(p + name);
  }
  uint32_t List(const char* sig, const std::vector<uint32_t>& offsets) {
    std::string p = sig;
    Put16(p, static_cast<uint16_t>(offsets.size()));
    for (uint32_t o : offsets) {
      Put32(p, o);
      if (std::string(sig) == "lf") Put32(p, 0);  // name hint
    }
    return Cell(p);
  }
  uint32_t ValueList(const std::vector<uint32_t>& offsets) {
    std::string p;
    for (uint32_t o : offsets) Put32(p, o);
    return Cell(p);
  }
  std::string Hive(uint32_t root) {
    std::string bins = bins_;
    bins.resize((bins.size() + 4095) / 4096 * 4096, '\0');
    std::string hbin = bins.substr(0, 32);
    std::string head = "hbin";
    Put32(head, 0);
    Put32(head, static_cast<uint32_t>(bins.size()));
    bins.replace(0, head.size(), head);
    std::string base = "regf";
    Put32(base, 1);
    Put32(base, 1);
    base.append(8, '\0');
    Put32(base, 1);
    Put32(base, 5);
    Put32(base, 0);
    Put32(base, 1);
    Put32(base, root);
    Put32(base, static_cast<uint32_t>(bins.size()));
    base.resize(508, '\0');
    uint32_t sum = 0;
    for (size_t i = 0; i < 508; i += 4) {
      uint32_t v = 0;
      for (int k = 3; k >= 0; --k) v = (v << 8) | static_cast<unsigned char>(base[i + k]);
      sum ^= v;
    }
    Put32(base, sum);
    base.resize(4096, '\0');
    return base + bins;
  }

 private:
  static void Put16(std::string& s, uint16_t v) {
    s += static_cast<char>(v);
    s += static_cast<char>(v >> 8);
  }
  static void Put32(std::string& s, uint32_t v) {
    for (int i = 0; i < 4; ++i) s += static_cast<char>(v >> (8 * i));
  }
  std::string bins_ = std::string(32, '\0');  // the hbin header, filled last
};

}  // namespace

TEST_CASE("windows-registry: lists sharing cells stop at the reading bound",
          "[windows][regf]") {
  HiveBuilder b;
  const uint32_t name = b.StringValue("DisplayName", "Zoom");
  const uint32_t app = b.Key("ZoomUMX", 0, 0xFFFFFFFFu, 1, b.ValueList({name}));
  // One lf of 65535 entries, all the same key; one ri of 65535 entries,
  // all the same lf: four billion subkeys in a few hundred kilobytes.
  const uint32_t lf = b.List("lf", std::vector<uint32_t>(65535, app));
  const uint32_t ri = b.List("ri", std::vector<uint32_t>(65535, lf));
  uint32_t key = b.Key("Uninstall", 65535u * 65535u, ri, 0, 0xFFFFFFFFu);
  for (const char* parent :
       {"CurrentVersion", "Windows", "Microsoft", "Software"}) {
    key = b.Key(parent, 1, b.List("lf", {key}), 0, 0xFFFFFFFFu);
  }
  const uint32_t root = b.Key("ROOT", 1, b.List("lf", {key}), 0, 0xFFFFFFFFu);
  const std::string hive = b.Hive(root);
  {
    RegfHive h(hive);
    std::optional<uint32_t> u = h.Find(
        h.root(), "Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall");
    REQUIRE(u);
    CHECK(h.Subkeys(*u).size() == RegfHive::kMaxSubkeys);
  }
  MemoryVfs vfs;
  vfs.AddFile("/Users/eve/NTUSER.DAT", hive);
  CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("windows-registry"));
  const std::string warnings = AllWarnings(r);
  INFO(warnings.substr(0, 2000));
  CHECK(warnings.find("reading bound") != std::string::npos);
  CHECK(r.warnings.size() < 5);
  // Listing the million names alone uses up the bound: what matters is that
  // the scan ends with a warning, not what little it reports.
  CHECK(r.software.size() < RegfHive::kMaxSubkeys);
  for (const Software& sw : r.software) CHECK(sw.user == "eve");
}
