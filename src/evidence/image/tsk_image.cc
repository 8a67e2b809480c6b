#include "evidence/image/tsk_image.h"

#include <sys/types.h>
#include <tsk/libtsk.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "evidence/filesystem/tsk_vfs.h"

namespace contraband {
namespace {

// A device as a TSK image: TSK_IMG_INFO first, as TSK casts it.
struct DeviceImage {
  TSK_IMG_INFO info;
  std::shared_ptr<BlockDevice>* device;
};

ssize_t DeviceImageRead(TSK_IMG_INFO* img, TSK_OFF_T off, char* buf,
                        size_t len) {
  BlockDevice& device = **reinterpret_cast<DeviceImage*>(img)->device;
  ssize_t n = -1;
  if (off >= 0) {
    try {
      n = static_cast<ssize_t>(
          device.ReadAt(buf, len, static_cast<uint64_t>(off)));
    } catch (const EvidenceError&) {
      n = -1;
    }
  }
  if (n <= 0 && len > 0) {
    tsk_error_reset();
    tsk_error_set_errno(TSK_ERR_IMG_READ);
    tsk_error_set_errstr("reading %zu bytes at offset %lld of the image: %s",
                         len, static_cast<long long>(off),
                         n < 0 ? "read error" : "past its end");
    return -1;
  }
  return n;
}

// tsk_img_close (TSK 4.11) destroys the cache lock, then calls this.
void DeviceImageClose(TSK_IMG_INFO* img) {
  delete reinterpret_cast<DeviceImage*>(img)->device;
  std::free(img);
}

// img_stat output, which nothing here prints.
void NoImageStat(TSK_IMG_INFO*, FILE*) {}

class TskDevice : public BlockDevice {
 public:
  TskDevice(TSK_IMG_INFO* img, std::shared_ptr<void> keep_alive)
      : img_(img), keep_alive_(std::move(keep_alive)) {}
  uint64_t size() const override {
    return img_->size > 0 ? static_cast<uint64_t>(img_->size) : 0;
  }
  size_t ReadAt(void* buf, size_t len, uint64_t offset) override {
    const uint64_t end = size();
    if (offset >= end) return 0;
    len = static_cast<size_t>(std::min<uint64_t>(len, end - offset));
    tsk_error_reset();
    const ssize_t n = tsk_img_read(img_, static_cast<TSK_OFF_T>(offset),
                                   static_cast<char*>(buf), len);
    if (n < 0) {
      throw EvidenceError("cannot read " + std::to_string(len) +
                          " bytes at offset " + std::to_string(offset) +
                          " of the image: " + TskLastError());
    }
    return static_cast<size_t>(n);
  }

 private:
  TSK_IMG_INFO* img_;
  std::shared_ptr<void> keep_alive_;
};

std::string Lower(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

TSK_IMG_INFO* OpenTskImage(std::shared_ptr<BlockDevice> device) {
  // calloc: TSK's read cache inside TSK_IMG_INFO must start empty.
  auto* image = static_cast<DeviceImage*>(std::calloc(1, sizeof(DeviceImage)));
  if (!image) return nullptr;
  const auto size = static_cast<TSK_OFF_T>(device->size());
  image->device = new std::shared_ptr<BlockDevice>(std::move(device));
  TSK_IMG_INFO* img = tsk_img_open_external(
      image, size, 512, &DeviceImageRead, &DeviceImageClose, &NoImageStat);
  if (!img) DeviceImageClose(&image->info);
  return img;
}

std::shared_ptr<BlockDevice> TskImageDevice(TSK_IMG_INFO* img,
                                            std::shared_ptr<void> keep_alive) {
  return std::make_shared<TskDevice>(img, std::move(keep_alive));
}

FsAttempt OpenFilesystem(TSK_IMG_INFO* img, int64_t offset) {
  // Each kind asked by name, in the order TSK's own detection tries them,
  // rather than TSK_FS_TYPE_DETECT: that also tries YAFFS2, whose probe
  // reads the whole image (a 1 TB QCOW2 of an unknown filesystem, or a
  // tiny hostile one claiming 2^56 bytes, would be read end to end;
  // fuzz_disk_image timed out on it), and TSK 4.11's APFS, which
  // libfsapfs reads instead. Every kind is tried, so that a disk
  // reformatted from FAT to NTFS, which keeps the old boot sector fields,
  // is read as the newer one and said to be ambiguous.
  static constexpr TSK_FS_TYPE_ENUM kKinds[] = {
      TSK_FS_TYPE_NTFS_DETECT, TSK_FS_TYPE_FAT_DETECT,
      TSK_FS_TYPE_EXT_DETECT,  TSK_FS_TYPE_FFS_DETECT,
      TSK_FS_TYPE_HFS_DETECT,  TSK_FS_TYPE_ISO9660_DETECT};
  FsAttempt out;
  std::string others;
  for (TSK_FS_TYPE_ENUM kind : kKinds) {
    tsk_error_reset();
    TSK_FS_INFO* fs = tsk_fs_open_img(img, offset, kind);
    if (!fs) continue;
    if (!out.fs) {
      out.fs = fs;
      continue;
    }
    others += std::string(others.empty() ? "" : ", ") +
              tsk_fs_type_toname(fs->ftype);
    tsk_fs_close(fs);
  }
  tsk_error_reset();
  if (!out.fs) {
    out.error = "no NTFS, FAT, exFAT, ext2/3/4, UFS, HFS+ or ISO 9660 "
                "signature";
  } else if (!others.empty()) {
    out.warning = std::string("signatures of more than one filesystem found (") +
                  tsk_fs_type_toname(out.fs->ftype) + ", " + others +
                  "); read as " + tsk_fs_type_toname(out.fs->ftype);
  }
  return out;
}

std::string VolumeSystemName(const TSK_VS_INFO* vs) {
  switch (vs->vstype) {
    case TSK_VS_TYPE_DOS:
      return "mbr";
    case TSK_VS_TYPE_GPT:
      return "gpt";
    case TSK_VS_TYPE_MAC:
      return "apm";
    default: {
      const char* name = tsk_vs_type_toname(vs->vstype);
      return name ? name : "unknown";
    }
  }
}

bool IsNtfs(const TSK_FS_INFO* fs) {
  return fs && TSK_FS_TYPE_ISNTFS(fs->ftype);
}

bool HoldsNoFilesystem(const char* desc) {
  if (!desc) return false;
  const std::string d = Lower(desc);
  for (std::string_view s : {"swap", "microsoft reserved", "bios boot"}) {
    if (d.find(s) != std::string::npos) return true;
  }
  return false;
}

}  // namespace contraband
