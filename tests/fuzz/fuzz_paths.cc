// Fuzz target: symlink resolution and globbing over a tree the input builds.
// Each line is "f PATH", "d PATH" or "l PATH TARGET"; the last line is a glob.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "common/wildcard.h"
#include "evidence/memory_vfs.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace contraband;
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  MemoryVfs vfs;
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
  return 0;
}
