// Fuzz target: symlink resolution and globbing over a tree the input builds,
// then the same tree as a triage collection (drive folders, URL-encoded
// names, case folding). Each line is "f PATH", "d PATH" or "l PATH TARGET";
// the last line is a glob.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>

#include "common/wildcard.h"
#include "evidence/memory_vfs.h"
#include "evidence/rerooted_vfs.h"
#include "evidence/windows_roots.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace contraband;
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  auto owned = std::make_unique<MemoryVfs>();
  MemoryVfs& vfs = *owned;
  std::string line, last;
  int n = 0;
  while (std::getline(in, line) && ++n < 200) {
    last = line;
    if (line.size() < 3) continue;
    std::string rest = line.substr(2);
    if (line[0] == 'f') vfs.AddFile(rest, "x");
    else if (line[0] == 'd') vfs.AddDir(rest);
    else if (line[0] == 'l') {
      size_t sp = rest.find(' ');
      if (sp != std::string::npos) vfs.AddSymlink(rest.substr(0, sp), rest.substr(sp + 1));
    }
  }
  for (const std::string& p : Glob(vfs, last, 1000, 8)) {
    try {
      vfs.Read(p, 16);
    } catch (const EvidenceError&) {
    }
    GlobMatch(last, p);
  }
  WildcardMatch(last, line, true);
  PercentDecode(last);

  OpenedEvidence ev;
  ev.kind = "directory";
  ev.volumes.push_back({"", "directory", std::move(owned), {}, {}, {}});
  PrepareWindowsVolumes(ev);
  for (EvidenceVolume& vol : ev.volumes) {
    for (const std::string& p : Glob(*vol.vfs, last, 1000, 8)) {
      try {
        vol.vfs->Read(p, 16);
        vol.vfs->List(ParentPath(p));
      } catch (const EvidenceError&) {
      }
    }
  }
  return 0;
}
