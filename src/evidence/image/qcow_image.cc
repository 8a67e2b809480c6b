#include "evidence/image/qcow_image.h"

#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <unordered_map>

#include "evidence/image/confined_path.h"
#include "formats/byte_reader.h"
#include "formats/parse_error.h"
#include "formats/qcow2.h"

namespace contraband {
namespace {

namespace fs = std::filesystem;

// qemu follows backing chains of any length; real ones are a handful deep.
constexpr int kMaxBackingDepth = 16;
// L2 tables kept in memory (each one cluster): enough for the metadata a
// scan walks, bounded whatever the image.
constexpr size_t kMaxCachedL2Tables = 64;

// The guest disk of one QCOW2 file: unallocated clusters come from the
// backing device (or read as zeros), compressed ones are inflated.
class Qcow2Device : public BlockDevice {
 public:
  Qcow2Device(std::shared_ptr<FileBlockDevice> file, const Qcow2Header& h,
              std::vector<uint64_t> l1, std::shared_ptr<BlockDevice> backing)
      : file_(std::move(file)),
        h_(h),
        l1_(std::move(l1)),
        backing_(std::move(backing)) {}

  uint64_t size() const override { return h_.size; }

  size_t ReadAt(void* buf, size_t len, uint64_t offset) override {
    if (offset >= h_.size) return 0;
    len = static_cast<size_t>(std::min<uint64_t>(len, h_.size - offset));
    char* out = static_cast<char*>(buf);
    size_t done = 0;
    while (done < len) {
      const uint64_t pos = offset + done;
      const uint64_t in = pos & (h_.cluster_size() - 1);
      const size_t n = static_cast<size_t>(
          std::min<uint64_t>(len - done, h_.cluster_size() - in));
      ReadInCluster(pos >> h_.cluster_bits, in, out + done, n, pos);
      done += n;
    }
    return done;
  }

 private:
  void ReadInCluster(uint64_t index, uint64_t in, char* out, size_t n,
                     uint64_t guest_offset) {
    Qcow2Cluster c;
    try {
      c = Locate(index);
    } catch (const ParseError& e) {
      throw Damaged(guest_offset, e.what());
    }
    switch (c.kind) {
      case Qcow2Cluster::Kind::kZero:
        std::memset(out, 0, n);
        return;
      case Qcow2Cluster::Kind::kUnallocated:
        FromBacking(out, n, guest_offset);
        return;
      case Qcow2Cluster::Kind::kNormal:
        if (file_->ReadAt(out, n, c.offset + in) != n) {
          throw Damaged(guest_offset, "its data cluster lies past the end of "
                                      "the file (truncated?)");
        }
        return;
      case Qcow2Cluster::Kind::kCompressed:
        Inflate(index, c, guest_offset);
        std::memcpy(out, inflated_.data() + in, n);
        return;
    }
  }

  Qcow2Cluster Locate(uint64_t index) {
    const uint64_t l1_index = index / h_.l2_entries();
    if (l1_index >= l1_.size()) return {};
    const uint64_t l2_offset = DecodeQcow2L1Entry(l1_[l1_index], h_);
    if (l2_offset == 0) return {};
    const std::vector<uint64_t>& l2 = L2Table(l2_offset);
    return DecodeQcow2L2Entry(l2[index % h_.l2_entries()], h_);
  }

  const std::vector<uint64_t>& L2Table(uint64_t offset) {
    auto it = l2_cache_.find(offset);
    if (it != l2_cache_.end()) return it->second;
    std::string raw(static_cast<size_t>(h_.cluster_size()), '\0');
    if (file_->ReadAt(raw.data(), raw.size(), offset) != raw.size()) {
      throw ParseError("an L2 table lies past the end of the file "
                       "(truncated?)");
    }
    std::vector<uint64_t> table(h_.l2_entries());
    ByteReader r(raw);
    for (uint64_t& e : table) e = r.be<uint64_t>("L2 entry");
    if (l2_cache_.size() >= kMaxCachedL2Tables) l2_cache_.clear();
    return l2_cache_.emplace(offset, std::move(table)).first->second;
  }

  void FromBacking(char* out, size_t n, uint64_t guest_offset) {
    size_t got = 0;
    if (backing_) got = backing_->ReadAt(out, n, guest_offset);
    // A backing file smaller than the overlay reads as zeros beyond its end,
    // as in qemu.
    std::memset(out + got, 0, n - got);
  }

  // Inflates compressed cluster `index` into inflated_ (the last one is
  // kept: a file's reads come cluster after cluster).
  void Inflate(uint64_t index, const Qcow2Cluster& c, uint64_t guest_offset) {
    if (inflated_index_ == index) return;
    inflated_index_ = UINT64_MAX;
    std::string packed(static_cast<size_t>(c.length), '\0');
    const size_t got = file_->ReadAt(packed.data(), packed.size(), c.offset);
    // The last compressed cluster may end before its last sector does.
    packed.resize(got);
    if (packed.empty()) {
      throw Damaged(guest_offset, "its compressed cluster lies past the end "
                                  "of the file (truncated?)");
    }
    inflated_.assign(static_cast<size_t>(h_.cluster_size()), '\0');
    const bool ok = h_.compression_type == 1 ? Zstd(packed) : Deflate(packed);
    if (!ok) {
      throw Damaged(guest_offset, "its compressed cluster does not "
                                  "decompress to a whole cluster");
    }
    inflated_index_ = index;
  }

  // qemu writes raw deflate streams; the output must fill the cluster.
  bool Deflate(const std::string& packed) {
    z_stream z{};
    if (inflateInit2(&z, -15) != Z_OK) return false;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(packed.data()));
    z.avail_in = static_cast<uInt>(packed.size());
    z.next_out = reinterpret_cast<Bytef*>(inflated_.data());
    z.avail_out = static_cast<uInt>(inflated_.size());
    const int rc = inflate(&z, Z_FINISH);
    const bool full = z.avail_out == 0;
    inflateEnd(&z);
    return full && (rc == Z_STREAM_END || rc == Z_OK || rc == Z_BUF_ERROR);
  }

  bool Zstd(const std::string& packed) {
    ZSTD_DCtx* ctx = ZSTD_createDCtx();
    if (!ctx) return false;
    ZSTD_inBuffer in{packed.data(), packed.size(), 0};
    ZSTD_outBuffer out{inflated_.data(), inflated_.size(), 0};
    bool ok = true;
    while (out.pos < out.size) {
      const size_t rc = ZSTD_decompressStream(ctx, &out, &in);
      if (ZSTD_isError(rc)) {
        ok = false;
        break;
      }
      if (rc == 0 || in.pos == in.size) break;
    }
    ZSTD_freeDCtx(ctx);
    return ok && out.pos == out.size;
  }

  EvidenceError Damaged(uint64_t guest_offset, const std::string& why) const {
    return EvidenceError("cannot read byte " + std::to_string(guest_offset) +
                         " of QCOW image " + file_->path() + ": " + why);
  }

  std::shared_ptr<FileBlockDevice> file_;
  Qcow2Header h_;
  std::vector<uint64_t> l1_;
  std::shared_ptr<BlockDevice> backing_;
  std::unordered_map<uint64_t, std::vector<uint64_t>> l2_cache_;
  std::string inflated_;
  uint64_t inflated_index_ = UINT64_MAX;
};

// Where the backing file named `name` in image `path` is, once allowed.
fs::path BackingPath(const std::string& path, const std::string& name,
                     const std::vector<fs::path>& allowed,
                     const std::vector<std::string>& chain) {
  if (name.find(':') != std::string::npos && name.find('/') != 0) {
    throw EvidenceError("QCOW image " + path + " has backing file \"" + name +
                        "\", which is not a file (a qemu protocol); scan a "
                        "flattened copy made with qemu-img convert");
  }
  return ConfinedPath(path, name, allowed, chain, "QCOW image " + path,
                      "backing file");
}

std::shared_ptr<BlockDevice> OpenChain(const std::string& path,
                                       const std::vector<fs::path>& allowed,
                                       QcowImage& image) {
  auto file = std::make_shared<FileBlockDevice>(path);
  image.files.push_back(path);
  Qcow2Header h;
  std::vector<uint64_t> l1;
  std::string name;
  try {
    h = ParseQcow2Header(ReadHead(*file, 0, 112), file->size());
    std::string raw(uint64_t{h.l1_size} * 8, '\0');
    if (file->ReadAt(raw.data(), raw.size(), h.l1_table_offset) != raw.size()) {
      throw ParseError("the L1 table is cut short");
    }
    ByteReader r(raw);
    l1.resize(h.l1_size);
    for (uint64_t& e : l1) e = r.be<uint64_t>("L1 entry");
    if (h.backing_file_offset != 0) {
      name = ReadHead(*file, h.backing_file_offset, h.backing_file_size);
    }
  } catch (const ParseError& e) {
    throw EvidenceError("QCOW image " + path + " cannot be read: " + e.what());
  }
  if (image.files.size() == 1) {
    image.version = h.version;
    if (h.incompatible_features & kQcowCorrupt) {
      image.warnings.push_back(
          "qemu marked the image corrupt; what can be read is scanned");
    } else if (h.incompatible_features & kQcowDirty) {
      image.warnings.push_back(
          "the image was not closed cleanly (qemu's dirty flag); its data is "
          "read as it is");
    }
  }
  std::shared_ptr<BlockDevice> backing;
  if (!name.empty()) {
    if (image.files.size() > kMaxBackingDepth) {
      throw EvidenceError("QCOW image " + path + " is more than " +
                          std::to_string(kMaxBackingDepth) +
                          " backing files deep; a loop?");
    }
    const fs::path real = BackingPath(path, name, allowed, image.files);
    // A backing file is QCOW2 or raw (qemu-img create -F raw).
    FileBlockDevice probe(real.string());
    if (ReadHead(probe, 0, 4) == kQcowMagic) {
      backing = OpenChain(real.string(), allowed, image);
    } else {
      image.files.push_back(real.string());
      backing = std::make_shared<FileBlockDevice>(real.string());
    }
  }
  return std::make_shared<Qcow2Device>(file, h, std::move(l1),
                                       std::move(backing));
}

}  // namespace

QcowImage OpenQcowImage(const std::string& path,
                        const std::vector<std::string>& allowed_backing_dirs) {
  const std::vector<fs::path> allowed =
      AllowedImageDirs(path, allowed_backing_dirs);
  QcowImage out;
  out.device = OpenChain(path, allowed, out);
  return out;
}

}  // namespace contraband
