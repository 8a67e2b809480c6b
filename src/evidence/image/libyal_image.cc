#include "evidence/image/libyal_image.h"

#define LIBEWF_HAVE_BFIO 1
#define LIBVHDI_HAVE_BFIO 1
#include <libewf.h>
#include <libvhdi.h>

#include "evidence/image/ewf_image.h"
#include "evidence/libyal_io.h"

namespace contraband {
namespace {

std::string EwfError(libewf_error_t*& error) {
  return TakeYalError(error, &libewf_error_sprint, &libewf_error_free);
}
std::string VhdiError(libvhdi_error_t*& error) {
  return TakeYalError(error, &libvhdi_error_sprint, &libvhdi_error_free);
}

// Owns an open libewf handle and the pool of segment handles it reads.
struct EwfHolder {
  libewf_handle_t* handle = nullptr;
  libbfio_pool_t* pool = nullptr;
  bool open = false;
  ~EwfHolder() {
    if (open) libewf_handle_close(handle, nullptr);
    if (handle) libewf_handle_free(&handle, nullptr);
    if (pool) libbfio_pool_free(&pool, nullptr);  // and its handles
  }
};

struct VhdiHolder {
  libvhdi_file_t* file = nullptr;
  BfioHandle io;
  bool open = false;
  ~VhdiHolder() {
    if (open) libvhdi_file_close(file, nullptr);
    if (file) libvhdi_file_free(&file, nullptr);
  }
};

}  // namespace

LibyalImage OpenEwfImage(const std::string& path) {
  const std::string title = "evidence " + path + " is an E01 (EWF) image";
  const std::string advice =
      "; check that it keeps its original name and that all its segment "
      "files are beside it";
  LibyalImage out;
  // libewf's glob only names the segments (.E01, .E02, ... beside the
  // first); each is opened here, never by libewf.
  char** names = nullptr;
  int count = 0;
  libewf_error_t* error = nullptr;
  if (libewf_glob(path.c_str(), path.size(), LIBEWF_FORMAT_UNKNOWN, &names,
                  &count, &error) != 1) {
    throw EvidenceError(title + " whose segments cannot be found (" +
                        EwfError(error) + ")" + advice);
  }
  for (int i = 0; i < count; ++i) out.files.emplace_back(names[i]);
  libewf_glob_free(names, count, nullptr);
  // The glob stops at the first missing segment, and libewf 20140813 then
  // reads what it has without a word. An EWF1 segment ends with a "next"
  // section when another follows it, "done" in the last one.
  if (!out.files.empty()) {
    FileBlockDevice last(out.files.back());
    const std::string head = ReadHead(last, 0, 4);
    if (last.size() >= 76 && head == "EVF\x09" &&
        ReadHead(last, last.size() - 76, 5) == std::string_view("next\0", 5)) {
      throw EvidenceError(title + " whose segment after " + out.files.back() +
                          " is missing (" + std::to_string(out.files.size()) +
                          " found)" + advice);
    }
  }

  // EWF-E01 is read by our own reader (evidence/image/ewf_image.h says
  // why); libewf reads what it refuses: Ex01, L01, layouts it cannot walk.
  std::string refusal;
  out.device = OpenEwfMedia(out.files, refusal);
  if (out.device) return out;

  auto holder = std::make_shared<EwfHolder>();
  libbfio_error_t* bfio_error = nullptr;
  if (libbfio_pool_initialize(&holder->pool, 0, 0, &bfio_error) != 1) {
    throw EvidenceError(
        title + " that cannot be read (" +
        TakeYalError(bfio_error, &libbfio_error_sprint, &libbfio_error_free) +
        ")");
  }
  for (const std::string& name : out.files) {
    BfioHandle handle = MakeBfioHandle(std::make_shared<FileBlockDevice>(name));
    int entry = 0;
    if (libbfio_pool_append_handle(holder->pool, &entry, handle.get(),
                                   LIBBFIO_OPEN_READ, &bfio_error) != 1) {
      throw EvidenceError(
          title + " whose segment " + name + " cannot be added (" +
          TakeYalError(bfio_error, &libbfio_error_sprint, &libbfio_error_free) +
          ")");
    }
    handle.release();  // the pool frees it
  }
  if (libewf_handle_initialize(&holder->handle, &error) != 1 ||
      libewf_handle_open_file_io_pool(holder->handle, holder->pool,
                                      LIBEWF_OPEN_READ, &error) != 1) {
    throw EvidenceError(title + " that cannot be opened (" + EwfError(error) +
                        ")" + advice);
  }
  holder->open = true;
  size64_t size = 0;
  if (libewf_handle_get_media_size(holder->handle, &size, &error) != 1) {
    throw EvidenceError(title + " whose media size cannot be read (" +
                        EwfError(error) + ")");
  }
  out.device = LibyalDevice(size, holder->handle, &libewf_handle_read_random,
                            &libewf_error_sprint, &libewf_error_free, holder,
                            "E01 image " + path);
  return out;
}

std::optional<LibyalImage> OpenVhdImage(const std::string& path,
                                        const std::string& title,
                                        std::string& refusal) {
  LibyalImage out;
  out.files.push_back(path);
  auto holder = std::make_shared<VhdiHolder>();
  holder->io = MakeBfioHandle(std::make_shared<FileBlockDevice>(path));
  libvhdi_error_t* error = nullptr;
  if (libvhdi_file_initialize(&holder->file, &error) != 1 ||
      libvhdi_file_open_file_io_handle(holder->file, holder->io.get(),
                                       LIBVHDI_OPEN_READ, &error) != 1) {
    refusal = VhdiError(error);
    return std::nullopt;
  }
  holder->open = true;
  uint32_t type = 0;
  if (libvhdi_file_get_disk_type(holder->file, &type, &error) == 1 &&
      type == LIBVHDI_DISK_TYPE_DIFFERENTIAL) {
    std::string parent;
    size_t size = 0;
    if (libvhdi_file_get_utf8_parent_filename_size(holder->file, &size,
                                                   nullptr) == 1 &&
        size > 0 && size < 65536) {
      parent.assign(size, '\0');
      if (libvhdi_file_get_utf8_parent_filename(
              holder->file, reinterpret_cast<uint8_t*>(parent.data()), size,
              nullptr) == 1) {
        parent.resize(parent.find('\0'));
      } else {
        parent.clear();
      }
    }
    throw EvidenceError(
        "evidence " + path + " is a differencing " +
        title.substr(title.find(' ') + 1) +
        (parent.empty() ? "" : " on parent \"" + parent + "\"") +
        ", which contraband does not read; merge it with its "
        "parent (qemu-img convert -O raw) and scan the result");
  }
  if (error) libvhdi_error_free(&error);
  size64_t size = 0;
  if (libvhdi_file_get_media_size(holder->file, &size, &error) != 1) {
    throw EvidenceError("evidence " + path + " is " + title +
                        " image whose media size cannot be read (" +
                        VhdiError(error) + ")");
  }
  out.device =
      LibyalDevice(size, holder->file, &libvhdi_file_read_buffer_at_offset,
                   &libvhdi_error_sprint, &libvhdi_error_free, holder,
                   title.substr(title.find(' ') + 1) + " image " + path);
  return out;
}

}  // namespace contraband
