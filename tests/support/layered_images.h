// Evidence in layers, built by the real tools of each format: XFS
// (mkfs.xfs -p protofile), LVM on a GPT disk (sgdisk, pvcreate, vgcreate,
// lvcreate on a loop device, with activation off: no device-mapper needed),
// QCOW2 v3 and v2 and overlays on a backing file (qemu-img), LUKS1 and LUKS2
// (cryptsetup). Each builder REQUIREs its tools, naming their Debian package,
// and checks what it built with the format's own inspection commands.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace contraband::testing {

/// Fails the test unless `tool` is on PATH, naming the Debian `package`.
void RequireTool(const std::string& tool, const std::string& package);

/// Runs `script` with bash -e in folder `dir` and returns its standard output;
/// fails the test (showing the script and both outputs) when it fails.
std::string ShellScript(const std::string& script, const std::string& dir);

/// root_dir/var/lib/dpkg/status with kesl, telegram-desktop, xzoom (a
/// look-alike that must not match) and zoom installed; the banned products
/// are kaspersky, telegram and zoom.
void WriteDpkgStatusRoot(const std::string& root_dir);

/// The mkfs.xfs PROTOTYPE FILE that recreates the tree under root_dir
/// (folders, regular files, symlinks, with their modes and owners). Names
/// with spaces or colons cannot be written in a protofile: such a name fails
/// the test.
std::string XfsProtofile(const std::string& root_dir);

/// The least size mkfs.xfs (xfsprogs 6.1) accepts: 300 MiB. Sparse: about
/// 65 MiB of it is written (the 64 MiB log).
constexpr uint64_t kXfsImageSize = 300ull << 20;

/// A new (sparse) kXfsImageSize file at image_path holding an XFS file
/// system made by `mkfs.xfs -p` from the tree under root_dir; checked with
/// xfs_repair -n.
void MakeXfsImage(const std::string& root_dir, const std::string& image_path);

/// A new (sparse) ext4 image of `size` bytes made by `mkfs.ext4 -d root_dir`.
void MakeExt4Image(const std::string& root_dir, const std::string& image_path,
                   uint64_t size = 16ull << 20);

/// Where MakeLvmDisk put things, in bytes from the start of the disk.
struct LvmDisk {
  uint64_t p1_offset = 0, p1_size = 0;  ///< the ext4 /boot partition
  uint64_t p2_offset = 0, p2_size = 0;  ///< the LVM physical volume
  uint64_t pe_start = 0;                ///< first extent, from p2_offset
  uint64_t extent_size = 0;
  uint64_t root_offset = 0, root_size = 0;  ///< LV vg0/root
  uint64_t home_offset = 0, home_size = 0;  ///< LV vg0/home (0: none)
  std::string pvs, lvs;  ///< what pvs and lvs said of the finished disk
};

/// A raw GPT disk at disk_path: p1 a small ext4 file system (/boot with a
/// grub.cfg), p2 an LVM physical volume of volume group "vg0" with linear
/// LVs "root" (holding the bytes of root_image, e.g. an XFS image) and, when
/// home_image is not empty, "home" (its bytes). The PV, VG and LVs are made
/// by pvcreate/vgcreate/lvcreate on a loop device over p2 with activation
/// disabled (no device-mapper), lvm limited to that loop device and its
/// configuration in a private LVM_SYSTEM_DIR (no backups written to /etc);
/// the images go where lvs says the LVs' extents are. Checked with pvs/lvs.
LvmDisk MakeLvmDisk(const std::string& disk_path, const std::string& root_image,
                    const std::string& home_image = "");

/// Replaces the bytes at `offset` of `disk` by those of `image` (the old
/// ones are punched out first, so the disk stays sparse).
void PutImageAt(const std::string& disk, uint64_t offset,
                const std::string& image);

/// A raw GPT disk at disk_path with one Linux partition (type 8300) per
/// image, in order, each holding that image's bytes, at 1 MiB boundaries.
/// Returns the partitions' byte offsets.
std::vector<uint64_t> MakeGptDisk(const std::string& disk_path,
                                  const std::vector<std::string>& images);

enum class Qcow2Compat { kV3, kV2 };

/// `qemu-img convert -O qcow2` of a raw image: QCOW2 v3 (compat=1.1, the
/// default) or v2 (-o compat=0.10). Checked with qemu-img check and compare.
void ToQcow2(const std::string& raw, const std::string& qcow2,
             Qcow2Compat compat = Qcow2Compat::kV3);

/// A QCOW2 overlay at `overlay` on the backing file `backing_name` (a
/// QCOW2 copy of base_raw; relative names are resolved from the overlay's
/// folder and recorded as given) that reads as changed_raw: `qemu-img
/// create -b backing_name -F qcow2`, then only the 64 KiB clusters where
/// changed_raw differs from base_raw written into it by qemu-io, so the
/// overlay truly depends on its backing file. (`qemu-img convert -B` of a
/// raw image would not: it writes every cluster, zeros included.) Checked
/// with qemu-img check, compare (overlay = changed_raw) and map (data read
/// from the backing file).
void MakeQcow2Overlay(const std::string& base_raw,
                      const std::string& changed_raw,
                      const std::string& overlay,
                      const std::string& backing_name);

/// The same for VMDK: a monolithicSparse snapshot at `overlay` whose
/// descriptor names its parent `parent_name` (parentFileNameHint; a VMDK
/// copy of base_raw made by qemu-img convert) and that reads as changed_raw.
void MakeVmdkOverlay(const std::string& base_raw,
                     const std::string& changed_raw,
                     const std::string& overlay,
                     const std::string& parent_name);

/// The backing file name an image records, as `qemu-img info` shows it
/// ("" when none).
std::string Qcow2BackingName(const std::string& qcow2);

/// A LUKS volume at luks_image (version 1 or 2, aes-xts-plain64 with a
/// 512-bit key as cryptsetup makes by default, pbkdf2 with 1000 iterations
/// to be fast) whose decrypted payload is exactly the bytes of
/// plain_fs_image, opened by `password`; when key_file is not empty, a
/// second keyslot opens with the bytes of that file.
///  - LUKS2: `cryptsetup reencrypt --encrypt --reduce-device-size`, offline
///    on the image file (cryptsetup itself encrypts; no device-mapper).
///  - LUKS1: cryptsetup cannot encrypt a LUKS1 payload without
///    device-mapper, so: `cryptsetup luksFormat` on the image, the volume key
///    from `cryptsetup luksDump --dump-master-key`, and the plain image
///    encrypted with OpenSSL's AES-XTS (plain64: the tweak is the 512-byte
///    sector number, little-endian) at the payload offset luksDump shows.
/// Both are checked by decrypting the payload back (DecryptLuks, with the
/// key cryptsetup reveals) and comparing with plain_fs_image, and with
/// `cryptsetup luksOpen --test-passphrase` for each key.
void MakeLuksImage(const std::string& plain_fs_image,
                   const std::string& luks_image, const std::string& password,
                   int luks_version, const std::string& key_file = "");

/// The decrypted payload of a LUKS volume, with the volume key cryptsetup
/// reveals for `password` (aes-xts-plain64 only).
std::string DecryptLuks(const std::string& luks_image,
                        const std::string& password);

/// AES-XTS (plain64) over whole 512-byte sectors; the first sector of
/// `data` is number first_sector. The key is 32 or 64 bytes.
std::string XtsCrypt(bool encrypt, const std::string& key,
                     const std::string& data, uint64_t first_sector);

}  // namespace contraband::testing
