// Windows volumes as the evidence layer decides them: names that match in
// any case on a Windows root (and only there), and the drives of triage
// collections laid out as KAPE, CyLR and Velociraptor write them.
#include <catch2/catch.hpp>

#include <memory>

#include "evidence/memory_vfs.h"
#include "evidence/rerooted_vfs.h"
#include "evidence/windows_roots.h"

using namespace contraband;

namespace {

std::unique_ptr<MemoryVfs> WindowsTree(const std::string& top) {
  auto vfs = std::make_unique<MemoryVfs>();
  vfs->AddFile(top + "/WINDOWS/system32/CONFIG/software", "hive");
  vfs->AddFile(top + "/Users/bob/ntuser.dat", "bob");
  vfs->AddDir(top + "/Program Files");
  return vfs;
}

}  // namespace

TEST_CASE("glob: a Windows root matches every component in any case",
          "[vfs][windows]") {
  std::unique_ptr<MemoryVfs> vfs = WindowsTree("");
  // Not decided yet: exact spelling only.
  CHECK(Glob(*vfs, "/Windows/System32/config/SOFTWARE").empty());
  REQUIRE(LooksLikeWindowsRoot(*vfs));
  vfs->set_fold_case(true);
  // Found under the spelling the evidence has, literal and wildcard parts.
  CHECK(Glob(*vfs, "/Windows/System32/config/SOFTWARE") ==
        std::vector<std::string>{"/WINDOWS/system32/CONFIG/software"});
  CHECK(Glob(*vfs, "/Users/*/NTUSER.DAT") ==
        std::vector<std::string>{"/Users/bob/ntuser.dat"});
  CHECK(Glob(*vfs, "/Windows/System32/config/SOFTWARE.LOG[12]").empty());
}

TEST_CASE("windows roots: what is and is not a Windows volume",
          "[vfs][windows]") {
  MemoryVfs linux_root;
  linux_root.AddFile("/etc/os-release", "ID=debian");
  linux_root.AddDir("/var/lib/dpkg");
  linux_root.AddDir("/usr/bin");
  CHECK_FALSE(LooksLikeWindowsRoot(linux_root));
  CHECK(FindWindowsDrives(linux_root).empty());

  // macOS has /Users too; that alone is not Windows.
  MemoryVfs mac;
  mac.AddDir("/Users/alice");
  mac.AddDir("/Applications");
  CHECK_FALSE(LooksLikeWindowsRoot(mac));

  // A Windows folder without System32 is someone's folder named Windows.
  MemoryVfs not_windows;
  not_windows.AddDir("/Windows/screenshots");
  CHECK_FALSE(LooksLikeWindowsRoot(not_windows));
  not_windows.AddDir("/WINDOWS/System32");
  CHECK(LooksLikeWindowsRoot(not_windows));
}

TEST_CASE("windows roots: KAPE and CyLR drives, each its own volume",
          "[vfs][windows]") {
  auto vfs = std::make_unique<MemoryVfs>();
  vfs->AddFile("/kape/C/Windows/System32/config/SOFTWARE", "c hive");
  vfs->AddFile("/kape/D/Users/dave/NTUSER.DAT", "d hive");
  vfs->AddFile("/kape/E/readme.txt", "a drive-like name, no Windows tree");
  vfs->AddFile("/kape/2024-01-01_console.log", "log");
  std::vector<WindowsDrive> drives = FindWindowsDrives(*vfs);
  REQUIRE(drives.size() == 2);
  CHECK(drives[0].letter == 'C');
  CHECK(drives[0].folders == std::vector<std::string>{"/kape/C"});
  CHECK_FALSE(drives[0].encoded_names);
  CHECK(drives[1].letter == 'D');

  OpenedEvidence ev;
  ev.kind = "directory";
  ev.volumes.push_back({"", "directory", std::move(vfs), {}, {}, {}});
  PrepareWindowsVolumes(ev);
  REQUIRE(ev.volumes.size() == 2);
  CHECK(ev.volumes[0].name == "C");
  CHECK(ev.volumes[0].chain == "directory > kape/C");
  CHECK(ev.volumes[1].name == "D");
  Vfs& d = *ev.volumes[1].vfs;
  CHECK(d.fold_case());
  CHECK(Glob(d, "/Users/*/ntuser.dat") ==
        std::vector<std::string>{"/Users/dave/NTUSER.DAT"});
  CHECK(d.Read("/Users/dave/NTUSER.DAT", 100) == "d hive");
  CHECK(d.bytes_read() == 6);
}

TEST_CASE("windows roots: a Velociraptor collection, names decoded, "
          "accessors merged",
          "[vfs][windows]") {
  auto vfs = std::make_unique<MemoryVfs>();
  vfs->AddFile("/uploads/auto/C%3A/Users/Administrator/ntuser.dat", "auto");
  vfs->AddFile("/uploads/auto/C%3A/Program%20Files/Zoom/bin/Zoom.exe", "exe");
  vfs->AddFile("/uploads/ntfs/%5C%5C.%5CC%3A/Windows/System32/config/SOFTWARE",
               "ntfs hive");
  vfs->AddFile("/uploads/ntfs/%5C%5C.%5CC%3A/Users/Administrator/ntuser.dat",
               "ntfs copy");
  vfs->AddFile("/uploads/ntfs/%5C%5C.%5CC%3A/$Extend/$UsnJrnl%3A$J", "usn");
  vfs->AddFile("/results/Windows.KapeFiles.Targets%2FUploads.json", "{}");
  std::vector<WindowsDrive> drives = FindWindowsDrives(*vfs);
  REQUIRE(drives.size() == 1);
  CHECK(drives[0].folders ==
        std::vector<std::string>{"/uploads/auto/C%3A",
                                 "/uploads/ntfs/%5C%5C.%5CC%3A"});
  CHECK(drives[0].encoded_names);

  OpenedEvidence ev;
  ev.kind = "archive";
  ev.volumes.push_back({"", "zip", std::move(vfs), {}, {}, {}});
  PrepareWindowsVolumes(ev);
  REQUIRE(ev.volumes.size() == 1);
  CHECK(ev.volumes[0].name == "C");
  CHECK(ev.volumes[0].chain ==
        "zip > uploads/auto/C%3A + uploads/ntfs/%5C%5C.%5CC%3A");
  Vfs& c = *ev.volumes[0].vfs;
  std::vector<std::string> top;
  for (const DirEntry& e : c.List("/")) top.push_back(e.name);
  CHECK(top == std::vector<std::string>{"$Extend", "Program Files", "Users",
                                        "Windows"});
  CHECK(Glob(c, "/Windows/System32/config/SOFTWARE") ==
        std::vector<std::string>{"/Windows/System32/config/SOFTWARE"});
  // The first accessor's copy answers; decoded names read.
  CHECK(c.Read("/Users/Administrator/ntuser.dat", 100) == "auto");
  CHECK(c.Read("/Program Files/Zoom/bin/Zoom.exe", 100) == "exe");
  CHECK(c.Read("/$Extend/$UsnJrnl:$J", 100) == "usn");
  CHECK_FALSE(c.Stat("/Program Files/Zoom/bin/Teams.exe"));
  CHECK_THROWS_AS(c.Read("/nothing", 100), EvidenceError);
}

TEST_CASE("percent decoding leaves what is not an escape", "[vfs][windows]") {
  CHECK(PercentDecode("C%3A") == "C:");
  CHECK(PercentDecode("%5C%5C.%5CC%3A") == "\\\\.\\C:");
  CHECK(PercentDecode("100%") == "100%");
  CHECK(PercentDecode("%4") == "%4");
  CHECK(PercentDecode("%zz%41") == "%zzA");
  CHECK(PercentDecode("") == "");
}
