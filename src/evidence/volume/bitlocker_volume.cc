// BitLocker through libbde: the recovery password, a user password, or a
// startup key (.BEK) file.
#include <libbde.h>

#include "evidence/volume/encrypted_volume.h"
#include "evidence/libyal_io.h"

namespace contraband {
namespace {

std::string Error(libbde_error_t*& error) {
  return TakeYalError(error, &libbde_error_sprint, &libbde_error_free);
}

struct BdeState {
  libbde_volume_t* volume = nullptr;
  BfioHandle io;
  BfioHandle key_io;
  ~BdeState() {
    if (volume) {
      libbde_volume_close(volume, nullptr);
      libbde_volume_free(&volume, nullptr);
    }
  }
};

std::string MethodName(uint16_t method) {
  switch (method) {
    case LIBBDE_ENCRYPTION_METHOD_AES_128_CBC_DIFFUSER:
      return "AES-CBC 128 with diffuser";
    case LIBBDE_ENCRYPTION_METHOD_AES_256_CBC_DIFFUSER:
      return "AES-CBC 256 with diffuser";
    case LIBBDE_ENCRYPTION_METHOD_AES_128_CBC:
      return "AES-CBC 128";
    case LIBBDE_ENCRYPTION_METHOD_AES_256_CBC:
      return "AES-CBC 256";
    case LIBBDE_ENCRYPTION_METHOD_AES_128_XTS:
      return "AES-XTS 128";
    case LIBBDE_ENCRYPTION_METHOD_AES_256_XTS:
      return "AES-XTS 256";
    default:
      return "method " + std::to_string(method);
  }
}

// One attempt: a fresh volume object with `key` set (or none), opened.
std::shared_ptr<BdeState> Attempt(const std::shared_ptr<BlockDevice>& dev,
                                  const VolumeKey* key, std::string& error_out) {
  auto s = std::make_shared<BdeState>();
  libbde_error_t* error = nullptr;
  if (libbde_volume_initialize(&s->volume, &error) != 1) {
    error_out = Error(error);
    return nullptr;
  }
  int set = 1;
  if (key) {
    const auto* bytes = reinterpret_cast<const uint8_t*>(key->secret.data());
    switch (key->kind) {
      case VolumeKey::Kind::kRecoveryKey:
        set = libbde_volume_set_utf8_recovery_password(
            s->volume, bytes, key->secret.size(), &error);
        break;
      case VolumeKey::Kind::kPassword:
        set = libbde_volume_set_utf8_password(s->volume, bytes,
                                              key->secret.size(), &error);
        break;
      case VolumeKey::Kind::kKeyFile:
        s->key_io = MakeBfioHandle(std::make_shared<StringDevice>(key->secret));
        set = libbde_volume_read_startup_key_file_io_handle(
            s->volume, s->key_io.get(), &error);
        break;
    }
    if (set != 1) {
      error_out = key->label + " is not usable for BitLocker (" +
                  Error(error) + ")";
      return nullptr;
    }
  }
  s->io = MakeBfioHandle(dev);
  if (libbde_volume_open_file_io_handle(s->volume, s->io.get(),
                                        LIBBDE_OPEN_READ, &error) != 1) {
    error_out = Error(error);
    return nullptr;
  }
  return s;
}

}  // namespace

bool LooksLikeBitLocker(BlockDevice& dev) {
  const std::string head = ReadHead(dev, 0, 512);
  if (head.size() < 11) return false;
  if (head.compare(3, 8, "-FVE-FS-") == 0) return true;
  // BitLocker To Go hides behind a FAT boot sector ("MSWIN4.1"); libbde
  // knows the rest of its signature.
  if (head.compare(3, 8, "MSWIN4.1") != 0) return false;
  libbde_error_t* error = nullptr;
  BfioHandle io = MakeBfioHandle(SliceDevice(
      std::make_shared<StringDevice>(ReadHead(dev, 0, 1 << 16)), 0, 1 << 16));
  const int found =
      libbde_check_volume_signature_file_io_handle(io.get(), &error);
  if (error) Error(error);
  return found == 1;
}

UnlockResult OpenBitLocker(std::shared_ptr<BlockDevice> dev,
                           const std::vector<VolumeKey>& keys) {
  UnlockResult out;
  out.scheme = "BitLocker";
  std::string why;
  std::shared_ptr<BdeState> probe = Attempt(dev, nullptr, why);
  if (!probe) {
    out.problem = "its BitLocker metadata cannot be read (" + why + ")";
    return out;
  }
  libbde_error_t* error = nullptr;
  uint16_t method = 0;
  if (libbde_volume_get_encryption_method(probe->volume, &method, &error) ==
      1) {
    out.scheme += " (" + MethodName(method) + ")";
  } else {
    Error(error);
  }
  std::shared_ptr<BdeState> open;
  if (libbde_volume_is_locked(probe->volume, &error) == 0) {
    open = probe;  // a clear key (suspended protection) opens it as is
  }
  if (error) Error(error);
  std::vector<std::string> refused;
  for (const VolumeKey& key : keys) {
    if (open) break;
    std::string attempt_error;
    std::shared_ptr<BdeState> s = Attempt(dev, &key, attempt_error);
    if (s && libbde_volume_is_locked(s->volume, &error) == 0) {
      open = s;
    } else {
      if (error) Error(error);
      refused.push_back(key.label);
    }
  }
  if (!open) {
    if (keys.empty()) {
      out.problem = "no key was given; use --recovery-key, --password or "
                    "--key-file (a .BEK startup key)";
    } else {
      std::string list;
      for (const std::string& r : refused) list += (list.empty() ? "" : ", ") + r;
      out.problem = "none of the keys given opens it (tried " + list + ")";
    }
    return out;
  }
  size64_t size = 0;
  if (libbde_volume_get_size(open->volume, &size, &error) != 1) {
    out.problem = "its decrypted size cannot be read (" + Error(error) + ")";
    return out;
  }
  out.device = LibyalDevice(size, open->volume,
                            &libbde_volume_read_buffer_at_offset,
                            &libbde_error_sprint, &libbde_error_free, open,
                            "BitLocker volume");
  return out;
}

}  // namespace contraband
