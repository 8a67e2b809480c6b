// Fuzz target: macOS /usr/share/firmlinks, and the System/Data join built
// from what it parses (routing, listing and reading through the links).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "evidence/filesystem/firmlink_vfs.h"
#include "evidence/memory_vfs.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace contraband;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<Firmlink> links = ParseFirmlinks(text);
  auto system = std::make_unique<MemoryVfs>();
  system->AddFile("/System/Library/CoreServices/SystemVersion.plist", "v");
  system->AddDir("/Applications");
  system->AddSymlink("/etc", "private/etc");
  auto data_vol = std::make_unique<MemoryVfs>();
  data_vol->AddFile("/Applications/Zoom.app/Contents/Info.plist", "zoom");
  data_vol->AddFile("/private/etc/hosts", "hosts");
  data_vol->AddDir("/Users/alice");
  // Every parsed link that exists on the Data volume takes effect.
  for (const Firmlink& l : links) {
    data_vol->AddDir(l.data_path);
    data_vol->AddFile(l.data_path + "/f", "x");
  }
  FirmlinkVfs join(std::move(system), std::move(data_vol), links);
  try {
    for (const Firmlink& l : join.active()) {
      join.Stat(l.system_path);
      join.List(ParentPath(l.system_path));
      join.List(l.system_path);
      join.Read(l.system_path + "/f", 16);
    }
    join.List("/");
    join.Read("/Applications/Zoom.app/Contents/Info.plist", 16);
  } catch (const EvidenceError&) {
  }
  return 0;
}
