// The glue between our BlockDevices and the libyal libraries (libvslvm,
// libbde, libvshadow, libfsxfs, libfsapfs): each reads
// through a libbfio handle, and each reports errors the same way.
#pragma once

#include <libbfio.h>

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>

#include "common/libyal_error.h"
#include "evidence/block_device.h"

namespace contraband {

struct BfioHandleFree {
  void operator()(libbfio_handle_t* h) const;
};
using BfioHandle = std::unique_ptr<libbfio_handle_t, BfioHandleFree>;

/// A libbfio handle that reads `device` (shared, so clones the libraries
/// make stay valid). Throws EvidenceError if libbfio refuses.
BfioHandle MakeBfioHandle(std::shared_ptr<BlockDevice> device);

/// A BlockDevice whose bytes come from a function (a libyal object's
/// read_buffer_at_offset); `keep_alive` owns that object. The function
/// returns -1 and says why in `why` on an error.
class FunctionDevice : public BlockDevice {
 public:
  using Reader = std::function<ssize_t(void* buf, size_t len, uint64_t off,
                                       std::string& why)>;
  FunctionDevice(uint64_t size, Reader read, std::shared_ptr<void> keep_alive,
                 std::string what)
      : size_(size),
        read_(std::move(read)),
        keep_alive_(std::move(keep_alive)),
        what_(std::move(what)) {}
  uint64_t size() const override { return size_; }
  size_t ReadAt(void* buf, size_t len, uint64_t offset) override;

 private:
  uint64_t size_;
  Reader read_;
  std::shared_ptr<void> keep_alive_;
  std::string what_;  ///< for messages: "LUKS volume p2"
};

/// A device of `size` bytes read through a libyal object's
/// read_buffer_at_offset function (`read`), with the library's own error
/// text in messages; `keep_alive` owns `object` and what it reads from.
template <typename Object, typename Error>
std::shared_ptr<BlockDevice> LibyalDevice(
    uint64_t size, Object* object,
    ssize_t (*read)(Object*, void*, size_t, off64_t, Error**),
    int (*sprint)(Error*, char*, size_t), void (*release)(Error**),
    std::shared_ptr<void> keep_alive, std::string what) {
  auto reader = [=](void* buf, size_t len, uint64_t off,
                    std::string& why) -> ssize_t {
    Error* error = nullptr;
    const ssize_t n = read(object, buf, len, static_cast<off64_t>(off), &error);
    if (n < 0) {
      why = TakeYalError(error, sprint, release);
    } else if (error) {
      release(&error);
    }
    return n;
  };
  return std::make_shared<FunctionDevice>(size, reader, std::move(keep_alive),
                                          std::move(what));
}

}  // namespace contraband
