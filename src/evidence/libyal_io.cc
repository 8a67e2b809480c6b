#include "evidence/libyal_io.h"

#include <algorithm>
#include <cstdlib>

namespace contraband {
namespace {

// libbfio's io_handle: which device, and where the next read starts.
struct DeviceIo {
  std::shared_ptr<BlockDevice> device;
  uint64_t position = 0;
  bool open = false;
};

DeviceIo* Io(intptr_t* io_handle) {
  return reinterpret_cast<DeviceIo*>(io_handle);
}

int FreeIo(intptr_t** io_handle, libbfio_error_t**) {
  if (io_handle && *io_handle) {
    delete Io(*io_handle);
    *io_handle = nullptr;
  }
  return 1;
}

int CloneIo(intptr_t** destination, intptr_t* source, libbfio_error_t**) {
  if (!destination) return -1;
  if (!source) {
    *destination = nullptr;
    return 1;
  }
  auto* copy = new DeviceIo{Io(source)->device, 0, false};
  *destination = reinterpret_cast<intptr_t*>(copy);
  return 1;
}

int OpenIo(intptr_t* io_handle, int access_flags, libbfio_error_t**) {
  // Evidence is never written: refuse any handle that asks to.
  if (access_flags & LIBBFIO_ACCESS_FLAG_WRITE) return -1;
  Io(io_handle)->open = true;
  Io(io_handle)->position = 0;
  return 1;
}

int CloseIo(intptr_t* io_handle, libbfio_error_t**) {
  Io(io_handle)->open = false;
  return 0;
}

ssize_t ReadIo(intptr_t* io_handle, uint8_t* buffer, size_t size,
               libbfio_error_t**) {
  DeviceIo* io = Io(io_handle);
  try {
    const size_t n = io->device->ReadAt(buffer, size, io->position);
    // A read cut short by the end of the evidence is an error, not a short
    // count: not every libyal reader checks the count before using the
    // whole buffer (libqcow 20201213 did not; fuzz_disk_image found it).
    if (n < size) return -1;
    io->position += n;
    return static_cast<ssize_t>(n);
  } catch (const EvidenceError&) {
    return -1;
  }
}

ssize_t WriteIo(intptr_t*, const uint8_t*, size_t, libbfio_error_t**) {
  return -1;
}

off64_t SeekIo(intptr_t* io_handle, off64_t offset, int whence,
               libbfio_error_t**) {
  DeviceIo* io = Io(io_handle);
  int64_t base = 0;
  if (whence == SEEK_CUR) base = static_cast<int64_t>(io->position);
  if (whence == SEEK_END) base = static_cast<int64_t>(io->device->size());
  if (offset < -base) return -1;
  io->position = static_cast<uint64_t>(base + offset);
  return static_cast<off64_t>(io->position);
}

int ExistsIo(intptr_t*, libbfio_error_t**) { return 1; }

int IsOpenIo(intptr_t* io_handle, libbfio_error_t**) {
  return Io(io_handle)->open ? 1 : 0;
}

int GetSizeIo(intptr_t* io_handle, size64_t* size, libbfio_error_t**) {
  *size = Io(io_handle)->device->size();
  return 1;
}

}  // namespace

void BfioHandleFree::operator()(libbfio_handle_t* h) const {
  libbfio_handle_free(&h, nullptr);
}

BfioHandle MakeBfioHandle(std::shared_ptr<BlockDevice> device) {
  auto* io = new DeviceIo{std::move(device), 0, false};
  libbfio_handle_t* handle = nullptr;
  libbfio_error_t* error = nullptr;
  if (libbfio_handle_initialize(
          &handle, reinterpret_cast<intptr_t*>(io), &FreeIo, &CloneIo, &OpenIo,
          &CloseIo, &ReadIo, &WriteIo, &SeekIo, &ExistsIo, &IsOpenIo,
          &GetSizeIo, LIBBFIO_FLAG_IO_HANDLE_MANAGED, &error) != 1) {
    delete io;
    throw EvidenceError("cannot set up a reader for the libyal libraries: " +
                        TakeYalError(error, &libbfio_error_sprint,
                                     &libbfio_error_free));
  }
  return BfioHandle(handle);
}

size_t FunctionDevice::ReadAt(void* buf, size_t len, uint64_t offset) {
  if (offset >= size_) return 0;
  len = static_cast<size_t>(std::min<uint64_t>(len, size_ - offset));
  size_t done = 0;
  while (done < len) {
    std::string why;
    const ssize_t n =
        read_(static_cast<char*>(buf) + done, len - done, offset + done, why);
    if (n < 0) {
      throw EvidenceError("cannot read " + std::to_string(len - done) +
                          " bytes at offset " + std::to_string(offset + done) +
                          " of the " + what_ + (why.empty() ? "" : ": " + why));
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  return done;
}

}  // namespace contraband
