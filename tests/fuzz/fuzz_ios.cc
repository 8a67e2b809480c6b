// Fuzz target for the iPhone readers: the backup keybag TLV reader (and,
// when it parses, a key derivation with its rounds capped so inputs stay
// fast, and the class key unwraps), a ManifestKey unwrap with those keys,
// and the iPhone collectors (ios-backup, ios-apps, ios-ipa, ios-device)
// over the input as each file they read: Manifest.plist, Info.plist,
// Manifest.db, an app's Info.plist, iTunesMetadata.plist and executable,
// applicationState.db, storeSystem.db, an .ipa, the ideviceinstaller
// listing (also under /var, as extractions without private/ have them),
// and TCC.db (ios-tcc and macos-tcc, with the input also as its write-ahead
// log); and the backup's path mapping (IosBackupVfs) with the input as
// Manifest.db, walked and read; and the same bytes as a Manifest.db read in
// ranges from the backup folder, plain and as AES-CBC ciphertext.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/registry.h"
#include "evidence/ios_backup_vfs.h"
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
  static const std::vector<CollectorInfo> kIos = [] {
    std::vector<CollectorInfo> out;
    for (const CollectorInfo& c : AllCollectors()) {
      const std::string_view name = c.name;
      if (name == "ios-backup" || name == "ios-apps" || name == "ios-ipa" ||
          name == "ios-device" || name == "ios-tcc" || name == "macos-tcc") {
        out.push_back(c);
      }
    }
    return out;
  }();
  MemoryVfs vfs;
  const std::string copy(bytes);
  const std::string app = "/private/var/containers/Bundle/Application/U/";
  for (const std::string& path :
       {std::string("/Manifest.plist"), std::string("/Info.plist"),
        std::string("/Manifest.db"), app + "A.app/Info.plist", app + "A.app/A",
        app + "iTunesMetadata.plist",
        std::string("/private/var/mobile/Library/FrontBoard/"
                    "applicationState.db"),
        std::string("/private/var/containers/Data/System/S/Documents/"
                    "Persistence/storeSystem.db"),
        std::string("/app.ipa"), std::string("/ideviceinstaller/apps.plist"),
        std::string("/private/var/mobile/Library/TCC/TCC.db"),
        std::string("/Library/Application Support/com.apple.TCC/TCC.db"),
        std::string("/Library/Application Support/com.apple.TCC/TCC.db-wal")}) {
    vfs.AddFile(path, copy);
  }
  CollectSoftware(vfs, "fuzz", kIos);
  // An extraction without private/: the same files under /var.
  MemoryVfs var_only;
  for (const std::string& path :
       {std::string("/var/containers/Bundle/Application/U/A.app/Info.plist"),
        std::string("/var/containers/Bundle/Application/U/A.app/A"),
        std::string("/var/containers/Bundle/Application/U/iTunesMetadata.plist"),
        std::string("/var/mobile/Library/FrontBoard/applicationState.db"),
        std::string("/var/mobile/Media/app.ipa")}) {
    var_only.AddFile(path, copy);
  }
  CollectSoftware(var_only, "fuzz", kIos);

  try {
    auto stored = std::make_unique<MemoryVfs>();
    IosBackupVfs mapped(std::move(stored), {{"/Manifest.db", copy}}, copy,
                        {{3, std::string(32, 'k')}});
    std::vector<std::string> queue = {"/"};
    for (size_t i = 0; i < queue.size() && i < 2000; ++i) {
      for (const DirEntry& e : mapped.List(queue[i])) {
        const std::string path =
            (queue[i] == "/" ? "" : queue[i]) + "/" + e.name;
        if (e.type == FileType::kDirectory) {
          queue.push_back(path);
        } else {
          (void)mapped.Stat(path);
          try {
            (void)mapped.Read(path, 1 << 20);
          } catch (const EvidenceError&) {
          }
        }
      }
    }
  } catch (const EvidenceError&) {
  }

  for (const std::string& key : {std::string(), std::string(32, 'k')}) {
    try {
      auto stored = std::make_unique<MemoryVfs>();
      stored->AddFile("/Manifest.db",
                      key.empty() ? copy : copy.substr(0, copy.size() / 16 * 16));
      IosBackupVfs ranged(std::move(stored), {{"/Manifest.db", ""}},
                          IosBackupVfs::ManifestFile{key}, {});
      for (const DirEntry& e : ranged.List("/")) {
        if (e.type == FileType::kDirectory) (void)ranged.List("/" + e.name);
      }
      (void)ranged.file_count();
      (void)ranged.ReadRange("/Manifest.db", size / 3, 4096);
    } catch (const EvidenceError&) {
    }
  }
  return 0;
}
