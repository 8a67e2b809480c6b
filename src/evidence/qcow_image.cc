#include "evidence/qcow_image.h"

#define HAVE_LIBBFIO 1  // declares libqcow's libbfio entry points
#include <libqcow.h>

#include <filesystem>

#include "evidence/libyal_io.h"

namespace contraband {
namespace {

namespace fs = std::filesystem;

// qemu follows backing chains of any length; real ones are a handful deep.
constexpr int kMaxBackingDepth = 16;

std::string Error(libqcow_error_t*& error) {
  return TakeYalError(error, &libqcow_error_sprint, &libqcow_error_free);
}

// One opened file of the chain; the parent must outlive the child's reads.
struct QcowFile {
  libqcow_file_t* file = nullptr;
  BfioHandle io;
  std::shared_ptr<QcowFile> parent;
  ~QcowFile() {
    if (file) {
      libqcow_file_close(file, nullptr);
      libqcow_file_free(&file, nullptr);
    }
  }
};

bool IsUnder(const fs::path& path, const fs::path& dir) {
  auto p = path.begin();
  for (auto d = dir.begin(); d != dir.end(); ++d, ++p) {
    if (d->empty()) continue;  // a trailing separator
    if (p == path.end() || *p != *d) return false;
  }
  return true;
}

std::shared_ptr<QcowFile> OpenChain(const std::string& path,
                                    const std::vector<fs::path>& allowed,
                                    std::vector<std::string>& files,
                                    uint32_t* version) {
  auto q = std::make_shared<QcowFile>();
  libqcow_error_t* error = nullptr;
  if (libqcow_file_initialize(&q->file, &error) != 1) {
    throw EvidenceError("libqcow: " + Error(error));
  }
  // Through our reader, so the file is opened read-only without touching
  // its access time, like every other evidence file.
  q->io = MakeBfioHandle(std::make_shared<FileBlockDevice>(path));
  if (libqcow_file_open_file_io_handle(q->file, q->io.get(), LIBQCOW_OPEN_READ,
                                       &error) != 1) {
    throw EvidenceError("QCOW image " + path + " cannot be opened (" +
                        Error(error) + "); is it damaged or incomplete?");
  }
  files.push_back(path);
  if (version) {
    if (libqcow_file_get_format_version(q->file, version, &error) != 1) {
      Error(error);
    }
  }
  uint32_t encryption = 0;
  if (libqcow_file_get_encryption_method(q->file, &encryption, &error) == 1 &&
      encryption != 0) {
    throw EvidenceError("QCOW image " + path +
                        " is encrypted with qemu's own encryption, which "
                        "contraband does not read; decrypt it with qemu-img "
                        "convert and scan the result");
  }
  if (error) Error(error);

  size_t size = 0;
  const int has_backing =
      libqcow_file_get_utf8_backing_filename_size(q->file, &size, &error);
  if (has_backing != 1 || size <= 1) {
    if (error) Error(error);
    return q;
  }
  if (size > 4096) {
    throw EvidenceError("QCOW image " + path +
                        " names a backing file longer than 4096 bytes; "
                        "damaged?");
  }
  std::string name(size, '\0');
  if (libqcow_file_get_utf8_backing_filename(
          q->file, reinterpret_cast<uint8_t*>(name.data()), size, &error) !=
      1) {
    throw EvidenceError("the backing file name of QCOW image " + path +
                        " cannot be read (" + Error(error) + ")");
  }
  name.resize(name.find('\0') == std::string::npos ? name.size()
                                                   : name.find('\0'));
  if (files.size() > kMaxBackingDepth) {
    throw EvidenceError("QCOW image " + path + " is more than " +
                        std::to_string(kMaxBackingDepth) +
                        " backing files deep; a loop?");
  }
  if (name.find(':') != std::string::npos && name.find('/') != 0) {
    throw EvidenceError("QCOW image " + path + " has backing file \"" + name +
                        "\", which is not a file (a qemu protocol); scan a "
                        "flattened copy made with qemu-img convert");
  }
  const fs::path image_dir = fs::path(path).parent_path();
  fs::path backing = fs::path(name).is_absolute()
                         ? fs::path(name)
                         : (image_dir.empty() ? fs::path(".") : image_dir) /
                               name;
  std::error_code ec;
  const fs::path real = fs::weakly_canonical(backing, ec);
  if (ec || !fs::exists(real, ec)) {
    throw EvidenceError("QCOW image " + path + " needs its backing file \"" +
                        name + "\" (looked for " + backing.string() +
                        "); put it beside the image under that name");
  }
  bool ok = false;
  for (const fs::path& dir : allowed) ok = ok || IsUnder(real, dir);
  if (!ok) {
    throw EvidenceError(
        "QCOW image " + path + " names backing file " + real.string() +
        ", outside the image's folder; it is read only with --allow-backing " +
        real.parent_path().string());
  }
  for (const std::string& seen : files) {
    if (fs::weakly_canonical(seen, ec) == real) {
      throw EvidenceError("QCOW image " + path + " has backing file " +
                          real.string() + ", which is already in its chain");
    }
  }
  {
    FileBlockDevice backing_file(real.string());
    if (ReadHead(backing_file, 0, 4) != std::string("QFI\xfb", 4)) {
      throw EvidenceError(
          "QCOW image " + path + " has backing file " + real.string() +
          ", which is not a QCOW image (a raw disk?); libqcow reads only QCOW "
          "backing files: merge the chain with qemu-img convert -O qcow2 and "
          "scan the result");
    }
  }
  q->parent = OpenChain(real.string(), allowed, files, nullptr);
  if (libqcow_file_set_parent_file(q->file, q->parent->file, &error) != 1) {
    throw EvidenceError("QCOW image " + path + " cannot use its backing file " +
                        real.string() + " (" + Error(error) + ")");
  }
  return q;
}

}  // namespace

QcowImage OpenQcowImage(const std::string& path,
                        const std::vector<std::string>& allowed_backing_dirs) {
  std::error_code ec;
  std::vector<fs::path> allowed;
  const fs::path own = fs::weakly_canonical(fs::path(path), ec).parent_path();
  allowed.push_back(own);
  for (const std::string& dir : allowed_backing_dirs) {
    allowed.push_back(fs::weakly_canonical(dir, ec));
  }
  QcowImage out;
  std::shared_ptr<QcowFile> top = OpenChain(path, allowed, out.files,
                                            &out.version);
  libqcow_error_t* error = nullptr;
  size64_t size = 0;
  if (libqcow_file_get_media_size(top->file, &size, &error) != 1) {
    throw EvidenceError("QCOW image " + path + " has no readable size (" +
                        Error(error) + ")");
  }
  out.device = LibyalDevice(size, top->file,
                            &libqcow_file_read_buffer_at_offset,
                            &libqcow_error_sprint, &libqcow_error_free, top,
                            "QCOW image " + path);
  return out;
}

}  // namespace contraband
