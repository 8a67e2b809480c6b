// Fuzz target for iPhone backups: the keybag TLV reader (and, when it
// parses, a key derivation with its rounds capped so inputs stay fast, and
// the class key unwraps), a ManifestKey unwrap with those keys, and the
// ios-backup collector over the input as Manifest.plist, Info.plist and
// Manifest.db.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "collectors/registry.h"
#include "evidence/memory_vfs.h"
#include "formats/ios_keybag.h"
#include "formats/parse_error.h"
#include "scan/scanner.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace contraband;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    Keybag bag = ParseKeybag(bytes);
    bag.iterations = bag.iterations % 4 + 1;
    bag.dp_iterations %= 4;
    const auto keys = UnwrapClassKeys(bag, DeriveKeybagKey(bag, "password"));
    try {
      (void)UnwrapFileKey(keys, bytes.substr(0, 44));
    } catch (const ParseError&) {
    }
  } catch (const ParseError&) {
  }
  static const std::vector<CollectorInfo> kBackup = [] {
    std::vector<CollectorInfo> out;
    for (const CollectorInfo& c : AllCollectors()) {
      if (std::string_view(c.name) == "ios-backup") out.push_back(c);
    }
    return out;
  }();
  MemoryVfs vfs;
  const std::string copy(bytes);
  vfs.AddFile("/Manifest.plist", copy);
  vfs.AddFile("/Info.plist", copy);
  vfs.AddFile("/Manifest.db", copy);
  CollectSoftware(vfs, "fuzz", kBackup);
  return 0;
}
