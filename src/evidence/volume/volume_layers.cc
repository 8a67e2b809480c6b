#include "evidence/volume/volume_layers.h"

#include <sys/types.h>
#include <tsk/libtsk.h>

#include "evidence/filesystem/apfs_vfs.h"
#include "evidence/volume/encrypted_volume.h"
#include "evidence/volume/lvm_volumes.h"
#include "evidence/volume/shadow_copies.h"
#include "evidence/image/tsk_image.h"
#include "evidence/filesystem/tsk_vfs.h"
#include "evidence/filesystem/xfs_vfs.h"

namespace contraband {
namespace {

// LUKS inside a partition, LVM inside LUKS, a filesystem inside a logical
// volume: real disks nest three or four deep. A hostile image that nests
// forever stops here.
constexpr int kMaxDepth = 8;

// A TSK image over a device, and the partition table found in it, alive as
// long as any filesystem read through them.
struct TskHolder {
  TSK_IMG_INFO* img = nullptr;
  TSK_VS_INFO* vs = nullptr;
  ~TskHolder() {
    if (vs) tsk_vs_close(vs);
    if (img) tsk_img_close(img);
  }
};

std::string Join(const std::string& chain, const std::string& layer) {
  return chain.empty() ? layer : chain + " > " + layer;
}

std::string Child(const std::string& name, const std::string& part) {
  return name.empty() ? part : name + "/" + part;
}

void Warn(OpenedEvidence& ev, const std::string& name, std::string message) {
  ev.warnings.push_back({name, std::move(message)});
}

std::string Describe(const std::string& name) {
  return name.empty() ? "the volume" : "volume " + name;
}

void OpenEncrypted(bool bitlocker, std::shared_ptr<BlockDevice> device,
                   const std::string& name, const std::string& chain,
                   const OpenRequest& request, OpenedEvidence& ev, int depth) {
  UnlockResult r = bitlocker ? OpenBitLocker(device, request.keys)
                             : OpenLuks(device, request.keys);
  if (!r.device) {
    Warn(ev, name,
         Describe(name) + " is encrypted with " + r.scheme +
             " and was not scanned: " + r.problem);
    return;
  }
  ExploreDevice(r.device, name, Join(chain, bitlocker ? "bitlocker" : "luks"),
                request, ev, depth + 1);
}

void OpenLvm(std::shared_ptr<BlockDevice> device, const std::string& name,
             const std::string& chain, const OpenRequest& request,
             OpenedEvidence& ev, int depth) {
  LvmVolumeGroup group;
  try {
    group = OpenLvmVolumeGroup(device);
  } catch (const EvidenceError& e) {
    Warn(ev, name,
         Describe(name) + " is an LVM physical volume that cannot be read: " +
             e.what());
    return;
  }
  for (const std::string& w : group.warnings) Warn(ev, name, w);
  for (LogicalVolume& lv : group.volumes) {
    ExploreDevice(lv.device, lv.name, Join(chain, "lvm"), request, ev,
                  depth + 1);
  }
}

void OpenApfs(std::shared_ptr<BlockDevice> device, const std::string& name,
              const std::string& chain, OpenedEvidence& ev) {
  ApfsContainer container;
  try {
    container = OpenApfsContainer(device);
  } catch (const EvidenceError& e) {
    Warn(ev, name,
         Describe(name) + " is an APFS container that cannot be read: " +
             e.what());
    return;
  }
  for (const std::string& w : container.warnings) Warn(ev, name, w);
  for (ApfsVolume& v : container.volumes) {
    const std::string vol = Child(name, v.name);
    CheckRoot(*v.vfs, vol, ev.warnings);
    ev.volumes.push_back({vol, Join(chain, v.chain), std::move(v.vfs), {}, {}, {}});
  }
}

void OpenXfs(std::shared_ptr<BlockDevice> device, const std::string& name,
             const std::string& chain, OpenedEvidence& ev) {
  try {
    std::unique_ptr<Vfs> vfs = OpenXfsVfs(device);
    CheckRoot(*vfs, name, ev.warnings);
    ev.volumes.push_back({name, Join(chain, "xfs"), std::move(vfs), {}, {}, {}});
  } catch (const EvidenceError& e) {
    Warn(ev, name,
         Describe(name) + " holds an XFS filesystem that cannot be read: " +
             e.what());
  }
}

// What is left for The Sleuth Kit: a filesystem, or a partition table
// (a LUKS-encrypted whole disk, a partitioned logical volume).
void OpenWithTsk(std::shared_ptr<BlockDevice> device, const std::string& name,
                 const std::string& chain, const OpenRequest& request,
                 OpenedEvidence& ev, int depth) {
  auto holder = std::make_shared<TskHolder>();
  holder->img = OpenTskImage(device);
  if (!holder->img) {
    Warn(ev, name, Describe(name) + " cannot be read: " + TskLastError());
    return;
  }
  FsAttempt fs = OpenFilesystem(holder->img, 0);
  if (!fs.warning.empty()) Warn(ev, name, fs.warning);
  if (fs.fs) {
    const bool ntfs = IsNtfs(fs.fs);
    auto vfs = std::make_unique<TskVfs>(fs.fs, holder);
    const std::string full = Join(chain, vfs->fs_type());
    CheckRoot(*vfs, name, ev.warnings);
    ev.volumes.push_back({name, full, std::move(vfs), {}, {}, {}});
    if (ntfs && request.shadow_copies) {
      AddShadowCopies(device, name, full, ev);
    }
    return;
  }
  tsk_error_reset();
  holder->vs = tsk_vs_open(holder->img, 0, TSK_VS_TYPE_DETECT);
  tsk_error_reset();
  if (!holder->vs) {
    Warn(ev, name,
         Describe(name) + " (" + chain + ")" +
             " holds no filesystem contraband reads (NTFS, FAT, exFAT, "
             "ext2/3/4, XFS, APFS, HFS+, ISO9660, UFS)" +
             (fs.error.empty() ? "" : ": " + fs.error) + "; not scanned");
    return;
  }
  const TSK_VS_INFO* vs = holder->vs;
  int number = 0;
  for (TSK_PNUM_T i = 0; i < vs->part_count; ++i) {
    const TSK_VS_PART_INFO* part = tsk_vs_part_get(vs, i);
    if (!part || !(part->flags & TSK_VS_PART_FLAG_ALLOC)) continue;
    const std::string pname = Child(name, "p" + std::to_string(++number));
    if (HoldsNoFilesystem(part->desc)) continue;
    const uint64_t block = vs->block_size;
    ExploreDevice(SliceDevice(device, vs->offset + part->start * block,
                              part->len * block),
                  pname, Join(chain, VolumeSystemName(vs)), request, ev,
                  depth + 1);
  }
}

}  // namespace

bool HasNonTskLayer(BlockDevice& device) {
  return LooksLikeLuks(device) || LooksLikeBitLocker(device) ||
         LooksLikeLvmPhysicalVolume(device) || LooksLikeXfs(device) ||
         LooksLikeApfsContainer(device);
}

void ExploreDevice(std::shared_ptr<BlockDevice> device, const std::string& name,
                   const std::string& chain, const OpenRequest& request,
                   OpenedEvidence& ev, int depth) {
  if (depth > kMaxDepth) {
    Warn(ev, name,
         Describe(name) + " is nested more than " + std::to_string(kMaxDepth) +
             " layers deep (" + chain + "); not scanned");
    return;
  }
  if (LooksLikeLuks(*device)) {
    OpenEncrypted(false, device, name, chain, request, ev, depth);
  } else if (LooksLikeBitLocker(*device)) {
    OpenEncrypted(true, device, name, chain, request, ev, depth);
  } else if (LooksLikeLvmPhysicalVolume(*device)) {
    OpenLvm(device, name, chain, request, ev, depth);
  } else if (LooksLikeApfsContainer(*device)) {
    OpenApfs(device, name, chain, ev);
  } else if (LooksLikeXfs(*device)) {
    OpenXfs(device, name, chain, ev);
  } else {
    OpenWithTsk(device, name, chain, request, ev, depth);
  }
}

void AddShadowCopies(std::shared_ptr<BlockDevice> device,
                     const std::string& name, const std::string& chain,
                     OpenedEvidence& ev) {
  ShadowCopies shadows = OpenShadowCopies(device);
  for (const std::string& w : shadows.warnings) {
    Warn(ev, name, Describe(name) + ": " + w);
  }
  for (ShadowCopy& copy : shadows.copies) {
    const std::string vol = Child(name, "vss" + std::to_string(copy.number));
    auto holder = std::make_shared<TskHolder>();
    holder->img = OpenTskImage(copy.device);
    FsAttempt fs = holder->img ? OpenFilesystem(holder->img, 0) : FsAttempt{};
    if (!fs.fs) {
      Warn(ev, vol,
           "shadow copy " + std::to_string(copy.number) + " of " +
               Describe(name) + " holds no readable filesystem" +
               (fs.error.empty() ? "" : " (" + fs.error + ")"));
      continue;
    }
    auto vfs = std::make_unique<TskVfs>(fs.fs, holder);
    CheckRoot(*vfs, vol, ev.warnings);
    ev.volumes.push_back(
        {vol, Join(chain, "vss"), std::move(vfs), name, copy.created, {}});
  }
}

void CheckRoot(Vfs& vfs, const std::string& volume,
               std::vector<OpenWarning>& warnings) {
  try {
    vfs.List("/");
  } catch (const EvidenceError& e) {
    warnings.push_back({volume, std::string("the root folder of the filesystem "
                                            "cannot be read (") +
                                    e.what() + "); nothing in it is scanned"});
  }
}

}  // namespace contraband
