#include "evidence/image/disk_image_source.h"

#include <sys/types.h>
#include <tsk/libtsk.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "common/sha256.h"
#include "evidence/block_device.h"
#include "evidence/host/host_os.h"
#include "evidence/image/libyal_image.h"
#include "evidence/image/qcow_image.h"
#include "evidence/image/tsk_image.h"
#include "evidence/image/vmdk_image.h"
#include "evidence/filesystem/tsk_vfs.h"
#include "evidence/volume/volume_layers.h"
#include "formats/parse_error.h"
#include "formats/tar_header.h"

namespace contraband {
namespace {

// The files of a raw image: one, or the segments of a split image, as one
// device.
class SplitFileDevice : public BlockDevice {
 public:
  void Add(std::unique_ptr<host::InputFile> file) {
    const uint64_t n = file->size();
    segments_.push_back({std::move(file), size_, n});
    size_ += n;
  }
  uint64_t size() const override { return size_; }
  /// Bytes at `off`; short only at the end of the image.
  size_t ReadAt(void* buf, size_t len, uint64_t off) override {
    size_t done = 0;
    while (done < len && off + done < size_) {
      const uint64_t pos = off + done;
      auto it = std::upper_bound(
          segments_.begin(), segments_.end(), pos,
          [](uint64_t p, const Segment& s) { return p < s.start; });
      const Segment& seg = *std::prev(it);
      const size_t want = static_cast<size_t>(
          std::min<uint64_t>(len - done, seg.start + seg.size - pos));
      const size_t n =
          seg.file->ReadAt(static_cast<char*>(buf) + done, want, pos - seg.start);
      if (n == 0) break;  // the file shrank under us
      done += n;
    }
    return done;
  }
  std::vector<std::string> paths() const {
    std::vector<std::string> out;
    for (const Segment& s : segments_) out.push_back(s.file->path());
    return out;
  }

 private:
  struct Segment {
    std::unique_ptr<host::InputFile> file;  ///< read-only, O_NOATIME
    uint64_t start = 0;  ///< offset of its first byte in the image
    uint64_t size = 0;
  };
  std::vector<Segment> segments_;
  uint64_t size_ = 0;
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }

// "disk.001" -> "disk.002", "disk.aa" -> "disk.ab" (the names dd, split and
// FTK give segments); "" when `name` has no segment number.
std::string NextSegmentName(const std::string& name) {
  const size_t sep = name.find_last_of("._");
  if (sep == std::string::npos || sep + 1 >= name.size()) return {};
  std::string next = name;
  const std::string_view suffix = std::string_view(name).substr(sep + 1);
  const bool digits =
      suffix.size() >= 3 && std::all_of(suffix.begin(), suffix.end(), IsDigit);
  const bool letters =
      suffix.size() == 2 && std::all_of(suffix.begin(), suffix.end(), IsLower);
  if (!digits && !letters) return {};
  for (size_t i = next.size(); i-- > sep + 1;) {  // increment with carry
    char& c = next[i];
    if (digits ? c < '9' : c < 'z') {
      ++c;
      return next;
    }
    c = digits ? '0' : 'a';
  }
  return {};  // out of names
}

// The first segment of a split image is numbered 000 or 001, or is "aa".
bool IsFirstSegment(const std::string& name) {
  const size_t sep = name.find_last_of("._");
  if (sep == std::string::npos) return false;
  const std::string_view suffix = std::string_view(name).substr(sep + 1);
  if (suffix == "aa") return true;
  if (suffix.size() < 3 ||
      !std::all_of(suffix.begin(), suffix.end(), IsDigit)) {
    return false;
  }
  return std::all_of(suffix.begin(), suffix.end() - 1,
                     [](char c) { return c == '0'; }) &&
         (suffix.back() == '0' || suffix.back() == '1');
}

// Owns what every TskVfs of one image reads from; the last volume to go
// closes it (volume system first, then the images).
struct ImageHolder {
  TSK_IMG_INFO* img = nullptr;
  TSK_IMG_INFO* padded = nullptr;  ///< over img, for a truncated image
  TSK_VS_INFO* vs = nullptr;
  /// The files the image is made of when we opened them ourselves (raw
  /// segments, a QCOW2 image and its backing files), for --hash.
  std::vector<std::string> files;
  ~ImageHolder() {
    if (vs) tsk_vs_close(vs);
    if (padded) tsk_img_close(padded);
    if (img) tsk_img_close(img);
  }
};

std::string ReadAt(host::InputFile& file, uint64_t offset, size_t length) {
  std::string buf(length, '\0');
  buf.resize(file.ReadAt(buf.data(), length, offset));
  return buf;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// The container format named by the file's own magic. Only these go to
// an image reader (ours for QCOW2, VMDK and OVA; TSK's image libraries for
// the others); everything else is read as raw. "" for raw (or anything
// else).
std::string ContainerMagic(host::InputFile& file) {
  const std::string head = ReadAt(file, 0, 512);
  using namespace std::string_view_literals;
  if (StartsWith(head, "EVF\x09\x0d\x0a\xff\x00"sv) ||
      StartsWith(head, "EVF2\x0d\x0a\x81\x00"sv)) {
    return "ewf";
  }
  if (StartsWith(head, "KDMV") || StartsWith(head, "COWD") ||
      StartsWith(head, "# Disk DescriptorFile")) {
    return "vmdk";
  }
  if (StartsWith(head, "vhdxfile")) return "vhdx";
  if (StartsWith(head, "conectix")) return "vhd";  // dynamic or differencing
  if (StartsWith(head, "AFF10\r\n\0"sv)) return "aff";
  if (StartsWith(head, "QFI\xfb"sv)) return "qcow";
  if (LooksLikeTar(head)) {
    // An OVA is a tar whose first member is its .ovf descriptor; a tar
    // made by hand around one disk starts with the .vmdk itself. Either way
    // the disk is the evidence: read as a plain archive it would show
    // nothing and say so cleanly.
    try {
      std::string name = ParseTarHeader(head).name;
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto ends = [&](std::string_view suffix) {
        return name.size() > suffix.size() &&
               name.compare(name.size() - suffix.size(), suffix.size(),
                            suffix) == 0;
      };
      if (ends(".ovf") || ends(".vmdk")) return "ova";
    } catch (const ParseError&) {
    }
    return {};
  }
  if (file.size() >= 512 &&
      StartsWith(ReadAt(file, file.size() - 512, 8), "conectix")) {
    return "vhd";  // fixed: a raw disk followed by a 512-byte footer
  }
  return {};
}

// The report's format name for what TSK opened.
std::string FormatOf(TSK_IMG_TYPE_ENUM type, const std::string& magic) {
  switch (type) {
    case TSK_IMG_TYPE_RAW:
    case TSK_IMG_TYPE_EXTERNAL:  // RawImage
      return "raw";
    case TSK_IMG_TYPE_EWF_EWF:
      return "ewf";
    case TSK_IMG_TYPE_VMDK_VMDK:
      return "vmdk";
    case TSK_IMG_TYPE_VHD_VHD:
      return magic == "vhdx" ? "vhdx" : "vhd";  // libvhdi reads both
    case TSK_IMG_TYPE_AFF_AFF:
    case TSK_IMG_TYPE_AFF_AFD:
    case TSK_IMG_TYPE_AFF_AFM:
    case TSK_IMG_TYPE_AFF_ANY:
      return "aff";
    default: {
      const char* name = tsk_img_type_toname(type);
      return name ? name : "unknown";
    }
  }
}

bool IsOnlyGptProtective(const TSK_VS_INFO* vs) {
  bool any = false;
  for (TSK_PNUM_T i = 0; i < vs->part_count; ++i) {
    const TSK_VS_PART_INFO* part = tsk_vs_part_get(vs, i);
    if (!part || !(part->flags & TSK_VS_PART_FLAG_ALLOC)) continue;
    if (!part->desc ||
        std::string_view(part->desc).rfind("GPT Safety", 0) != 0) {
      return false;
    }
    any = true;
  }
  return any;
}

// Like OpenFilesystem, for the partition table: TSK gives up when two kinds
// match; GPT (whose protective MBR TSK already tolerates) is then preferred.
TSK_VS_INFO* OpenVolumeSystem(TSK_IMG_INFO* img,
                              std::vector<OpenWarning>& warnings) {
  // GPT is asked for first: with its primary header intact that is what
  // TSK's detection would choose too (and its detection leaks the
  // protective MBR it sets aside; TSK 4.11, mm_open.c). Asked by name, TSK
  // also reads the backup GPT at the end of the disk, which its detection
  // ignores in favour of the protective MBR when the primary is damaged.
  tsk_error_reset();
  TSK_VS_INFO* backup = tsk_vs_open(img, 0, TSK_VS_TYPE_GPT);
  if (backup && !backup->is_backup) return backup;
  tsk_error_reset();
  if (TSK_VS_INFO* vs = tsk_vs_open(img, 0, TSK_VS_TYPE_DETECT)) {
    if (backup && vs->vstype == TSK_VS_TYPE_DOS && IsOnlyGptProtective(vs)) {
      tsk_vs_close(vs);
      return backup;
    }
    if (backup) tsk_vs_close(backup);
    return vs;
  }
  if (backup) {
    tsk_error_reset();
    return backup;
  }
  const uint32_t err = tsk_error_get_errno();
  const char* errstr = tsk_error_get_errstr();
  const std::string detail = errstr ? errstr : "";
  if (err == TSK_ERR_VS_ENCRYPTED) {
    warnings.push_back({"", "the disk appears to be encrypted (" +
                                TskLastError() +
                                "); decrypt it and scan the decrypted image"});
  }
  if (detail.find(" or ") == std::string::npos) {
    tsk_error_reset();
    return nullptr;
  }
  for (TSK_VS_TYPE_ENUM kind :
       {TSK_VS_TYPE_GPT, TSK_VS_TYPE_DOS, TSK_VS_TYPE_BSD, TSK_VS_TYPE_MAC,
        TSK_VS_TYPE_SUN}) {
    tsk_error_reset();
    if (TSK_VS_INFO* vs = tsk_vs_open(img, 0, kind)) {
      warnings.push_back({"", "more than one kind of partition table found (" +
                                  detail + "); read as " +
                                  VolumeSystemName(vs)});
      tsk_error_reset();
      return vs;
    }
  }
  tsk_error_reset();
  return nullptr;
}

// SHA-256 of the image files themselves, in segment order (E01, E02, ... or
// .001, .002, ...), read sequentially: for a split raw image this equals the
// hash of the whole disk. The only place that reads the entire image.
std::string HashImageFiles(const ImageHolder& holder, const std::string& path,
                           std::vector<OpenWarning>& warnings) {
  std::vector<std::string> files = holder.files;
  if (!files.empty()) {
  } else if (holder.img->images && holder.img->num_img > 0) {
    for (int i = 0; i < holder.img->num_img; ++i) {
      if (holder.img->images[i]) files.emplace_back(holder.img->images[i]);
    }
  }
  if (files.empty()) files.push_back(path);
  Sha256 sha;
  std::string buf(1u << 20, '\0');
  try {
    for (const std::string& f : files) {
      host::InputFile in(f);
      while (size_t n = in.Read(buf.data(), buf.size())) {
        sha.Update(std::string_view(buf.data(), n));
      }
    }
  } catch (const EvidenceError& e) {
    warnings.push_back({"", std::string(e.what()) + "; no sha256"});
    return {};
  }
  return sha.HexDigest();
}

// "an E01 (EWF)", "a VMDK": for messages.
std::string Title(const std::string& format) {
  if (format == "ewf") return "an E01 (EWF)";
  if (format == "vmdk") return "a VMDK";
  if (format == "ova") return "an OVA";
  if (format == "vhdx") return "a VHDX";
  if (format == "vhd") return "a VHD";
  if (format == "aff") return "an AFF";
  return "a " + format;
}

// A view of an image that claims to be 1 PiB long; reads past the real end
// fail as they would on the image itself. Freed by tsk_img_close (which, in
// TSK 4.11, destroys the cache lock and then calls close).
struct PaddedImage {
  TSK_IMG_INFO info;  // first: TSK sees a PaddedImage* as a TSK_IMG_INFO*
  TSK_IMG_INFO* inner;
};

ssize_t PaddedRead(TSK_IMG_INFO* img, TSK_OFF_T off, char* buf, size_t len) {
  const TSK_IMG_INFO* inner = reinterpret_cast<PaddedImage*>(img)->inner;
  if (off < 0 || off >= inner->size) {
    tsk_error_reset();
    tsk_error_set_errno(TSK_ERR_IMG_READ_OFF);
    tsk_error_set_errstr("offset %lld lies past the end of the %lld-byte image",
                         static_cast<long long>(off),
                         static_cast<long long>(inner->size));
    return -1;
  }
  len = static_cast<size_t>(std::min<uint64_t>(len, inner->size - off));
  return tsk_img_read(reinterpret_cast<PaddedImage*>(img)->inner, off, buf,
                      len);
}

void PaddedClose(TSK_IMG_INFO* img) { std::free(img); }

// img_stat output, which nothing here prints.
void NoImageStat(TSK_IMG_INFO*, FILE*) {}

TSK_IMG_INFO* OpenPadded(TSK_IMG_INFO* inner) {
  // calloc: TSK's read cache in TSK_IMG_INFO must start empty.
  auto* p = static_cast<PaddedImage*>(std::calloc(1, sizeof(PaddedImage)));
  if (!p) return nullptr;
  p->inner = inner;
  TSK_IMG_INFO* img = tsk_img_open_external(
      p, std::max<TSK_OFF_T>(inner->size, TSK_OFF_T{1} << 50),
      inner->sector_size, &PaddedRead, &PaddedClose, &NoImageStat);
  if (!img) std::free(p);
  tsk_error_reset();
  return img;
}

// How far the image can actually be read: its media size, unless (an E01
// or VMDK cut short, a missing segment) reading fails before that. Found by
// bisection over sectors, so a few dozen reads at most.
uint64_t ReadableEnd(TSK_IMG_INFO* img) {
  const uint64_t size = img->size > 0 ? static_cast<uint64_t>(img->size) : 0;
  const uint64_t sector = img->sector_size ? img->sector_size : 512;
  char buf[512];
  auto readable = [&](uint64_t sector_index) {
    const uint64_t off = sector_index * sector;
    const size_t len =
        static_cast<size_t>(std::min<uint64_t>(sizeof buf, size - off));
    tsk_error_reset();
    bool ok = tsk_img_read(img, static_cast<TSK_OFF_T>(off), buf, len) ==
              static_cast<ssize_t>(len);
    tsk_error_reset();
    return ok;
  };
  const uint64_t sectors = (size + sector - 1) / sector;
  if (sectors == 0 || readable(sectors - 1)) return size;
  if (!readable(0)) return 0;
  uint64_t lo = 0, hi = sectors - 1;  // lo readable, hi not
  while (hi - lo > 1) {
    const uint64_t mid = lo + (hi - lo) / 2;
    (readable(mid) ? lo : hi) = mid;
  }
  return (lo + 1) * sector;
}

// The start of every chain the report prints: the image format, and for
// an OVA the VMDK inside it.
std::string ChainHead(const OpenedEvidence& ev) {
  return ev.format == "ova" ? "ova > vmdk" : ev.format;
}

// One volume per allocated partition that holds a filesystem; warnings for
// the others. Partitions are read through the image the table was found in
// (the padded view for a truncated image), bounds are the real image's.
void AddPartitions(const std::shared_ptr<ImageHolder>& holder,
                   const std::shared_ptr<BlockDevice>& image,
                   uint64_t readable_end, const OpenRequest& request,
                   OpenedEvidence& ev) {
  TSK_VS_INFO* vs = holder->vs;
  if (vs->is_backup) {
    ev.warnings.push_back({"", "the primary " + VolumeSystemName(vs) +
                                   " partition table is damaged; partitions "
                                   "come from the backup table"});
  }
  const std::string table = ChainHead(ev) + " > " + VolumeSystemName(vs);
  // Partitions are numbered as dfvfs/plaso name them ("p1", "p2", ...):
  // 1-based over the table's real (allocated) partitions in the order TSK
  // lists them, by start sector; table metadata, unallocated gaps and the
  // extended-partition containers of an MBR are not counted. For a plain
  // GPT or MBR disk that is mmls's order and Linux's /dev/sdaN numbering;
  // an MBR's logical partitions follow its primaries.
  int number = 0;
  for (TSK_PNUM_T i = 0; i < vs->part_count; ++i) {
    const TSK_VS_PART_INFO* part = tsk_vs_part_get(vs, i);
    if (!part || !(part->flags & TSK_VS_PART_FLAG_ALLOC)) continue;
    const std::string name = "p" + std::to_string(++number);
    const uint64_t block = vs->block_size;
    const uint64_t offset = vs->offset + part->start * block;
    const uint64_t end = offset + part->len * block;
    std::string where = name + " (";
    if (part->desc && part->desc[0])
      where += "\"" + std::string(part->desc) + "\", ";
    where += "sectors " + std::to_string(part->start) + "-" +
             std::to_string(part->start + part->len - 1) + ")";
    if (offset >= readable_end) {
      ev.warnings.push_back({name, where +
                                       " starts past the end of what can "
                                       "be read of the image (" +
                                       std::to_string(readable_end) +
                                       " bytes; truncated?); not scanned"});
      continue;
    }
    if (end > readable_end) {
      ev.warnings.push_back({name, where +
                                       " runs past the end of what can "
                                       "be read of the image (" +
                                       std::to_string(readable_end) +
                                       " bytes; truncated?); files beyond it "
                                       "cannot be read"});
    }
    // Encryption, LVM, APFS and XFS are read by their own layers; the
    // partition's bytes come through the same image TSK reads.
    std::shared_ptr<BlockDevice> device =
        SliceDevice(image, offset, end - offset);
    if (HasNonTskLayer(*device)) {
      ExploreDevice(device, name, table, request, ev);
      continue;
    }
    FsAttempt fs = OpenFilesystem(vs->img_info, static_cast<TSK_OFF_T>(offset));
    if (!fs.warning.empty()) ev.warnings.push_back({name, fs.warning});
    if (!fs.fs) {
      if (!HoldsNoFilesystem(part->desc)) {
        ev.warnings.push_back(
            {name, where +
                       " holds no filesystem contraband reads (NTFS, FAT, "
                       "exFAT, ext2/3/4, XFS, APFS, HFS+, ISO9660, UFS; LVM, "
                       "LUKS, BitLocker)" +
                       (fs.error.empty() ? "" : ": " + fs.error) +
                       "; not scanned"});
      }
      continue;
    }
    const bool ntfs = IsNtfs(fs.fs);
    auto vfs = std::make_unique<TskVfs>(fs.fs, holder);
    CheckRoot(*vfs, name, ev.warnings);
    const std::string chain = table + " > " + vfs->fs_type();
    ev.volumes.push_back({name, chain, std::move(vfs), {}, {}, {}});
    if (ntfs && request.shadow_copies) {
      AddShadowCopies(device, name, chain, ev);
    }
  }
}

}  // namespace

std::optional<OpenedEvidence> TryOpenDiskImage(const std::string& path,
                                               const OpenRequest& request) {
  if (host::PathType(path) != FileType::kRegular) return std::nullopt;
  auto first = std::make_unique<host::InputFile>(path);  // throws: exit 3
  const std::string magic = ContainerMagic(*first);
  auto holder = std::make_shared<ImageHolder>();
  std::string format;  // set for the images we open ourselves
  std::vector<OpenWarning> reader_warnings;  ///< from our own readers
  // Raw, or no image at all: read through our own device, and never
  // through TSK's detection, whose image libraries open every file by name.
  auto open_raw = [&](std::unique_ptr<host::InputFile> file) {
    auto files = std::make_shared<SplitFileDevice>();
    files->Add(std::move(file));
    if (IsFirstSegment(path)) {
      for (std::string next = NextSegmentName(path); !next.empty();
           next = NextSegmentName(next)) {
        if (host::PathType(next) != FileType::kRegular) break;
        try {
          files->Add(std::make_unique<host::InputFile>(next));
        } catch (const EvidenceError&) {
          break;
        }
      }
    }
    holder->files = files->paths();
    holder->img = OpenTskImage(files);
    format = "raw";
    return holder->img != nullptr;
  };
  // Our readers' devices, and the libraries' fed our own file handles, go
  // to TSK as an image like any other.
  auto open_device = [&](const std::shared_ptr<BlockDevice>& device) {
    holder->img = OpenTskImage(device);
    if (!holder->img) {
      throw EvidenceError("evidence " + path + " cannot be read (" +
                          TskLastError() + ")");
    }
  };
  std::string refusal;  // why libvhdi refused a file with its magic
  if (magic.empty()) {
    if (!open_raw(std::move(first))) return std::nullopt;
  } else if (magic == "qcow") {
    // TSK 4.11 has no QCOW2 reader (it would read the clusters as a raw
    // disk): our reader gives the guest disk, TSK reads it like any other.
    first.reset();
    QcowImage qcow = OpenQcowImage(path, request.allow_backing);
    holder->files = qcow.files;
    for (const std::string& w : qcow.warnings) {
      reader_warnings.push_back({"", w});
    }
    open_device(qcow.device);
    format = "qcow2";
  } else if (magic == "vmdk" || magic == "ova") {
    // libvmdk opens extent files by the names inside the descriptor (a
    // renamed file cannot be opened) and does not read streamOptimized
    // grains: our reader does, with files opened O_NOATIME.
    first.reset();
    std::optional<VmdkImage> vmdk;
    if (magic == "ova") {
      vmdk = OpenOvaImage(path);
      if (!vmdk) return std::nullopt;  // no disk: the archive opener reads it
    } else {
      vmdk = OpenVmdkImage(path, request.allow_backing);
    }
    holder->files = vmdk->files;
    for (const std::string& w : vmdk->warnings) {
      reader_warnings.push_back({"", w});
    }
    open_device(vmdk->device);
    format = magic;
  } else if (magic == "ewf") {
    // libewf reads the segments through handles we opened (O_NOATIME); its
    // refusal (a segment missing, a name without an .E01-style extension)
    // is reported, not read as raw.
    first.reset();
    LibyalImage ewf = OpenEwfImage(path);
    holder->files = ewf.files;
    open_device(ewf.device);
    format = "ewf";
  } else if (magic == "vhd" || magic == "vhdx") {
    std::optional<LibyalImage> vhd = OpenVhdImage(path, Title(magic), refusal);
    if (vhd) {
      first.reset();
      holder->files = vhd->files;
      open_device(vhd->device);
      format = magic;
    } else if (!open_raw(std::move(first))) {
      throw EvidenceError("evidence " + path + " is " + Title(magic) +
                          " image that cannot be opened (" + refusal + ")");
    }
  } else {
    first.reset();
    tsk_error_reset();
    holder->img = tsk_img_open_utf8_sing(path.c_str(), TSK_IMG_TYPE_DETECT, 0);
    if (!holder->img) {
      throw EvidenceError("evidence " + path + " is " + Title(magic) +
                          " image that cannot be opened (" + TskLastError() +
                          ")");
    }
  }
  TSK_IMG_INFO* img = holder->img;

  OpenedEvidence ev;
  ev.path = path;
  ev.kind = "disk-image";
  ev.format = format.empty() ? FormatOf(img->itype, magic) : format;
  ev.warnings = std::move(reader_warnings);
  ev.size = img->size > 0 ? static_cast<uint64_t>(img->size) : 0;
  const bool container = ev.format != "raw";
  // Every layer reads the image through TSK's image (and its cache).
  const std::shared_ptr<BlockDevice> image = TskImageDevice(img, holder);
  const uint64_t readable_end = ReadableEnd(img);
  if (readable_end < ev.size) {
    ev.warnings.push_back({"", "the image can be read only up to byte " +
                                   std::to_string(readable_end) + " of " +
                                   std::to_string(ev.size) +
                                   " (truncated, or a segment is missing); "
                                   "what lies beyond is not scanned"});
  }

  bool found = false;  // a partition table or a filesystem: this is an image
  holder->vs = OpenVolumeSystem(img, ev.warnings);
  if (holder->vs) {
    found = true;
    AddPartitions(holder, image, readable_end, request, ev);
  } else if (HasNonTskLayer(*image)) {
    found = true;  // a bare encrypted volume, LVM physical volume, APFS, XFS
    ExploreDevice(image, "", ChainHead(ev), request, ev);
  } else {
    FsAttempt fs = OpenFilesystem(img, 0);
    if (!fs.warning.empty()) ev.warnings.push_back({"", fs.warning});
    if (fs.fs && TSK_FS_TYPE_ISISO9660(fs.fs->ftype) && !container &&
        request.as_kind != "disk-image") {
      // A plain .iso: the archive opener reads its Rock Ridge and Joliet
      // names, which TSK does not.
      tsk_fs_close(fs.fs);
      return std::nullopt;
    }
    if (fs.fs) {
      found = true;
      const bool ntfs = IsNtfs(fs.fs);
      auto vfs = std::make_unique<TskVfs>(fs.fs, holder);
      CheckRoot(*vfs, "", ev.warnings);
      const std::string chain = ChainHead(ev) + " > " + vfs->fs_type();
      ev.volumes.push_back({"", chain, std::move(vfs), {}, {}, {}});
      if (ntfs && request.shadow_copies) {
        AddShadowCopies(image, "", chain, ev);
      }
    } else if ((holder->padded = OpenPadded(img))) {
      // TSK rejects a table whose first partitions start past the end of the
      // image, its guard against reading random bytes as a table. That is
      // also what a truncated acquisition looks like, so look again through
      // a view without the end; the table counts only if a partition inside
      // the real image then holds a filesystem.
      holder->vs = tsk_vs_open(holder->padded, 0, TSK_VS_TYPE_DETECT);
      tsk_error_reset();
      if (holder->vs) {
        AddPartitions(holder, image, readable_end, request, ev);
        found = !ev.volumes.empty();
      }
    }
  }

  if (!found) {
    // A raw file with neither table nor filesystem is not claimed: it is
    // just a file (a text file, a tar), and the next opener may know it.
    if (!magic.empty() && !container) {
      throw EvidenceError("evidence " + path + " starts like " + Title(magic) +
                          " image, but its library cannot open it" +
                          (refusal.empty() ? "" : " (" + refusal + ")") +
                          " and no partition table or filesystem shows "
                          "through; is it damaged or incomplete?");
    }
    if (!container) return std::nullopt;
    ev.volumes.clear();
    ev.warnings.push_back({"",
                           "no partition table or filesystem that The "
                           "Sleuth Kit reads was found in the image (" +
                               ev.format + ")"});
  }
  if (!magic.empty() && !container) {
    // libvhdi refused a file with its magic, but a table or a
    // filesystem shows through its bytes, as the data of a fixed VHD does.
    const std::string why = refusal.empty() ? "" : " (" + refusal + ")";
    ev.warnings.push_back({"", "the file starts like " + Title(magic) +
                                   " image but its library cannot open it" +
                                   why + "; read as a raw disk"});
  }
  if (request.hash) ev.sha256 = HashImageFiles(*holder, path, ev.warnings);
  return ev;
}

}  // namespace contraband
