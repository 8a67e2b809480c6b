#include "evidence/image/vmdk_image.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <optional>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "evidence/image/confined_path.h"
#include "formats/byte_reader.h"
#include "formats/parse_error.h"
#include "formats/tar_header.h"
#include "formats/vmdk.h"

namespace contraband {
namespace {

namespace fs = std::filesystem;

// Snapshot chains of VMware products are a few dozen deep at worst.
constexpr int kMaxParentDepth = 32;
// Grain tables kept in memory: enough for the metadata a scan walks.
constexpr size_t kMaxCachedGrainTables = 64;
// Members looked at in an OVA (a real one holds a handful).
constexpr int kMaxOvaMembers = 4096;

// The guest bytes one sparse extent maps: grain directory -> grain table ->
// grain; unallocated grains come from the parent (or read as zeros),
// compressed ones (streamOptimized) are inflated.
class SparseExtentDevice : public BlockDevice {
 public:
  SparseExtentDevice(std::shared_ptr<BlockDevice> file, std::string name,
                     const VmdkSparseHeader& h, std::vector<uint32_t> gd,
                     uint64_t size, std::shared_ptr<BlockDevice> parent)
      : file_(std::move(file)),
        name_(std::move(name)),
        h_(h),
        gd_(std::move(gd)),
        size_(size),
        parent_(std::move(parent)) {}

  uint64_t size() const override { return size_; }

  size_t ReadAt(void* buf, size_t len, uint64_t offset) override {
    if (offset >= size_) return 0;
    len = static_cast<size_t>(std::min<uint64_t>(len, size_ - offset));
    char* out = static_cast<char*>(buf);
    const uint64_t grain = h_.grain_bytes();
    size_t done = 0;
    while (done < len) {
      const uint64_t pos = offset + done;
      const uint64_t in = pos % grain;
      const size_t n =
          static_cast<size_t>(std::min<uint64_t>(len - done, grain - in));
      ReadInGrain(pos / grain, in, out + done, n, pos);
      done += n;
    }
    return done;
  }

 private:
  void ReadInGrain(uint64_t index, uint64_t in, char* out, size_t n,
                   uint64_t pos) {
    uint32_t entry = 0;
    try {
      entry = Locate(index);
    } catch (const ParseError& e) {
      throw Damaged(pos, e.what());
    }
    if (entry == 0) {  // unallocated: the parent's bytes, or zeros
      size_t got = 0;
      if (parent_) got = parent_->ReadAt(out, n, pos);
      std::memset(out + got, 0, n - got);
      return;
    }
    if (entry == 1) {  // a zeroed grain (VMware's "zero GTE")
      std::memset(out, 0, n);
      return;
    }
    const uint64_t at = uint64_t{entry} * 512;
    if (h_.compressed()) {
      Inflate(index, at, pos);
      std::memcpy(out, inflated_.data() + in, n);
      return;
    }
    if (file_->ReadAt(out, n, at + in) != n) {
      throw Damaged(pos,
                    "its grain lies past the end of the file "
                    "(truncated?)");
    }
  }

  // The grain table entry of grain `index`; 0 when its table is absent.
  uint32_t Locate(uint64_t index) {
    if (index * h_.grain_sectors >= h_.capacity) return 0;
    const uint64_t table = index / h_.gtes_per_gt;
    if (table >= gd_.size() || gd_[table] == 0) return 0;
    const std::vector<uint32_t>& gt = GrainTable(gd_[table]);
    return gt[index % h_.gtes_per_gt];
  }

  const std::vector<uint32_t>& GrainTable(uint32_t sector) {
    auto it = gt_cache_.find(sector);
    if (it != gt_cache_.end()) return it->second;
    std::string raw(uint64_t{h_.gtes_per_gt} * 4, '\0');
    if (file_->ReadAt(raw.data(), raw.size(), uint64_t{sector} * 512) !=
        raw.size()) {
      throw ParseError(
          "a grain table lies past the end of the file "
          "(truncated?)");
    }
    std::vector<uint32_t> gt(h_.gtes_per_gt);
    ByteReader r(raw);
    for (uint32_t& e : gt) e = r.le<uint32_t>("grain table entry");
    if (gt_cache_.size() >= kMaxCachedGrainTables) gt_cache_.clear();
    return gt_cache_.emplace(sector, std::move(gt)).first->second;
  }

  // Inflates the compressed grain at file offset `at` into inflated_ (the
  // last one is kept: a file's reads come grain after grain).
  void Inflate(uint64_t index, uint64_t at, uint64_t pos) {
    if (inflated_index_ == index) return;
    inflated_index_ = UINT64_MAX;
    const uint64_t grain = h_.grain_bytes();
    // zlib's worst case is a little over the input: this is ample.
    const uint64_t file_size = file_->size();
    uint64_t length = std::min<uint64_t>(2 * grain + 4096,
                                         file_size > at ? file_size - at : 0);
    if (h_.markers()) {
      VmdkGrainMarker m;
      try {
        m = ParseVmdkGrainMarker(ReadHead(*file_, at, 12));
      } catch (const ParseError& e) {
        throw Damaged(pos, e.what());
      }
      if (m.size > 2 * grain + 4096) {
        throw Damaged(pos, "its compressed grain claims " +
                               std::to_string(m.size) + " bytes");
      }
      length = m.size;
      at += 12;
    }
    std::string packed(static_cast<size_t>(length), '\0');
    packed.resize(file_->ReadAt(packed.data(), packed.size(), at));
    if (packed.empty() || (h_.markers() && packed.size() != length)) {
      throw Damaged(pos,
                    "its compressed grain lies past the end of the "
                    "file (truncated?)");
    }
    inflated_.assign(static_cast<size_t>(grain), '\0');
    z_stream z{};
    if (inflateInit(&z) != Z_OK) throw Damaged(pos, "zlib failed");
    z.next_in = reinterpret_cast<Bytef*>(packed.data());
    z.avail_in = static_cast<uInt>(packed.size());
    z.next_out = reinterpret_cast<Bytef*>(inflated_.data());
    z.avail_out = static_cast<uInt>(inflated_.size());
    const int rc = inflate(&z, Z_FINISH);
    const bool ended = rc == Z_STREAM_END;
    const bool full = z.avail_out == 0;
    inflateEnd(&z);
    // The last grain of a disk may hold less than a grain; the rest of the
    // buffer stays zero.
    if (!ended && !(full && (rc == Z_OK || rc == Z_BUF_ERROR))) {
      throw Damaged(pos, "its compressed grain does not inflate");
    }
    inflated_index_ = index;
  }

  EvidenceError Damaged(uint64_t pos, const std::string& why) const {
    return EvidenceError("cannot read byte " + std::to_string(pos) +
                         " of VMDK extent " + name_ + ": " + why);
  }

  std::shared_ptr<BlockDevice> file_;
  std::string name_;
  VmdkSparseHeader h_;
  std::vector<uint32_t> gd_;
  uint64_t size_;
  std::shared_ptr<BlockDevice> parent_;
  std::unordered_map<uint32_t, std::vector<uint32_t>> gt_cache_;
  std::string inflated_;
  uint64_t inflated_index_ = UINT64_MAX;
};

// The extents of a disk one after another; an extent whose file is shorter
// than the descriptor says (a flat file cut short) reads as zeros after it.
class ExtentsDevice : public BlockDevice {
 public:
  void Add(std::shared_ptr<BlockDevice> device, uint64_t size) {
    if (size == 0) return;
    parts_.push_back({std::move(device), size_, size});
    size_ += size;
  }
  uint64_t size() const override { return size_; }
  size_t ReadAt(void* buf, size_t len, uint64_t off) override {
    if (off >= size_) return 0;
    len = static_cast<size_t>(std::min<uint64_t>(len, size_ - off));
    char* out = static_cast<char*>(buf);
    size_t done = 0;
    while (done < len) {
      const uint64_t pos = off + done;
      auto it = std::upper_bound(
          parts_.begin(), parts_.end(), pos,
          [](uint64_t p, const Part& s) { return p < s.start; });
      const Part& part = *std::prev(it);
      const size_t want = static_cast<size_t>(
          std::min<uint64_t>(len - done, part.start + part.size - pos));
      size_t got = 0;
      if (part.device)
        got = part.device->ReadAt(out + done, want, pos - part.start);
      std::memset(out + done + got, 0, want - got);
      done += want;
    }
    return done;
  }

 private:
  struct Part {
    std::shared_ptr<BlockDevice> device;  ///< null: a ZERO extent
    uint64_t start = 0;
    uint64_t size = 0;
  };
  std::vector<Part> parts_;
  uint64_t size_ = 0;
};

// Extent files opened on demand, at most kMaxOpenExtents at a time (the
// least recently read is closed first): a split VMDK of a large disk has
// thousands of 2 GB extents, more than a process may hold open.
constexpr size_t kMaxOpenExtents = 64;

class ExtentFiles {
 public:
  /// Registers `path` (opened once now, so a missing or unreadable file is
  /// an error at once); returns its index and size.
  std::pair<size_t, uint64_t> Add(const std::string& path) {
    host::InputFile probe(path);  // throws EvidenceError naming it
    entries_.push_back({path, nullptr, 0});
    return {entries_.size() - 1, probe.size()};
  }
  host::InputFile& Get(size_t index) {
    Entry& e = entries_[index];
    e.last_use = ++clock_;
    if (e.file) return *e.file;
    if (open_ >= kMaxOpenExtents) {
      Entry* oldest = nullptr;
      for (Entry& o : entries_) {
        if (o.file && (!oldest || o.last_use < oldest->last_use)) oldest = &o;
      }
      oldest->file.reset();
      --open_;
    }
    e.file = std::make_unique<host::InputFile>(e.path);
    ++open_;
    return *e.file;
  }

 private:
  struct Entry {
    std::string path;
    std::unique_ptr<host::InputFile> file;  ///< read-only, O_NOATIME
    uint64_t last_use = 0;
  };
  std::vector<Entry> entries_;
  size_t open_ = 0;
  uint64_t clock_ = 0;
};

// One extent file of an ExtentFiles.
class ExtentFileDevice : public BlockDevice {
 public:
  ExtentFileDevice(std::shared_ptr<ExtentFiles> files, const std::string& path)
      : files_(std::move(files)) {
    std::tie(index_, size_) = files_->Add(path);
  }
  uint64_t size() const override { return size_; }
  size_t ReadAt(void* buf, size_t len, uint64_t offset) override {
    size_t done = 0;
    while (done < len) {
      const size_t n = files_->Get(index_).ReadAt(
          static_cast<char*>(buf) + done, len - done, offset + done);
      if (n == 0) break;
      done += n;
    }
    return done;
  }

 private:
  std::shared_ptr<ExtentFiles> files_;
  size_t index_ = 0;
  uint64_t size_ = 0;
};

// What one sparse extent file says of itself.
struct SparseFile {
  VmdkSparseHeader header;
  std::vector<uint32_t> gd;
  std::optional<VmdkDescriptor> descriptor;  ///< embedded, if any
};

// `want_descriptor`: an extent named by a descriptor file has no say in
// what the disk is, so its embedded descriptor (if any) is not read.
SparseFile ReadSparseFile(BlockDevice& file, bool want_descriptor) {
  SparseFile s;
  const uint64_t size = file.size();
  s.header = ParseVmdkSparseHeader(ReadHead(file, 0, 512), size);
  VmdkSparseHeader& h = s.header;
  if (want_descriptor && h.descriptor_offset != 0 &&
      h.descriptor_sectors != 0) {
    const std::string text =
        ReadHead(file, h.descriptor_offset * 512,
                 static_cast<size_t>(h.descriptor_sectors * 512));
    // qemu reserves the area in the parts of a split disk, left empty.
    if (text.find_first_not_of(std::string_view("\0 \n\r\t", 5)) !=
        std::string::npos) {
      s.descriptor = ParseVmdkDescriptor(text);
    }
  }
  if (h.gd_offset == kVmdkGdAtEnd) {
    // A stream: the footer (a copy of the header with the directory's
    // place) is the second-to-last sector, before the end-of-stream marker.
    if (size < 1536 + 512) {
      throw ParseError("the stream is too short to hold its footer");
    }
    const std::string footer = ReadHead(file, size - 1024, 512);
    if (footer.substr(0, 4) != kVmdkSparseMagic) {
      throw ParseError(
          "the stream has no footer where its grain directory "
          "is named (cut short while it was written or "
          "copied?)");
    }
    const VmdkSparseHeader f = ParseVmdkSparseHeader(footer, size);
    if (f.gd_offset == kVmdkGdAtEnd || f.capacity != h.capacity ||
        f.grain_sectors != h.grain_sectors || f.gtes_per_gt != h.gtes_per_gt) {
      throw ParseError("the stream's footer does not match its header");
    }
    h.gd_offset = f.gd_offset;
  }
  std::string raw(static_cast<size_t>(h.gd_entries * 4), '\0');
  if (file.ReadAt(raw.data(), raw.size(), h.gd_offset * 512) != raw.size()) {
    throw ParseError("the grain directory is cut short");
  }
  ByteReader r(raw);
  s.gd.resize(static_cast<size_t>(h.gd_entries));
  for (uint32_t& e : s.gd) e = r.le<uint32_t>("grain directory entry");
  return s;
}

// Opens descriptors, extents and parents of one image, confined.
class Opener {
 public:
  Opener(const std::string& path, const std::vector<std::string>& allowed)
      : allowed_(AllowedImageDirs(path, allowed)) {}

  // The guest disk of the VMDK at `path` (its file already in image.files).
  std::shared_ptr<BlockDevice> OpenDisk(const std::string& path, int depth) {
    auto file = std::make_shared<FileBlockDevice>(path);
    const std::string head = ReadHead(*file, 0, 512);
    const std::string title = "VMDK image " + path;
    VmdkDescriptor d;
    std::shared_ptr<BlockDevice> self_extent;
    std::optional<SparseFile> self;
    try {
      if (head.substr(0, 4) == kVmdkSparseMagic ||
          head.substr(0, 4) == kVmdkCowdMagic) {
        self = ReadSparseFile(*file, true);
        if (self->descriptor) {
          d = *self->descriptor;
        } else {
          VmdkExtent e;
          e.sectors = self->header.capacity;
          d.extents.push_back(e);
          if (depth == 0) {
            image.warnings.push_back(
                "the file holds no descriptor: read as one extent of " +
                std::to_string(self->header.capacity * 512) +
                " bytes; if it is one part of a split VMDK, scan the "
                "descriptor file instead");
          }
        }
      } else {
        if (file->size() > kMaxVmdkDescriptorBytes) {
          throw ParseError("a descriptor file larger than 1 MiB");
        }
        d = ParseVmdkDescriptor(
            ReadHead(*file, 0, static_cast<size_t>(file->size())));
      }
    } catch (const ParseError& e) {
      throw EvidenceError(title + " cannot be read: " + e.what());
    }
    if (depth == 0) image.create_type = d.create_type;
    if (self && d.extents.size() != 1) {
      throw EvidenceError(title + " embeds a descriptor of " +
                          std::to_string(d.extents.size()) +
                          " extents; contraband reads a sparse file as its "
                          "own single extent only");
    }
    if (self && d.extents[0].type != VmdkExtent::Type::kSparse) {
      throw EvidenceError(title +
                          " embeds a descriptor whose extent is not "
                          "sparse");
    }

    std::shared_ptr<BlockDevice> parent;
    const size_t parent_files = image.files.size();
    if (d.parent_cid != 0xffffffff && d.parent_hint.empty()) {
      throw EvidenceError(title + " is a snapshot (parentCID " +
                          std::to_string(d.parent_cid) +
                          ") that does not name its parent "
                          "(parentFileNameHint)");
    }
    if (d.has_parent()) {
      if (depth >= kMaxParentDepth) {
        throw EvidenceError(title + " is more than " +
                            std::to_string(kMaxParentDepth) +
                            " snapshots deep; a loop?");
      }
      chain_.push_back(path);
      const fs::path real =
          ConfinedPath(path, d.parent_hint, allowed_, chain_, title, "parent");
      image.files.push_back(real.string());
      parent = OpenDisk(real.string(), depth + 1);
    }

    auto disk = std::make_shared<ExtentsDevice>();
    const size_t extent_files = image.files.size();
    uint64_t start = 0;
    for (const VmdkExtent& e : d.extents) {
      const uint64_t bytes = e.sectors * 512;
      std::shared_ptr<BlockDevice> parent_part =
          parent ? SliceDevice(parent, start, bytes) : nullptr;
      if (e.no_access || e.type == VmdkExtent::Type::kZero) {
        disk->Add(nullptr, bytes);  // reads as zeros
      } else if (self) {
        disk->Add(std::make_shared<SparseExtentDevice>(file, path, self->header,
                                                       std::move(self->gd),
                                                       bytes, parent_part),
                  bytes);
      } else {
        // No loop to fear among extents (and a descriptor of thousands of
        // them must not be compared with each other): an empty chain.
        const fs::path real =
            ConfinedPath(path, e.file, allowed_, {}, title, "extent file");
        image.files.push_back(real.string());
        disk->Add(OpenExtent(real.string(), e, parent_part), bytes);
      }
      start += bytes;
    }
    // --hash reads the files in order: this disk's extents before its
    // parent's files.
    std::rotate(image.files.begin() + static_cast<std::ptrdiff_t>(parent_files),
                image.files.begin() + static_cast<std::ptrdiff_t>(extent_files),
                image.files.end());
    return disk;
  }

  VmdkImage image;

 private:
  std::shared_ptr<BlockDevice> OpenExtent(const std::string& path,
                                          const VmdkExtent& e,
                                          std::shared_ptr<BlockDevice> parent) {
    auto file = std::make_shared<ExtentFileDevice>(extent_files_, path);
    const uint64_t bytes = e.sectors * 512;
    if (e.type == VmdkExtent::Type::kFlat) {
      const uint64_t offset = e.file_offset * 512;
      if (file->size() < offset || file->size() - offset < bytes) {
        image.warnings.push_back("extent file " + path +
                                 " is shorter than its descriptor says "
                                 "(truncated?); what is missing reads as "
                                 "zeros");
      }
      return SliceDevice(file, offset, bytes);
    }
    try {
      SparseFile s = ReadSparseFile(*file, false);
      return std::make_shared<SparseExtentDevice>(
          file, path, s.header, std::move(s.gd), bytes, std::move(parent));
    } catch (const ParseError& err) {
      throw EvidenceError("VMDK extent " + path +
                          " cannot be read: " + err.what());
    }
  }

  std::vector<fs::path> allowed_;
  std::vector<std::string> chain_;  ///< the snapshots above, for loops
  std::shared_ptr<ExtentFiles> extent_files_ = std::make_shared<ExtentFiles>();
};

struct OvaMember {
  std::string name;
  uint64_t offset = 0;  ///< of its data in the tar
  uint64_t size = 0;
};

bool EndsWithNoCase(const std::string& s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i) {
    const char c = s[s.size() - suffix.size() + i];
    if (std::tolower(static_cast<unsigned char>(c)) != suffix[i]) return false;
  }
  return true;
}

// The regular members of the tar, in order (bounded).
std::vector<OvaMember> ListTar(BlockDevice& file, int max_members) {
  std::vector<OvaMember> out;
  uint64_t at = 0;
  std::string long_name;
  const uint64_t size = file.size();
  for (int i = 0; i < max_members && at + 512 <= size; ++i) {
    const TarHeader h = ParseTarHeader(ReadHead(file, at, 512));
    if (h.end) break;
    const uint64_t data = at + 512;
    if (h.size > size - data) {
      throw ParseError("tar member " + h.name +
                       " runs past the end of the "
                       "file (truncated?)");
    }
    if (h.type == 'L' || h.type == 'x') {
      if (h.size > 65536) throw ParseError("a tar long name over 64 KiB");
      const std::string text =
          ReadHead(file, data, static_cast<size_t>(h.size));
      long_name =
          h.type == 'L' ? text.substr(0, text.find('\0')) : PaxPath(text);
    } else {
      if (h.type == '0' || h.type == '7') {
        out.push_back({long_name.empty() ? h.name : long_name, data, h.size});
      }
      long_name.clear();
    }
    at = data + (h.size + 511) / 512 * 512;
  }
  return out;
}

}  // namespace

VmdkImage OpenVmdkImage(const std::string& path,
                        const std::vector<std::string>& allowed_backing_dirs) {
  Opener opener(path, allowed_backing_dirs);
  opener.image.files.push_back(path);
  opener.image.device = opener.OpenDisk(path, 0);
  return std::move(opener.image);
}

std::optional<VmdkImage> OpenOvaImage(const std::string& path) {
  auto file = std::make_shared<FileBlockDevice>(path);
  VmdkImage image;
  image.files.push_back(path);
  std::vector<OvaMember> disks;
  try {
    for (OvaMember& m : ListTar(*file, kMaxOvaMembers)) {
      if (EndsWithNoCase(m.name, ".vmdk")) disks.push_back(std::move(m));
    }
  } catch (const ParseError& e) {
    throw EvidenceError("OVA " + path + " cannot be read: " + e.what());
  }
  if (disks.empty()) return std::nullopt;
  for (size_t i = 1; i < disks.size(); ++i) {
    image.warnings.push_back("the OVA's disk " + disks[i].name +
                             " is not scanned (only the first disk, " +
                             disks[0].name + ", is)");
  }
  const OvaMember& m = disks[0];
  const std::string title = "OVA " + path + " disk " + m.name;
  std::shared_ptr<BlockDevice> member = SliceDevice(file, m.offset, m.size);
  SparseFile s;
  try {
    const std::string magic = ReadHead(*member, 0, 4);
    if (magic.substr(0, 2) == "\x1f\x8b") {
      throw ParseError(
          "it is gzip-compressed (the OVF's ovf:compression); "
          "extract it, gunzip it and scan the VMDK");
    }
    if (magic != kVmdkSparseMagic) {
      throw ParseError(
          "it is not a sparse or streamOptimized VMDK (the "
          "only kinds read inside an OVA; extract it and scan "
          "its descriptor)");
    }
    s = ReadSparseFile(*member, true);
  } catch (const ParseError& e) {
    throw EvidenceError(title + " cannot be read: " + e.what());
  }
  uint64_t bytes = s.header.capacity * 512;
  if (s.descriptor) {
    const VmdkDescriptor& d = *s.descriptor;
    image.create_type = d.create_type;
    if (d.extents.size() != 1 || d.has_parent() || d.parent_cid != 0xffffffff) {
      throw EvidenceError(title +
                          " names other files (extents or a "
                          "parent); extract the OVA and scan the VMDK");
    }
    bytes = d.extents[0].sectors * 512;
  }
  image.device = std::make_shared<SparseExtentDevice>(
      member, m.name, s.header, std::move(s.gd), bytes, nullptr);
  return image;
}

}  // namespace contraband
