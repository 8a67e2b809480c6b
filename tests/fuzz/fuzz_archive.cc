// Fuzz target: any bytes as an archive (libarchive under our one-pass reader,
// root finding, and the collectors on what was kept).
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "collectors/registry.h"
#include "evidence/archive/archive_source.h"
#include "scan/scanner.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace contraband;
  int fd = memfd_create("fuzz", 0);
  if (fd < 0) return 0;
  if (write(fd, data, size) != static_cast<ssize_t>(size)) {
    close(fd);
    return 0;
  }
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  OpenRequest request;
  request.wanted = AllRequests(AllCollectors());
  try {
    if (auto ev = TryOpenArchive(path, request)) {
      for (EvidenceVolume& v : ev->volumes) {
        CollectSoftware(*v.vfs, "fuzz", AllCollectors(), {v.name});
      }
    }
  } catch (const EvidenceError&) {
  }
  close(fd);
  return 0;
}
