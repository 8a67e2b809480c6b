// A read-only run of bytes with random access: an image file, a partition,
// a decrypted volume, a logical volume, a shadow-copy snapshot. The layers
// of a disk (image > volume system > encryption > LVM > filesystem) hand
// each other BlockDevices, so any layer can sit on any other.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "evidence/host/host_os.h"

namespace contraband {

class BlockDevice {
 public:
  virtual ~BlockDevice() = default;
  virtual uint64_t size() const = 0;
  /// Up to `len` bytes at `offset`; short only at the end of the device.
  /// Throws EvidenceError on a read error.
  virtual size_t ReadAt(void* buf, size_t len, uint64_t offset) = 0;
};

/// A host file (read-only, access time untouched).
class FileBlockDevice : public BlockDevice {
 public:
  explicit FileBlockDevice(const std::string& path) : file_(path) {}
  uint64_t size() const override { return file_.size(); }
  size_t ReadAt(void* buf, size_t len, uint64_t offset) override;
  const std::string& path() const { return file_.path(); }

 private:
  host::InputFile file_;
};

/// Bytes held in memory (a key file), as a device.
class StringDevice : public BlockDevice {
 public:
  explicit StringDevice(std::string bytes) : bytes_(std::move(bytes)) {}
  uint64_t size() const override { return bytes_.size(); }
  size_t ReadAt(void* buf, size_t len, uint64_t offset) override;

 private:
  std::string bytes_;
};

/// `length` bytes of `base` from `offset` (a partition), clipped to base.
std::shared_ptr<BlockDevice> SliceDevice(std::shared_ptr<BlockDevice> base,
                                         uint64_t offset, uint64_t length);

/// The first `len` bytes at `offset`, fewer at the end; "" when unreadable.
std::string ReadHead(BlockDevice& dev, uint64_t offset, size_t len);

}  // namespace contraband
