// Fuzz target: any bytes as the one segment of an E01, read by our EWF
// reader (evidence/image/ewf_image.cc): the section walk, the volume and
// table headers, then reads across the media (its first MiB, then a few
// chunks spread over the size it claims), every table entry and chunk
// decoded as a scan would.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "evidence/image/ewf_image.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace contraband;
  int fd = memfd_create("fuzz-ewf", 0);
  if (fd < 0) return 0;
  if (write(fd, data, size) != static_cast<ssize_t>(size)) {
    close(fd);
    return 0;
  }
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
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
  close(fd);
  return 0;
}
