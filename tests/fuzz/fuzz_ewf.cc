// Fuzz target: any bytes as the one segment of an E01, read by our EWF
// reader (evidence/image/ewf_image.cc): the section walk, the volume and
// table headers, then reads across the media (its first MiB, then a few
// chunks spread over the size it claims), every table entry and chunk
// decoded as a scan would.
#include <cstddef>
#include <cstdint>
#include <string>

#include "evidence/image/ewf_image.h"
#include "memfd_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace contraband;
  MemfdInput input(data, size);
  if (!input.ok()) return 0;
  const std::string path = input.path();
  try {
    std::string refusal;
    if (std::shared_ptr<BlockDevice> dev = OpenEwfMedia({path}, refusal)) {
      std::string buf(65536, '\0');
      const uint64_t media = dev->size();
      for (uint64_t off = 0; off < media && off < (1u << 20);
           off += buf.size()) {
        try {
          dev->ReadAt(buf.data(), buf.size(), off);
        } catch (const EvidenceError&) {
        }
      }
      for (int i = 1; i <= 8; ++i) {
        try {
          dev->ReadAt(buf.data(), 4096, media / 8 * i - 1);
        } catch (const EvidenceError&) {
        }
      }
    }
  } catch (const EvidenceError&) {
  }
  return 0;
}
