// Fuzz target: LUKS1/LUKS2 headers (binary header, LUKS2 JSON metadata,
// checksum), then, when the header asks for little key-derivation work,
// an unlock attempt over the same bytes (keyslot areas, anti-forensic merge,
// digest) and a read of the decrypted start.
#include <cstddef>
#include <cstdint>
#include <string>

#include "evidence/volume/encrypted_volume.h"
#include "formats/luks_header.h"
#include "formats/parse_error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace contraband;
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  LuksHeader h;
  try {
    h = ParseLuksHeader(bytes);
  } catch (const ParseError&) {
    return 0;
  }
  for (const LuksKeyslot& k : h.keyslots) {
    // Real headers demand seconds of work per key; the fuzzer cannot wait.
    if (k.kdf.iterations > 2000 || k.kdf.memory_kib > 4096 ||
        k.kdf.time > 4 || k.stripes > 4000) {
      return 0;
    }
  }
  if (h.digest.iterations > 2000) return 0;
  auto dev = std::make_shared<StringDevice>(bytes);
  UnlockResult r =
      OpenLuks(dev, {{VolumeKey::Kind::kPassword, "pw", "--password"}});
  if (r.device) {
    char buf[4096];
    try {
      r.device->ReadAt(buf, sizeof buf, 0);
    } catch (const EvidenceError&) {
    }
  }
  return 0;
}
