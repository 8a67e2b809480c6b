// Fuzz target: any bytes as an archive (libarchive under our one-pass reader,
// root finding, and the collectors on what was kept).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "collectors/registry.h"
#include "evidence/archive/archive_source.h"
#include "scan/scanner.h"
#include "memfd_input.h"

namespace {

// Every path of a tree with its type, and a regular file's bytes (or why
// they cannot be read): what two reads of the same archive must agree on.
std::string Dump(contraband::Vfs& vfs) {
  using namespace contraband;
  std::string out;
  size_t budget = 10000;
  std::function<void(const std::string&, int)> walk = [&](const std::string& dir,
                                                          int depth) {
    std::vector<DirEntry> entries;
    try {
      entries = vfs.List(dir);
    } catch (const EvidenceError&) {
      return;
    }
    for (const DirEntry& e : entries) {
      if (budget-- == 0) return;
      const std::string path = dir == "/" ? "/" + e.name : dir + "/" + e.name;
      out += path + " " + std::to_string(static_cast<int>(e.type));
      if (e.type == FileType::kRegular) {
        try {
          out += " =" + vfs.Read(path, 1 << 20);
        } catch (const EvidenceError& err) {
          out += std::string(" !") + err.what();
        }
      }
      out += "\n";
      if (e.type == FileType::kDirectory && depth < 16) walk(path, depth + 1);
    }
  };
  walk("/", 0);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace contraband;
  MemfdInput input(data, size);
  if (!input.ok()) return 0;
  const std::string path = input.path();
  OpenRequest request;
  request.wanted = AllRequests(AllCollectors());
  try {
    // tar.zst / tar.gz: the piped read (a decompression thread) and
    // libarchive's own filters must keep the same tree from the same bytes
    // whenever neither met damage (damage may cut the two at other places).
    if (size >= 4 && (data[0] == 0x1f || data[0] == 0x28)) {
      ArchiveLimits direct;
      direct.pipeline = false;
      auto piped = TryOpenArchive(path, request);
      auto plain = TryOpenArchive(path, request, direct);
      if (piped && plain && piped->warnings.empty() && plain->warnings.empty()) {
        if (piped->format != plain->format || piped->volumes.size() != 1 ||
            plain->volumes.size() != 1 ||
            piped->volumes[0].chain != plain->volumes[0].chain ||
            Dump(*piped->volumes[0].vfs) != Dump(*plain->volumes[0].vfs)) {
          __builtin_trap();
        }
      }
    }
    if (auto ev = TryOpenArchive(path, request)) {
      for (EvidenceVolume& v : ev->volumes) {
        CollectSoftware(*v.vfs, "fuzz", AllCollectors(), {v.name});
      }
    }
  } catch (const EvidenceError&) {
  }
  return 0;
}
