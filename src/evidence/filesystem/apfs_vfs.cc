#include "evidence/filesystem/apfs_vfs.h"

#include <libfsapfs.h>
#include <sys/stat.h>

#include <algorithm>

#include "evidence/filesystem/firmlink_vfs.h"
#include "evidence/filesystem/inode_tree_vfs.h"
#include "evidence/libyal_io.h"

namespace contraband {
namespace {

constexpr size_t kMaxNameBytes = 1024;       // APFS allows 255 UTF-8 chars
constexpr size_t kMaxLinkBytes = 64 * 1024;  // ResolveInRoot's path limit
constexpr int kMaxVolumes = 100;             // APFS allows 100 per container
// apfs_incompatible_features: names compare without regard to case (the
// default on macOS).
constexpr uint64_t kIncompatCaseInsensitive = 0x1;

std::string Why(libfsapfs_error_t*& error) {
  return TakeYalError(error, &libfsapfs_error_sprint, &libfsapfs_error_free);
}

struct EntryFree {
  void operator()(libfsapfs_file_entry_t* e) const {
    libfsapfs_file_entry_free(&e, nullptr);
  }
};
using EntryPtr = std::unique_ptr<libfsapfs_file_entry_t, EntryFree>;

// The open container, shared by its volumes: freed after the last of them.
struct Container {
  BfioHandle bfio;  // outlives `handle`, which reads through it
  libfsapfs_container_t* handle = nullptr;
  ~Container() {
    if (!handle) return;
    libfsapfs_container_close(handle, nullptr);
    libfsapfs_container_free(&handle, nullptr);
  }
};

class ApfsTree : public InodeTree {
 public:
  ApfsTree(std::shared_ptr<Container> container, libfsapfs_volume_t* volume,
           uint64_t root_id, bool fold_case)
      : container_(std::move(container)),
        volume_(volume),
        root_id_(root_id),
        fold_case_(fold_case) {}
  ~ApfsTree() override { libfsapfs_volume_free(&volume_, nullptr); }
  ApfsTree(const ApfsTree&) = delete;
  ApfsTree& operator=(const ApfsTree&) = delete;

  uint64_t root_id() override { return root_id_; }
  bool fold_case() const override { return fold_case_; }

  std::optional<Node> NodeAt(uint64_t id) override {
    EntryPtr entry = Open(id, nullptr);
    if (!entry) return std::nullopt;
    return NodeOf(entry.get());
  }

  std::vector<Child> Children(uint64_t id, size_t max_entries) override {
    std::string why;
    EntryPtr dir = Open(id, &why);
    if (!dir) throw EvidenceError(why);
    libfsapfs_error_t* error = nullptr;
    int count = 0;
    if (libfsapfs_file_entry_get_number_of_sub_file_entries(dir.get(), &count,
                                                            &error) != 1) {
      throw EvidenceError(Why(error));
    }
    if (count < 0 || static_cast<size_t>(count) > max_entries) {
      throw EvidenceError("it claims " + std::to_string(count) +
                          " entries, over the limit of " +
                          std::to_string(max_entries));
    }
    std::vector<Child> out;
    out.reserve(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) {
      libfsapfs_file_entry_t* raw = nullptr;
      if (libfsapfs_file_entry_get_sub_file_entry_by_index(dir.get(), i, &raw,
                                                           &error) != 1) {
        throw EvidenceError("entry " + std::to_string(i) + ": " + Why(error));
      }
      EntryPtr sub(raw);
      uint64_t sub_id = 0;
      if (libfsapfs_file_entry_get_identifier(sub.get(), &sub_id, &error) !=
          1) {
        Why(error);
        continue;
      }
      std::optional<std::string> name = NameOf(sub.get());
      if (!name) continue;
      out.push_back({std::move(*name), sub_id, NodeOf(sub.get())});
    }
    return out;
  }

  std::shared_ptr<BlockDevice> OpenData(uint64_t id,
                                        const std::string& path) override;

 private:
  EntryPtr Open(uint64_t id, std::string* why) {
    libfsapfs_file_entry_t* raw = nullptr;
    libfsapfs_error_t* error = nullptr;
    if (libfsapfs_volume_get_file_entry_by_identifier(volume_, id, &raw,
                                                      &error) != 1) {
      std::string reason = Why(error);
      if (why) *why = "file " + std::to_string(id) + ": " + reason;
      return nullptr;
    }
    return EntryPtr(raw);
  }

  static std::optional<std::string> NameOf(libfsapfs_file_entry_t* e) {
    libfsapfs_error_t* error = nullptr;
    size_t size = 0;
    if (libfsapfs_file_entry_get_utf8_name_size(e, &size, &error) != 1 ||
        size == 0 || size > kMaxNameBytes) {
      Why(error);
      return std::nullopt;
    }
    std::string name(size, '\0');
    if (libfsapfs_file_entry_get_utf8_name(
            e, reinterpret_cast<uint8_t*>(name.data()), size, &error) != 1) {
      Why(error);
      return std::nullopt;
    }
    name.resize(std::min(name.find('\0'), size));
    return name;
  }

  static Node NodeOf(libfsapfs_file_entry_t* e) {
    libfsapfs_error_t* error = nullptr;
    Node node;
    uint16_t mode = 0;
    if (libfsapfs_file_entry_get_file_mode(e, &mode, &error) != 1) Why(error);
    switch (mode & S_IFMT) {
      case S_IFREG:
        node.info.type = FileType::kRegular;
        break;
      case S_IFDIR:
        node.info.type = FileType::kDirectory;
        break;
      case S_IFLNK:
        node.info.type = FileType::kSymlink;
        break;
      default:
        node.info.type = FileType::kOther;
    }
    size64_t size = 0;
    if (libfsapfs_file_entry_get_size(e, &size, &error) != 1) Why(error);
    node.info.size = size;
    uint32_t uid = 0;
    if (libfsapfs_file_entry_get_owner_identifier(e, &uid, &error) == 1) {
      node.info.uid = uid;
    } else {
      Why(error);
    }
    int64_t nanos = 0;
    if (libfsapfs_file_entry_get_modification_time(e, &nanos, &error) == 1) {
      node.info.mtime = NanosToSeconds(nanos);
    } else {
      Why(error);
    }
    if (node.info.type == FileType::kSymlink) {
      node.target = LinkTarget(e);
      if (!node.target) node.info.type = FileType::kOther;
    }
    return node;
  }

  static std::optional<std::string> LinkTarget(libfsapfs_file_entry_t* e) {
    libfsapfs_error_t* error = nullptr;
    size_t size = 0;
    if (libfsapfs_file_entry_get_utf8_symbolic_link_target_size(e, &size,
                                                                &error) != 1 ||
        size == 0 || size > kMaxLinkBytes) {
      Why(error);
      return std::nullopt;
    }
    std::string target(size, '\0');
    if (libfsapfs_file_entry_get_utf8_symbolic_link_target(
            e, reinterpret_cast<uint8_t*>(target.data()), size, &error) != 1) {
      Why(error);
      return std::nullopt;
    }
    target.resize(std::min(target.find('\0'), size));
    if (target.empty()) return std::nullopt;
    return target;
  }

  std::shared_ptr<Container> container_;  // outlives volume_
  libfsapfs_volume_t* volume_;
  uint64_t root_id_;
  bool fold_case_;
};

std::shared_ptr<BlockDevice> ApfsTree::OpenData(uint64_t id,
                                                const std::string& path) {
  std::string why;
  EntryPtr entry = Open(id, &why);
  if (!entry) throw EvidenceError("cannot open " + path + ": " + why);
  libfsapfs_error_t* error = nullptr;
  size64_t size = 0;
  if (libfsapfs_file_entry_get_size(entry.get(), &size, &error) != 1) {
    throw EvidenceError("cannot open " + path + ": " + Why(error));
  }
  // The entry is freed before the volume: it lives only within one read.
  std::shared_ptr<libfsapfs_file_entry_t> data(entry.release(), EntryFree());
  libfsapfs_file_entry_t* raw = data.get();
  return LibyalDevice(size, raw, &libfsapfs_file_entry_read_buffer_at_offset,
                      &libfsapfs_error_sprint, &libfsapfs_error_free, std::move(data),
                      path);
}

std::string VolumeLabel(libfsapfs_volume_t* volume) {
  libfsapfs_error_t* error = nullptr;
  size_t size = 0;
  if (libfsapfs_volume_get_utf8_name_size(volume, &size, &error) != 1 ||
      size == 0 || size > kMaxNameBytes) {
    Why(error);
    return "";
  }
  std::string name(size, '\0');
  if (libfsapfs_volume_get_utf8_name(
          volume, reinterpret_cast<uint8_t*>(name.data()), size, &error) != 1) {
    Why(error);
    return "";
  }
  name.resize(std::min(name.find('\0'), size));
  return name;
}

bool IsKind(Vfs& vfs, const char* path, FileType type) {
  std::optional<FileInfo> info = vfs.Stat(path);
  return info && info->type == type;
}

std::string Describe(int index, const std::string& label) {
  return "APFS volume apfs" + std::to_string(index + 1) +
         (label.empty() ? "" : " \"" + label + "\"");
}

}  // namespace

bool LooksLikeApfsContainer(BlockDevice& device) {
  return ReadHead(device, 32, 4) == "NXSB";
}

ApfsContainer OpenApfsContainer(std::shared_ptr<BlockDevice> device) {
  auto container = std::make_shared<Container>();
  container->bfio = MakeBfioHandle(std::move(device));
  libfsapfs_error_t* error = nullptr;
  if (libfsapfs_container_initialize(&container->handle, &error) != 1) {
    throw EvidenceError("cannot set up libfsapfs: " + Why(error));
  }
  if (libfsapfs_container_open_file_io_handle(
          container->handle, container->bfio.get(),
          libfsapfs_get_access_flags_read(), &error) != 1) {
    std::string why = Why(error);
    libfsapfs_container_free(&container->handle, nullptr);
    throw EvidenceError("cannot open the APFS container: " + why);
  }
  int count = 0;
  if (libfsapfs_container_get_number_of_volumes(container->handle, &count,
                                                &error) != 1) {
    throw EvidenceError("cannot count the volumes of the APFS container: " +
                        Why(error));
  }
  ApfsContainer out;
  if (count > kMaxVolumes) {
    out.warnings.push_back("the APFS container claims " +
                           std::to_string(count) + " volumes; only the first " +
                           std::to_string(kMaxVolumes) + " are read");
    count = kMaxVolumes;
  }

  std::vector<ApfsVolume> opened;
  for (int i = 0; i < count; ++i) {
    libfsapfs_volume_t* volume = nullptr;
    if (libfsapfs_container_get_volume_by_index(container->handle, i, &volume,
                                                &error) != 1) {
      out.warnings.push_back(Describe(i, "") +
                             " cannot be opened: " + Why(error));
      continue;
    }
    const std::string label = VolumeLabel(volume);
    const int locked = libfsapfs_volume_is_locked(volume, &error);
    if (locked != 0) {
      out.warnings.push_back(
          Describe(i, label) +
          (locked == 1 ? " is encrypted (FileVault) and locked: not read"
                       : " cannot be checked for encryption: " + Why(error)));
      libfsapfs_volume_free(&volume, nullptr);
      continue;
    }
    uint64_t compat = 0, incompat = 0, ro_compat = 0;
    if (libfsapfs_volume_get_features_flags(volume, &compat, &incompat,
                                            &ro_compat, &error) != 1) {
      Why(error);
      incompat = kIncompatCaseInsensitive;  // macOS's default
    }
    libfsapfs_file_entry_t* root = nullptr;
    uint64_t root_id = 0;
    if (libfsapfs_volume_get_root_directory(volume, &root, &error) != 1 ||
        libfsapfs_file_entry_get_identifier(root, &root_id, &error) != 1) {
      out.warnings.push_back(Describe(i, label) +
                             ": cannot read its root folder: " + Why(error));
      libfsapfs_file_entry_free(&root, nullptr);
      libfsapfs_volume_free(&volume, nullptr);
      continue;
    }
    libfsapfs_file_entry_free(&root, nullptr);
    ApfsVolume v;
    v.name = "apfs" + std::to_string(i + 1);
    v.label = label;
    v.chain = "apfs";
    v.vfs = std::make_unique<InodeTreeVfs>(
        std::make_unique<ApfsTree>(container, volume, root_id,
                                   (incompat & kIncompatCaseInsensitive) != 0));
    opened.push_back(std::move(v));
  }
  out.volumes = JoinSystemAndData(std::move(opened), out.warnings);
  return out;
}

std::vector<ApfsVolume> JoinSystemAndData(std::vector<ApfsVolume> volumes,
                                          std::vector<std::string>& warnings) {
  // What each volume's contents say about its macOS role: a System volume
  // has /usr/share/firmlinks; a Data volume has no /System/Library but
  // /Users, /Applications or /private.
  const size_t n = volumes.size();
  std::vector<bool> system(n), data(n), paired(n), joined_data(n);
  std::vector<int> partner(n, -1);
  for (size_t i = 0; i < n; ++i) {
    Vfs& vfs = *volumes[i].vfs;
    system[i] = IsKind(vfs, "/usr/share/firmlinks", FileType::kRegular);
    data[i] = !system[i] &&
              !IsKind(vfs, "/System/Library", FileType::kDirectory) &&
              (IsKind(vfs, "/Users", FileType::kDirectory) ||
               IsKind(vfs, "/Applications", FileType::kDirectory) ||
               IsKind(vfs, "/private", FileType::kDirectory));
  }
  auto pair = [&](size_t s, size_t d) {
    partner[s] = static_cast<int>(d);
    paired[s] = paired[d] = joined_data[d] = true;
  };
  // By name first ("X" and "X - Data", as the macOS installer names them),
  // then by contents: libfsapfs 20201107 does not report volume roles.
  for (size_t s = 0; s < n; ++s) {
    if (paired[s] || data[s] || volumes[s].label.empty()) continue;
    if (!system[s] &&
        !IsKind(*volumes[s].vfs, "/System/Library", FileType::kDirectory)) {
      continue;
    }
    for (size_t d = 0; d < n; ++d) {
      if (d != s && !paired[d] && !system[d] &&
          volumes[d].label == volumes[s].label + " - Data") {
        pair(s, d);
        break;
      }
    }
  }
  for (size_t s = 0; s < n; ++s) {
    if (!system[s] || paired[s]) continue;
    for (size_t d = 0; d < n; ++d) {
      if (!paired[d] && data[d]) {
        pair(s, d);
        break;
      }
    }
  }

  std::vector<ApfsVolume> out;
  for (size_t i = 0; i < n; ++i) {
    if (joined_data[i]) continue;  // shown through its System volume
    ApfsVolume& v = volumes[i];
    if (partner[i] >= 0) {
      ApfsVolume& d = volumes[static_cast<size_t>(partner[i])];
      std::vector<Firmlink> firmlinks;
      try {
        firmlinks = ParseFirmlinks(
            v.vfs->Read("/usr/share/firmlinks", kMaxFirmlinksBytes));
      } catch (const EvidenceError& e) {
        warnings.push_back("APFS volume " + v.name + " \"" + v.label +
                           "\": /usr/share/firmlinks cannot be read (" +
                           e.what() + "); using macOS 10.15's firmlinks");
        firmlinks = DefaultFirmlinks();
      }
      v.vfs = std::make_unique<FirmlinkVfs>(std::move(v.vfs), std::move(d.vfs),
                                            std::move(firmlinks));
      v.chain = "apfs (system + data)";
    }
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace contraband
