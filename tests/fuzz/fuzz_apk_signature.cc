// Fuzz target: an APK read as the android-apk collector reads it (end of
// central directory, central directory, manifest entry inflated, APK
// Signing Block, v1 PKCS#7), then the signing block and JAR signature
// parsers on the raw bytes, so the fuzzer reaches them without a zip.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "formats/apk_signature.h"
#include "formats/apk_zip.h"
#include "formats/axml.h"
#include "formats/parse_error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace contraband;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const ZipReadAt read_at = ZipReadAtBytes(bytes);
  try {
    const ZipCentralDirectory dir = ReadZipCentralDirectory(read_at, size);
    for (const ZipEntry& e : dir.entries) {
      if (e.name != "AndroidManifest.xml") continue;
      try {
        ParseAxmlManifest(ReadZipEntry(read_at, size, e, kMaxAxmlBytes));
      } catch (const ParseError&) {
      }
    }
    ReadApkSignature(read_at, size, dir);
  } catch (const ParseError&) {
  }
  try {
    ParseApkSigningBlock(bytes);
  } catch (const ParseError&) {
  }
  try {
    ParseJarSignature(bytes);
  } catch (const ParseError&) {
  }
  return 0;
}
