// Fuzz target: adb backup headers, the payload walk (decryption with a fixed
// password when the header asks for it, zlib, the tar) and _manifest files,
// then the android-backup collector on the input as a manifest.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "collector_feed.h"  // beside this file
#include "formats/adb_backup.h"
#include "formats/parse_error.h"

namespace contraband {
std::unique_ptr<Collector> MakeAndroidBackupCollector();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace contraband;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  try {
    AdbBackupHeader h = ParseAdbBackupHeader(in);
    // Keep the fuzzer fast: a real backup's 10000 rounds are too slow here.
    h.rounds = std::min<uint32_t>(h.rounds, 16);
    size_t at = std::min(h.payload_offset, in.size());
    const std::string password = "123456";
    (void)ReadAdbBackupPayload(
        h, &password,
        [&](char* buf, size_t n) {
          const size_t got = std::min<size_t>({n, in.size() - at, 97});
          std::copy_n(in.data() + at, got, buf);
          at += got;
          return got;
        },
        [](std::string_view) { return true; },
        [](AdbBackupMember m) {
          try {
            (void)ParseAdbBackupManifest(m.data);
          } catch (const ParseError&) {
          }
        });
  } catch (const ParseError&) {
  }
  try {
    (void)ParseAdbBackupManifest(in);
  } catch (const ParseError&) {
  }
  fuzz::NullSink sink;
  auto collector = MakeAndroidBackupCollector();
  fuzz::Feed(*collector, "/apps/com.a/_manifest", in, sink);
  collector->Finish(sink);
  return 0;
}
