#include "evidence/archive/archive_source.h"

#include <archive.h>
#include <archive_entry.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <set>

#include "common/sha256.h"
#include "common/wildcard.h"
#include "evidence/host/host_os.h"
#include "evidence/memory_vfs.h"
#include "evidence/root_finder.h"

namespace contraband {
namespace {

constexpr size_t kBlock = 1 << 20;

std::vector<std::string> Components(std::string_view path) {
  const std::vector<std::string_view> parts = SplitPath(path);
  return {parts.begin(), parts.end()};
}

// Decides in the single pass which entries to keep. The evidence root is not
// known yet (the archive may carry a top folder), so a request is matched on
// its last two path components ("dpkg/status", "meta/snap.yaml"), which no
// top folder changes; the exact glob runs later on the kept tree.
class WantedTails {
 public:
  explicit WantedTails(const std::vector<FileRequest>& requests) {
    for (const FileRequest& r : requests) {
      std::vector<std::string> c = Components(r.pattern);
      if (c.empty()) continue;
      Tail t;
      t.last = c.back();
      if (c.size() >= 2 && c[c.size() - 2] != "**") t.parent = c[c.size() - 2];
      t.max_bytes = r.max_bytes;
      t.name_only = r.name_only;
      tails_.push_back(std::move(t));
    }
  }

  struct Want {
    std::optional<uint64_t> max_bytes;  ///< keep the contents, up to this
    bool name = false;                  ///< keep at least the name
  };

  Want Wants(const std::vector<std::string>& path) const {
    Want want;
    if (path.empty()) return want;
    for (const Tail& t : tails_) {
      if (!WildcardMatch(t.last, path.back())) continue;
      if (!t.parent.empty() &&
          (path.size() < 2 ||
           !WildcardMatch(t.parent, path[path.size() - 2]))) {
        continue;
      }
      want.name = true;
      if (t.name_only) continue;
      if (!want.max_bytes || t.max_bytes > *want.max_bytes) {
        want.max_bytes = t.max_bytes;
      }
    }
    return want;
  }

 private:
  struct Tail {
    std::string last, parent;
    uint64_t max_bytes;
    bool name_only;
  };
  std::vector<Tail> tails_;
};

// libarchive pulls bytes through these callbacks, so the container is hashed
// and progress counted as it streams, and zip's central directory is reached
// by seeking instead of reading.
struct Input {
  host::InputFile file;
  std::vector<char> buf = std::vector<char>(kBlock);
  Sha256* hash = nullptr;  ///< set when hashing a sequential read
  bool seeked = false;     ///< a seek happened: the hash needs its own pass
  uint64_t done = 0;
  const std::function<void(uint64_t, uint64_t)>* progress = nullptr;
  std::chrono::steady_clock::time_point last_progress{};
  std::string error;

  explicit Input(const std::string& path) : file(path) {}
};

void ShowProgress(Input* in) {
  if (!in->progress || !*in->progress) return;
  auto now = std::chrono::steady_clock::now();
  if (now - in->last_progress > std::chrono::milliseconds(200)) {
    in->last_progress = now;
    (*in->progress)(in->done, in->file.size());
  }
}

la_ssize_t ReadCallback(struct archive*, void* data, const void** out) {
  Input* in = static_cast<Input*>(data);
  try {
    size_t n = in->file.Read(in->buf.data(), in->buf.size());
    if (in->hash && !in->seeked) in->hash->Update({in->buf.data(), n});
    in->done += n;
    ShowProgress(in);
    *out = in->buf.data();
    return static_cast<la_ssize_t>(n);
  } catch (const EvidenceError& e) {
    in->error = e.what();
    return -1;
  }
}

la_int64_t SeekCallback(struct archive*, void* data, la_int64_t offset,
                        int whence) {
  Input* in = static_cast<Input*>(data);
  in->seeked = true;
  int64_t pos = in->file.Seek(offset, whence);
  return pos < 0 ? ARCHIVE_FATAL : pos;
}

la_int64_t SkipCallback(struct archive*, void* data, la_int64_t request) {
  Input* in = static_cast<Input*>(data);
  if (in->hash) return 0;  // hashing: every byte must pass through Read
  int64_t cur = in->file.Seek(0, SEEK_CUR);
  if (cur < 0) return 0;
  int64_t room = static_cast<int64_t>(in->file.size()) - cur;
  int64_t n = std::min<int64_t>(request, std::max<int64_t>(room, 0));
  if (in->file.Seek(n, SEEK_CUR) < 0) return 0;
  in->done += static_cast<uint64_t>(n);
  ShowProgress(in);
  return n;
}

std::string FilterName(int code) {
  switch (code) {
    case ARCHIVE_FILTER_GZIP:
      return "gz";
    case ARCHIVE_FILTER_BZIP2:
      return "bz2";
    case ARCHIVE_FILTER_XZ:
      return "xz";
    case ARCHIVE_FILTER_LZMA:
      return "lzma";
    case ARCHIVE_FILTER_ZSTD:
      return "zst";
    case ARCHIVE_FILTER_LZ4:
      return "lz4";
    case ARCHIVE_FILTER_COMPRESS:
      return "Z";
    case ARCHIVE_FILTER_LZIP:
      return "lz";
    default:
      return "";
  }
}

std::string FormatName(struct archive* a) {
  std::string name;
  switch (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) {
    case ARCHIVE_FORMAT_TAR:
      name = "tar";
      break;
    case ARCHIVE_FORMAT_ZIP:
      name = "zip";
      break;
    case ARCHIVE_FORMAT_7ZIP:
      name = "7z";
      break;
    case ARCHIVE_FORMAT_ISO9660:
      name = "iso9660";
      break;
    case ARCHIVE_FORMAT_CPIO:
      name = "cpio";
      break;
    default:
      name = archive_format_name(a) ? archive_format_name(a) : "archive";
  }
  for (int i = 0; i < archive_filter_count(a); ++i) {
    std::string f = FilterName(archive_filter_code(a, i));
    if (!f.empty()) name += "." + f;
  }
  return name;
}

struct ArchiveCloser {
  void operator()(struct archive* a) const { archive_read_free(a); }
};

class ArchiveReader {
 public:
  ArchiveReader(const std::string& path, const OpenRequest& request,
                const ArchiveLimits& limits)
      : path_(path),
        request_(request),
        limits_(limits),
        wanted_(request.wanted) {}

  std::optional<OpenedEvidence> Read() {
    input_ = std::make_unique<Input>(path_);
    Sha256 hash;
    if (request_.hash) input_->hash = &hash;
    input_->progress = &request_.progress;

    std::unique_ptr<struct archive, ArchiveCloser> a(archive_read_new());
    archive_read_support_filter_all(a.get());
    archive_read_support_format_tar(a.get());
    archive_read_support_format_gnutar(a.get());
    archive_read_support_format_zip(a.get());  // seekable when it can seek
    archive_read_support_format_7zip(a.get());
    archive_read_support_format_iso9660(a.get());
    archive_read_support_format_cpio(a.get());
    archive_read_set_callback_data(a.get(), input_.get());
    archive_read_set_read_callback(a.get(), ReadCallback);
    archive_read_set_seek_callback(a.get(), SeekCallback);
    archive_read_set_skip_callback(a.get(), SkipCallback);
    if (archive_read_open1(a.get()) != ARCHIVE_OK) return std::nullopt;

    struct archive_entry* entry = nullptr;
    int rc = archive_read_next_header(a.get(), &entry);
    // Not an archive libarchive recognises; or one with no entry at all,
    // which is how libarchive reads any file that starts with a zeroed
    // block (a bare filesystem image): leave those to the image opener.
    if (rc == ARCHIVE_FATAL || rc == ARCHIVE_EOF) return std::nullopt;
    OpenedEvidence ev;
    ev.path = path_;
    ev.kind = "archive";
    ev.size = input_->file.size();
    size_t entries = 0;
    while (rc != ARCHIVE_EOF) {
      if (rc == ARCHIVE_FATAL) {
        Warn(ev, "",
             "the archive is damaged or truncated after " +
                 std::to_string(entries) + " entries (" + ErrorText(a.get()) +
                 "); scanned what could be read");
        break;
      }
      if (rc == ARCHIVE_WARN) {
        Warn(ev, Name(entry), ErrorText(a.get()));
      }
      if (++entries > limits_.max_entries) {
        Warn(ev, "",
             "more than " + std::to_string(limits_.max_entries) +
                 " entries; the rest was not read");
        break;
      }
      AddEntry(a.get(), entry, ev);
      rc = archive_read_next_header(a.get(), &entry);
    }
    ev.format = FormatName(a.get());
    if (!input_->error.empty()) Warn(ev, "", input_->error);
    if (listed_only_ > 0) {
      Warn(ev, "",
           std::to_string(listed_only_) + " entries past the first " +
               std::to_string(limits_.max_listed_entries) +
               " were not recorded by name (only wanted files were)");
    }
    FlushWarningCounts(ev);
    if (request_.hash) {
      if (input_->seeked) {
        ev.sha256 = HashWholeFile();
      } else {
        // The archive may end before the file does (padding, appended
        // data): the digest covers every byte of the container.
        while (size_t n =
                   input_->file.Read(input_->buf.data(), input_->buf.size())) {
          hash.Update({input_->buf.data(), n});
        }
        ev.sha256 = hash.HexDigest();
      }
    }
    if (tree_.Contains("/AndroidManifest.xml"))
      ev.kind = "apk";
    else if (tree_.Contains("/Payload"))
      ev.kind = "ipa";

    const std::string root = FindEvidenceRoot(tree_);
    std::string chain = ev.format;
    if (root != "/") chain += " > " + root.substr(1);
    ev.volumes.push_back(
        {"", chain, std::make_unique<MemoryVfs>(tree_.Subtree(root)), {}, {}});
    return ev;
  }

 private:
  static std::string ErrorText(struct archive* a) {
    const char* s = archive_error_string(a);
    return s ? s : "unknown libarchive error";
  }

  static std::string Name(struct archive_entry* e) {
    const char* p = archive_entry_pathname_utf8(e);
    if (!p) p = archive_entry_pathname(e);
    return p ? p : "";
  }

  void AddEntry(struct archive* a, struct archive_entry* e,
                OpenedEvidence& ev) {
    const std::string raw = Name(e);
    if (raw.empty()) {
      Warn(ev, "", "an entry without a name was skipped");
      return;
    }
    if (raw.size() > limits_.max_path_bytes) {
      Warn(ev, raw.substr(0, 200) + "...",
           "entry path longer than 64 KiB; skipped");
      return;
    }
    // Absolute and ".." paths are confined to the archive's own root.
    const std::string path = NormalizeEvidencePath(raw);
    if (path == "/") return;
    const std::vector<std::string> comps = Components(path);
    const int64_t uid = archive_entry_uid(e);
    const int64_t mtime =
        archive_entry_mtime_is_set(e) ? archive_entry_mtime(e) : 0;

    if (const char* link = archive_entry_hardlink(e)) {
      CopyHardLink(NormalizeEvidencePath(link), path, ev);
      return;
    }
    switch (archive_entry_filetype(e)) {
      case AE_IFDIR:
        if (Listable() || Marker(comps)) {
          tree_.AddDir(path, uid);
          tree_.SetMeta(path, uid, mtime);
        }
        return;
      case AE_IFLNK: {
        const char* target = archive_entry_symlink_utf8(e);
        if (!target) target = archive_entry_symlink(e);
        tree_.AddSymlink(path, target ? target : "");
        return;
      }
      case AE_IFREG:
        break;
      default:
        return;  // devices, fifos, sockets prove nothing about software
    }

    const WantedTails::Want want = wanted_.Wants(comps);
    const std::optional<uint64_t>& limit = want.max_bytes;
    FileInfo info;
    info.type = FileType::kRegular;
    info.size = archive_entry_size_is_set(e) ? archive_entry_size(e) : 0;
    info.uid = uid;
    info.mtime = mtime;
    if (!limit) {
      // Install markers are recorded whatever the listing budget.
      if (want.name || Listable()) {
        tree_.AddUnreadFile(path, info,
                            "its contents were not kept: no collector asked "
                            "for them");
      }
      return;
    }
    if (archive_entry_is_encrypted(e)) {
      tree_.AddUnreadFile(path, info, "it is encrypted in the archive");
      Warn(ev, path, "entry is encrypted; it was not read");
      return;
    }
    if (info.size > *limit) {
      tree_.AddUnreadFile(path, info,
                          "it is " + std::to_string(info.size) +
                              " bytes, over the " + std::to_string(*limit) +
                              "-byte limit for this kind of file");
      return;
    }
    if (kept_bytes_ + info.size > limits_.max_kept_bytes) {
      tree_.AddUnreadFile(path, info,
                          "not kept: the wanted files of this "
                          "archive exceed the 1 GiB budget");
      Warn(ev, path,
           "not read: wanted files exceed the archive "
           "read budget");
      return;
    }
    std::string data;
    data.reserve(static_cast<size_t>(info.size));
    char buf[65536];
    for (;;) {
      la_ssize_t n = archive_read_data(a, buf, sizeof buf);
      if (n == 0) break;
      if (n < 0) {
        Warn(ev, path,
             "entry is damaged (" + ErrorText(a) + "); kept the " +
                 std::to_string(data.size()) + " bytes read before the damage");
        break;
      }
      // Sizes in headers can lie (or be absent): the limit holds on what is
      // actually decompressed, which stops zip bombs.
      if (data.size() + static_cast<size_t>(n) > *limit) {
        tree_.AddUnreadFile(path, info,
                            "it decompresses to more than the " +
                                std::to_string(*limit) +
                                "-byte limit for this kind of file");
        Warn(ev, path,
             "entry decompresses past its size limit; "
             "not read (a compression bomb?)");
        return;
      }
      data.append(buf, static_cast<size_t>(n));
    }
    kept_bytes_ += data.size();
    tree_.AddFile(path, std::move(data), uid);
    tree_.SetMeta(path, uid, mtime);
  }

  void CopyHardLink(const std::string& target, const std::string& path,
                    OpenedEvidence& ev) {
    try {
      std::optional<FileInfo> info = tree_.Stat(target);
      if (!info || info->type != FileType::kRegular) {
        if (Listable())
          tree_.AddUnreadFile(
              path, FileInfo{},
              "hard link to " + target + ", which is not in the archive");
        return;
      }
      std::string data = tree_.Read(target, UINT64_MAX);
      tree_.AddFile(path, std::move(data), info->uid);
    } catch (const EvidenceError&) {
      // The target's contents were not kept: record the link by name only.
      if (Listable())
        tree_.AddUnreadFile(
            path, FileInfo{},
            "hard link to " + target + ", whose contents were not kept");
    }
    (void)ev;
  }

  // Identical problems are reported a few times each, then counted: one
  // corrupt header can repeat a complaint thousands of times.
  void Warn(OpenedEvidence& ev, std::string path, std::string message) {
    size_t& seen = warned_[message];
    if (++seen <= kWarningsPerKind) {
      ev.warnings.push_back({std::move(path), std::move(message)});
    }
  }
  void FlushWarningCounts(OpenedEvidence& ev) {
    for (const auto& [message, seen] : warned_) {
      if (seen > kWarningsPerKind) {
        ev.warnings.push_back({"", message + " (and " +
                                       std::to_string(seen - kWarningsPerKind) +
                                       " more like it)"});
      }
    }
  }

  // Folders that mark a system root are kept past the listing budget, so
  // the evidence root is still found in a huge archive.
  bool Marker(const std::vector<std::string>& comps) {
    static const std::set<std::string> kMarkers = {
        "etc",    "var",  "private", "windows",      "system32",
        "config", "data", "system",  "applications", "library"};
    if (comps.empty() || !kMarkers.count(AsciiLower(comps.back())))
      return false;
    return ++marker_dirs_ <= kMaxMarkerDirs;
  }

  bool Listable() {
    if (tree_.node_count() < limits_.max_listed_entries) return true;
    ++listed_only_;
    return false;
  }

  std::string HashWholeFile() {
    Sha256 h;
    std::vector<char> buf(kBlock);
    uint64_t off = 0;
    for (;;) {
      size_t n = input_->file.ReadAt(buf.data(), buf.size(), off);
      if (n == 0) break;
      h.Update({buf.data(), n});
      off += n;
    }
    return h.HexDigest();
  }

  const std::string& path_;
  const OpenRequest& request_;
  ArchiveLimits limits_;
  WantedTails wanted_;
  std::unique_ptr<Input> input_;
  MemoryVfs tree_;
  uint64_t kept_bytes_ = 0;
  size_t listed_only_ = 0;
  static constexpr size_t kWarningsPerKind = 20;
  static constexpr size_t kMaxMarkerDirs = 100000;
  std::map<std::string, size_t> warned_;
  size_t marker_dirs_ = 0;
};

}  // namespace

std::optional<OpenedEvidence> TryOpenArchive(const std::string& path,
                                             const OpenRequest& request) {
  if (host::PathType(path) != FileType::kRegular) return std::nullopt;
  ArchiveReader reader(path, request, ArchiveLimits{});
  return reader.Read();
}

}  // namespace contraband
