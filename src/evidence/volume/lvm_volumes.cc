#include "evidence/volume/lvm_volumes.h"

#define HAVE_LIBBFIO 1  // declares libvslvm's libbfio entry points
#include <libvslvm.h>

#include "evidence/libyal_io.h"
#include "formats/byte_reader.h"
#include "formats/parse_error.h"

namespace contraband {
namespace {

std::string Error(libvslvm_error_t*& error) {
  return TakeYalError(error, &libvslvm_error_sprint, &libvslvm_error_free);
}

// Everything libvslvm needs alive while any logical volume is read; freed in
// reverse order of creation.
struct LvmState {
  libvslvm_handle_t* handle = nullptr;
  libbfio_pool_t* pool = nullptr;
  BfioHandle metadata_io;
  libvslvm_volume_group_t* group = nullptr;
  std::vector<libvslvm_logical_volume_t*> volumes;
  ~LvmState() {
    for (libvslvm_logical_volume_t* lv : volumes)
      libvslvm_logical_volume_free(&lv, nullptr);
    if (group) libvslvm_volume_group_free(&group, nullptr);
    if (handle) {
      libvslvm_handle_close(handle, nullptr);
      libvslvm_handle_free(&handle, nullptr);
    }
    if (pool) libbfio_pool_free(&pool, nullptr);  // frees its handles
  }
};

// LVM names are [a-zA-Z0-9+_.-]; anything else from a hostile image is
// replaced so names stay printable and cannot contain ':' or '/'.
std::string CleanName(const char* raw) {
  std::string out;
  for (const char* p = raw; *p && out.size() < 128; ++p) {
    const char c = *p;
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '+' || c == '_' ||
                    c == '.' || c == '-';
    out += ok ? c : '_';
  }
  return out.empty() ? "_" : out;
}

// libvslvm 20181227 allocates whatever the on-disk sizes claim (a damaged
// label asked it for 425 GB; fuzz_disk_image): the label, the physical
// volume header and the metadata area headers are checked here first
// (LVM2's on-disk layout: lib/format_text/layout.h), so that every size it
// will trust is bounded by the device and by what LVM itself writes.
constexpr uint64_t kMaxMetadataArea = 256ull << 20;
constexpr uint64_t kMaxMetadataText = 64ull << 20;
constexpr int kMaxAreas = 16;

void CheckMetadataBounds(BlockDevice& pv) {
  const uint64_t device = pv.size();
  const std::string head = ReadHead(pv, 0, 2048);
  size_t label = std::string::npos;
  for (size_t sector = 0; sector + 32 <= head.size(); sector += 512) {
    if (head.compare(sector, 8, "LABELONE") == 0) {
      label = sector;
      break;
    }
  }
  if (label == std::string::npos) throw ParseError("no LVM2 label");
  ByteReader r(head);
  r.seek(label + 20, "label header");
  const uint32_t pv_header = r.le<uint32_t>("PV header offset");
  if (pv_header < 32 || label + pv_header >= 2048) {
    throw ParseError("the PV header lies outside the label's sector");
  }
  const std::string sector = ReadHead(pv, label, 512);
  ByteReader h(sector);
  h.seek(pv_header, "PV header");
  h.skip(32 + 8, "PV uuid and size");
  // Two lists of {offset, size} ended by a zero entry: data areas, then
  // metadata areas.
  for (int list = 0; list < 2; ++list) {
    for (int i = 0;; ++i) {
      if (i > kMaxAreas) throw ParseError("too many areas in the PV header");
      const uint64_t offset = h.le<uint64_t>("area offset");
      const uint64_t size = h.le<uint64_t>("area size");
      if (offset == 0 && size == 0) break;
      if (offset > device || size > device - offset) {
        throw ParseError("an area lies past the end of the physical volume");
      }
      if (list == 0) continue;
      if (size > kMaxMetadataArea) {
        throw ParseError("a metadata area claims " + std::to_string(size) +
                         " bytes");
      }
      const std::string mda = ReadHead(pv, offset, 512);
      ByteReader m(mda);
      m.skip(4 + 16 + 4, "metadata area header");
      const uint64_t start = m.le<uint64_t>("metadata area start");
      const uint64_t area = m.le<uint64_t>("metadata area size");
      if (start != offset || area > size) {
        throw ParseError("a metadata area header disagrees with the PV "
                         "header");
      }
      for (int j = 0; j < kMaxAreas; ++j) {
        const uint64_t text_offset = m.le<uint64_t>("metadata offset");
        const uint64_t text_size = m.le<uint64_t>("metadata size");
        m.skip(8, "metadata checksum and flags");
        if (text_offset == 0 && text_size == 0) break;
        if (text_offset > area || text_size > area ||
            text_size > kMaxMetadataText) {
          throw ParseError("the metadata text claims " +
                           std::to_string(text_size) + " bytes at " +
                           std::to_string(text_offset) + " of a " +
                           std::to_string(area) + "-byte area");
        }
      }
    }
  }
}

}  // namespace

bool LooksLikeLvmPhysicalVolume(BlockDevice& dev) {
  const std::string head = ReadHead(dev, 0, 2048);
  for (size_t sector = 0; sector + 32 <= head.size(); sector += 512) {
    if (head.compare(sector, 8, "LABELONE") == 0 &&
        head.compare(sector + 24, 8, "LVM2 001") == 0) {
      return true;
    }
  }
  return false;
}

LvmVolumeGroup OpenLvmVolumeGroup(std::shared_ptr<BlockDevice> pv) {
  try {
    CheckMetadataBounds(*pv);
  } catch (const ParseError& e) {
    throw EvidenceError(std::string("its LVM label or metadata area is "
                                    "damaged (") + e.what() + ")");
  }
  auto state = std::make_shared<LvmState>();
  libvslvm_error_t* error = nullptr;
  if (libvslvm_handle_initialize(&state->handle, &error) != 1) {
    throw EvidenceError("libvslvm: " + Error(error));
  }
  state->metadata_io = MakeBfioHandle(pv);
  if (libvslvm_handle_open_file_io_handle(state->handle,
                                          state->metadata_io.get(),
                                          LIBVSLVM_OPEN_READ, &error) != 1) {
    throw EvidenceError("the LVM metadata cannot be read (" + Error(error) +
                        ")");
  }
  // The data of the logical volumes is read through a pool of physical
  // volumes; this one is the only one we have.
  libbfio_error_t* bfio_error = nullptr;
  int entry = 0;
  BfioHandle data_io = MakeBfioHandle(pv);
  if (libbfio_pool_initialize(&state->pool, 0, 0, &bfio_error) != 1 ||
      libbfio_pool_append_handle(state->pool, &entry, data_io.get(),
                                 LIBBFIO_OPEN_READ, &bfio_error) != 1) {
    throw EvidenceError(
        "cannot set up the LVM reader: " +
        TakeYalError(bfio_error, &libbfio_error_sprint, &libbfio_error_free));
  }
  data_io.release();  // the pool owns it now
  if (libvslvm_handle_open_physical_volume_files_file_io_pool(
          state->handle, state->pool, &error) != 1) {
    throw EvidenceError("the LVM physical volume cannot be opened (" +
                        Error(error) + ")");
  }
  if (libvslvm_handle_get_volume_group(state->handle, &state->group, &error) !=
      1) {
    throw EvidenceError("the LVM volume group cannot be read (" +
                        Error(error) + ")");
  }
  LvmVolumeGroup out;
  char name[256] = {};
  if (libvslvm_volume_group_get_name(state->group, name, sizeof name,
                                     &error) != 1) {
    throw EvidenceError("the LVM volume group has no readable name (" +
                        Error(error) + ")");
  }
  out.name = CleanName(name);
  int pvs = 0;
  if (libvslvm_volume_group_get_number_of_physical_volumes(state->group, &pvs,
                                                          &error) == 1 &&
      pvs > 1) {
    out.warnings.push_back(
        "volume group " + out.name + " spans " + std::to_string(pvs) +
        " physical volumes; only this one is read, so logical volumes with "
        "extents elsewhere may read as damaged");
  } else if (error) {
    Error(error);
  }
  int count = 0;
  if (libvslvm_volume_group_get_number_of_logical_volumes(state->group, &count,
                                                         &error) != 1) {
    throw EvidenceError("the LVM volume group " + out.name +
                        " lists no logical volumes (" + Error(error) + ")");
  }
  constexpr int kMaxLogicalVolumes = 1024;  // a hostile table's bound
  if (count > kMaxLogicalVolumes) {
    out.warnings.push_back("volume group " + out.name + " claims " +
                           std::to_string(count) + " logical volumes; only the "
                           "first " + std::to_string(kMaxLogicalVolumes) +
                           " are read");
    count = kMaxLogicalVolumes;
  }
  for (int i = 0; i < count; ++i) {
    libvslvm_logical_volume_t* lv = nullptr;
    if (libvslvm_volume_group_get_logical_volume(state->group, i, &lv,
                                                 &error) != 1) {
      out.warnings.push_back("logical volume " + std::to_string(i + 1) +
                             " of " + out.name + " cannot be opened (" +
                             Error(error) + ")");
      continue;
    }
    state->volumes.push_back(lv);
    char lv_name[256] = {};
    size64_t size = 0;
    if (libvslvm_logical_volume_get_name(lv, lv_name, sizeof lv_name,
                                         &error) != 1 ||
        libvslvm_logical_volume_get_size(lv, &size, &error) != 1) {
      out.warnings.push_back("logical volume " + std::to_string(i + 1) +
                             " of " + out.name + " cannot be read (" +
                             Error(error) + ")");
      continue;
    }
    const std::string full = out.name + "/" + CleanName(lv_name);
    out.volumes.push_back(
        {full, LibyalDevice(size, lv,
                            &libvslvm_logical_volume_read_buffer_at_offset,
                            &libvslvm_error_sprint, &libvslvm_error_free, state,
                            "logical volume " + full)});
  }
  return out;
}

}  // namespace contraband
