// Fuzz target: any bytes as a VMDK (sparse or stream header, grain
// directory and tables, compressed grains and their markers, descriptor
// text) and as an OVA (tar headers, pax records), then bounded reads of the
// guest disk. The bytes go to a file in a private folder, so the only file
// an extent or parent name can reach is the input itself.
#include <stdlib.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>

#include "evidence/image/vmdk_image.h"
#include "formats/parse_error.h"
#include "formats/tar_header.h"
#include "formats/vmdk.h"

namespace {

const std::string& InputPath() {
  static const std::string path = [] {
    char dir[] = "/tmp/fuzz_vmdk.XXXXXX";
    if (!mkdtemp(dir)) abort();
    return std::string(dir) + "/disk.vmdk";
  }();
  return path;
}

// The first 256 KiB in odd pieces, then 64 KiB at the middle and the end.
void ReadSome(contraband::BlockDevice& dev) {
  std::string buf(65536, '\0');
  const uint64_t size = dev.size();
  try {
    for (uint64_t at = 0; at < size && at < (256u << 10); at += 4093) {
      dev.ReadAt(buf.data(), 4093, at);
    }
    for (uint64_t at : {size / 2, size > buf.size() ? size - buf.size() : 0}) {
      dev.ReadAt(buf.data(), buf.size(), at);
    }
  } catch (const contraband::EvidenceError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace contraband;
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    ParseVmdkDescriptor(bytes);
  } catch (const ParseError&) {
  }
  try {
    ParseTarHeader(bytes);
    PaxPath(bytes);
  } catch (const ParseError&) {
  }
  {
    std::ofstream out(InputPath(), std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  try {
    VmdkImage image = OpenVmdkImage(InputPath(), {});
    ReadSome(*image.device);
  } catch (const EvidenceError&) {
  }
  try {
    if (std::optional<VmdkImage> ova = OpenOvaImage(InputPath())) {
      ReadSome(*ova->device);
    }
  } catch (const EvidenceError&) {
  }
  return 0;
}
