#include "evidence/block_device.h"

#include <algorithm>

namespace contraband {
namespace {

class Slice : public BlockDevice {
 public:
  Slice(std::shared_ptr<BlockDevice> base, uint64_t offset, uint64_t length)
      : base_(std::move(base)), offset_(offset), length_(length) {}
  uint64_t size() const override { return length_; }
  size_t ReadAt(void* buf, size_t len, uint64_t offset) override {
    if (offset >= length_) return 0;
    len = static_cast<size_t>(std::min<uint64_t>(len, length_ - offset));
    return base_->ReadAt(buf, len, offset_ + offset);
  }

 private:
  std::shared_ptr<BlockDevice> base_;
  uint64_t offset_;
  uint64_t length_;
};

}  // namespace

size_t FileBlockDevice::ReadAt(void* buf, size_t len, uint64_t offset) {
  size_t done = 0;
  while (done < len) {
    const size_t n =
        file_.ReadAt(static_cast<char*>(buf) + done, len - done, offset + done);
    if (n == 0) break;
    done += n;
  }
  return done;
}

size_t StringDevice::ReadAt(void* buf, size_t len, uint64_t offset) {
  if (offset >= bytes_.size()) return 0;
  len = std::min<size_t>(len, bytes_.size() - offset);
  bytes_.copy(static_cast<char*>(buf), len, offset);
  return len;
}

std::shared_ptr<BlockDevice> SliceDevice(std::shared_ptr<BlockDevice> base,
                                         uint64_t offset, uint64_t length) {
  const uint64_t size = base->size();
  offset = std::min(offset, size);
  length = std::min(length, size - offset);
  return std::make_shared<Slice>(std::move(base), offset, length);
}

std::string ReadHead(BlockDevice& dev, uint64_t offset, size_t len) {
  std::string buf(len, '\0');
  try {
    buf.resize(dev.ReadAt(buf.data(), len, offset));
  } catch (const EvidenceError&) {
    buf.clear();
  }
  return buf;
}

}  // namespace contraband
