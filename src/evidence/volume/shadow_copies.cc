#include "evidence/volume/shadow_copies.h"

#include <libvshadow.h>

#include <ctime>

#include "evidence/libyal_io.h"

namespace contraband {
namespace {

std::string Error(libvshadow_error_t*& error) {
  return TakeYalError(error, &libvshadow_error_sprint, &libvshadow_error_free);
}

struct VshadowState {
  libvshadow_volume_t* volume = nullptr;
  BfioHandle io;
  std::vector<libvshadow_store_t*> stores;
  ~VshadowState() {
    for (libvshadow_store_t* s : stores) libvshadow_store_free(&s, nullptr);
    if (volume) {
      libvshadow_volume_close(volume, nullptr);
      libvshadow_volume_free(&volume, nullptr);
    }
  }
};

// Windows keeps at most 64 shadow copies per volume.
constexpr int kMaxStores = 512;

}  // namespace

std::string FiletimeToRfc3339(uint64_t filetime) {
  if (filetime == 0) return {};
  constexpr uint64_t kEpochDelta = 11644473600ull;  // 1601 to 1970, seconds
  const uint64_t seconds = filetime / 10000000;
  if (seconds < kEpochDelta) return {};
  const std::time_t t = static_cast<std::time_t>(seconds - kEpochDelta);
  std::tm tm{};
  if (!gmtime_r(&t, &tm)) return {};
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

ShadowCopies OpenShadowCopies(std::shared_ptr<BlockDevice> volume) {
  ShadowCopies out;
  auto state = std::make_shared<VshadowState>();
  libvshadow_error_t* error = nullptr;
  state->io = MakeBfioHandle(volume);
  const int has = libvshadow_check_volume_signature_file_io_handle(
      state->io.get(), &error);
  if (has != 1) {
    if (has < 0) {
      out.warnings.push_back("its shadow copy area cannot be read (" +
                             Error(error) + ")");
    }
    return out;  // no shadow copies on this volume
  }
  if (libvshadow_volume_initialize(&state->volume, &error) != 1 ||
      libvshadow_volume_open_file_io_handle(state->volume, state->io.get(),
                                            LIBVSHADOW_OPEN_READ,
                                            &error) != 1) {
    out.warnings.push_back("its shadow copies cannot be opened (" +
                           Error(error) + ")");
    return out;
  }
  int count = 0;
  if (libvshadow_volume_get_number_of_stores(state->volume, &count, &error) !=
      1) {
    out.warnings.push_back("its shadow copies cannot be counted (" +
                           Error(error) + ")");
    return out;
  }
  if (count > kMaxStores) {
    out.warnings.push_back("it claims " + std::to_string(count) +
                           " shadow copies; only the first " +
                           std::to_string(kMaxStores) + " are read");
    count = kMaxStores;
  }
  for (int i = 0; i < count; ++i) {
    libvshadow_store_t* store = nullptr;
    if (libvshadow_volume_get_store(state->volume, i, &store, &error) != 1) {
      out.warnings.push_back("shadow copy " + std::to_string(i + 1) +
                             " cannot be opened (" + Error(error) + ")");
      continue;
    }
    state->stores.push_back(store);
    size64_t size = 0;
    uint64_t filetime = 0;
    if (libvshadow_store_get_volume_size(store, &size, &error) != 1) {
      out.warnings.push_back("shadow copy " + std::to_string(i + 1) +
                             " has no readable size (" + Error(error) + ")");
      continue;
    }
    if (libvshadow_store_get_creation_time(store, &filetime, &error) != 1) {
      Error(error);
    }
    out.copies.push_back(
        {i + 1, FiletimeToRfc3339(filetime),
         LibyalDevice(size, store, &libvshadow_store_read_buffer_at_offset,
                      &libvshadow_error_sprint, &libvshadow_error_free, state,
                      "shadow copy " + std::to_string(i + 1))});
  }
  return out;
}

}  // namespace contraband
