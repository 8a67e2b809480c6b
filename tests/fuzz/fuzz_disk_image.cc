// Fuzz target: any bytes as a disk image. The bytes go to a memfd so the
// whole opener runs as in a scan (magic sniffing, TSK's image, volume-system
// and filesystem detection), then a bounded walk lists folders, follows
// links and reads files through TskVfs, and the collectors glob and parse.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "collectors/registry.h"
#include "evidence/image/disk_image_source.h"
#include "scan/scanner.h"
#include "memfd_input.h"

namespace {

// Visits at most 256 entries, 6 levels deep, reading up to 64 KiB of each
// file: enough to reach directory, inode and data-run code on every volume.
void Walk(contraband::Vfs& vfs) {
  using namespace contraband;
  size_t budget = 256;
  std::function<void(const std::string&, int)> walk =
      [&](const std::string& dir, int depth) {
        std::vector<DirEntry> entries;
        try {
          entries = vfs.List(dir);
        } catch (const EvidenceError&) {
          return;
        }
        for (const DirEntry& e : entries) {
          if (budget == 0) return;
          --budget;
          const std::string path =
              dir == "/" ? "/" + e.name : dir + "/" + e.name;
          std::optional<FileInfo> info = vfs.Stat(path);
          if (!info) continue;
          if (info->type == FileType::kRegular) {
            try {
              vfs.Read(path, 64 * 1024);
            } catch (const EvidenceError&) {
            }
          } else if (e.type == FileType::kDirectory && depth < 6) {
            walk(path, depth + 1);
          }
        }
      };
  walk("/", 0);
}

}  // namespace

// TSK 4.11 leaks a few hundred bytes of its own when afflib, libvmdk or
// libvhdi refuse a file during detection (aff_open, vmdk_open, vhdi_open
// forget their handles): not ours to fix, and once per evidence file in a
// scan. The suppressions name TSK's functions, so allocation stacks must be
// unwound in full (the libraries have no frame pointers).
extern "C" const char* __lsan_default_suppressions() {
  return "leak:aff_open\nleak:ewf_open\nleak:vmdk_open\nleak:vhdi_open\n";
}
extern "C" const char* __asan_default_options() {
  return "fast_unwind_on_malloc=0";
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace contraband;
  MemfdInput input(data, size);
  if (!input.ok()) return 0;
  const std::string path = input.path();
  try {
    if (auto ev = TryOpenDiskImage(path, OpenRequest{})) {
      for (EvidenceVolume& v : ev->volumes) {
        Walk(*v.vfs);
        CollectSoftware(*v.vfs, "fuzz", AllCollectors(), {v.name});
      }
    }
  } catch (const EvidenceError&) {
  }
  return 0;
}
