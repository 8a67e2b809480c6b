// One filesystem inside a disk image, read in place through The Sleuth Kit:
// only the metadata and blocks of the folders walked and the files read are
// ever touched, so time and memory do not grow with the image's size.
#pragma once

#include <memory>
#include <string>

#include "evidence/vfs.h"

// The Sleuth Kit's handle (tsk/libtsk.h), kept out of this header so that
// only tsk_vfs.cc and disk_image_source.cc see TSK's C headers.
struct TSK_FS_INFO;

namespace contraband {

/// A read-only Vfs over one filesystem TSK opened: ext2/3/4, FAT, exFAT,
/// NTFS, HFS+, ISO9660, UFS. Symlinks (and NTFS symbolic links and junctions)
/// resolve inside this filesystem only (ResolveInRoot). On filesystems that
/// ignore case (NTFS, FAT, exFAT, HFS+ other than HFSX, ISO9660) a path that
/// differs only in ASCII case finds the file, as Windows and macOS would.
/// Deleted names and TSK's virtual entries ($OrphanFiles, $MBR, $FAT1) are
/// not shown: only what the system itself would list.
class TskVfs : public Vfs {
 public:
  /// Takes ownership of `fs` (closed when this object dies). `keep_alive`
  /// owns what `fs` reads from (the image and its volume system), shared by
  /// every filesystem of one image and released after the last of them.
  TskVfs(TSK_FS_INFO* fs, std::shared_ptr<void> keep_alive);
  ~TskVfs() override;
  TskVfs(const TskVfs&) = delete;
  TskVfs& operator=(const TskVfs&) = delete;

  std::optional<FileInfo> Stat(std::string_view path) override;
  std::vector<DirEntry> List(std::string_view path) override;
  std::string Read(std::string_view path, uint64_t max_bytes) override;
  /// Reads 1 MiB at a time through tsk_fs_file_read into one buffer.
  void ReadChunks(std::string_view path, uint64_t max_bytes,
                  const ChunkConsumer& consume) override;
  /// tsk_fs_file_read of the range only.
  std::string ReadRange(std::string_view path, uint64_t offset,
                        uint64_t length) override;

  /// The filesystem's kind: "ext4", "ntfs", "fat32", "exfat", "hfs+",
  /// "iso9660".
  std::string fs_type() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

/// The Sleuth Kit's last error on this thread, as one line ("" when none),
/// for messages that say why an image, volume or file could not be read.
std::string TskLastError();

}  // namespace contraband
