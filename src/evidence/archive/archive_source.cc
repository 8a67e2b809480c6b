#include "evidence/archive/archive_source.h"

#include <archive.h>
#include <archive_entry.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <map>
#include <memory>
#include <set>

#include "common/deadline.h"
#include "common/sha256.h"
#include "common/wildcard.h"
#include "evidence/archive/decompress_pipeline.h"
#include "evidence/host/host_os.h"
#include "evidence/ios_backup_source.h"
#include "evidence/memory_vfs.h"
#include "evidence/root_finder.h"
#include "evidence/windows_roots.h"

namespace contraband {
namespace {

constexpr size_t kBlock = 1 << 20;

// The last two components of a normalised evidence path ("/a/b/c": "c" and
// "b"), and how many components it has, without allocating.
struct PathTail {
  std::string_view last, parent;
  size_t depth = 0;
};

PathTail TailOf(std::string_view path) {
  PathTail t;
  if (path.size() <= 1) return t;
  t.depth = static_cast<size_t>(std::count(path.begin(), path.end(), '/'));
  const size_t slash = path.rfind('/');
  t.last = path.substr(slash + 1);
  if (slash > 0) {
    const size_t before = path.rfind('/', slash - 1);
    t.parent = path.substr(before + 1, slash - before - 1);
  }
  return t;
}

// Decides in the single pass which entries to keep. The evidence root is not
// known yet (the archive may carry a top folder), so a request is matched on
// its last two path components ("dpkg/status", "meta/snap.yaml"), which no
// top folder changes; the exact glob runs later on the kept tree. Every
// request's last component is compiled into one WildcardSet, so an entry
// costs one hash lookup and a few bucketed globs, however many requests.
// Whether the root is a Windows tree (whose names match in any case) is not
// known yet either, so names are compared in lower case here: a few more
// entries may be kept, and the exact glob decides.
class WantedTails {
 public:
  explicit WantedTails(const std::vector<FileRequest>& requests) {
    for (const FileRequest& r : requests) {
      const std::vector<std::string_view> c = SplitPath(r.pattern);
      if (c.empty()) continue;
      Tail t;
      if (c.size() >= 2 && c[c.size() - 2] != "**") t.parent = c[c.size() - 2];
      t.max_bytes = r.max_bytes;
      t.name_only = r.name_only;
      lasts_.Add(AsciiLower(c.back()), tails_.size());
      tails_.push_back(std::move(t));
    }
  }

  struct Want {
    std::optional<uint64_t> max_bytes;  ///< keep the contents, up to this
    bool name = false;                  ///< keep at least the name
  };

  Want Wants(const PathTail& path) {
    Want want;
    if (path.depth == 0) return want;
    lasts_.Match(Lower(path.last), hits_);
    for (size_t i : hits_) {
      const Tail& t = tails_[i];
      if (!t.parent.empty() &&
          (path.depth < 2 || !WildcardMatch(t.parent, path.parent, true))) {
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
    std::string parent;
    uint64_t max_bytes;
    bool name_only;
  };
  // `name` in lower case, in a buffer reused by every entry (most names
  // are lower case already and are returned as they are).
  std::string_view Lower(std::string_view name) {
    if (std::none_of(name.begin(), name.end(),
                     [](char c) { return c >= 'A' && c <= 'Z'; })) {
      return name;
    }
    lower_.assign(name);
    for (char& c : lower_) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    }
    return lower_;
  }

  std::vector<Tail> tails_;
  WildcardSet lasts_;
  std::vector<size_t> hits_;  ///< reused by every Wants
  std::string lower_;
};

// libarchive pulls bytes through these callbacks, so the container is hashed
// and progress counted as it streams, and zip's central directory is reached
// by seeking instead of reading.
struct Input {
  host::InputFile file;
  std::vector<char> buf;  ///< kBlock once read directly (not when piped)
  Sha256* hash = nullptr;  ///< set when hashing a sequential read
  bool seeked = false;     ///< a seek happened: the hash needs its own pass
  uint64_t done = 0;
  const std::function<void(uint64_t, uint64_t)>* progress = nullptr;
  std::chrono::steady_clock::time_point last_progress{};
  std::string error;
  DecompressPipeline* pipeline = nullptr;  ///< set while a pipeline reads

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

// The second stage of a piped read: libarchive parses the decompressed
// blocks in this thread while the pipeline's thread decodes the next ones.
la_ssize_t PipeReadCallback(struct archive* a, void* data, const void** out) {
  Input* in = static_cast<Input*>(data);
  const std::string_view block = in->pipeline->Next();
  in->done = in->pipeline->bytes_read();
  ShowProgress(in);
  if (block.empty()) {
    const std::string error = in->pipeline->error();
    if (!error.empty()) {
      archive_set_error(a, EIO, "%s", error.c_str());
      return ARCHIVE_FATAL;
    }
  }
  *out = block.data();
  return static_cast<la_ssize_t>(block.size());
}

// Absolute and ".." paths are confined to the archive's own root: the same
// result as NormalizeEvidencePath, into a reused buffer (one call per entry).
void NormalizeInto(std::string_view raw, std::string& out) {
  out.clear();
  size_t pos = 0;
  while (pos <= raw.size()) {
    size_t slash = raw.find('/', pos);
    if (slash == std::string_view::npos) slash = raw.size();
    const std::string_view c = raw.substr(pos, slash - pos);
    pos = slash + 1;
    if (c.empty() || c == ".") continue;
    if (c == "..") {
      const size_t up = out.rfind('/');
      out.resize(up == std::string::npos ? 0 : up);
      continue;
    }
    out.push_back('/');
    out.append(c);
  }
  if (out.empty()) out = "/";
}

la_ssize_t ReadCallback(struct archive*, void* data, const void** out) {
  Input* in = static_cast<Input*>(data);
  try {
    if (in->buf.empty()) in->buf.resize(kBlock);
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

void SupportFormats(struct archive* a) {
  archive_read_support_format_tar(a);
  archive_read_support_format_gnutar(a);
  archive_read_support_format_zip(a);  // seekable when it can seek
  archive_read_support_format_7zip(a);
  archive_read_support_format_iso9660(a);
  archive_read_support_format_cpio(a);
}

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

    // tar.zst and tar.gz, the usual way to ship a tree, are decompressed in
    // a thread of their own while this one parses the tar: two cores at work.
    char magic[4] = {};
    const size_t got = input_->file.ReadAt(magic, sizeof magic, 0);
    const StreamCodec codec =
        limits_.pipeline ? SniffCodec({magic, got}) : StreamCodec::kNone;
    std::unique_ptr<DecompressPipeline> pipeline;
    if (codec != StreamCodec::kNone) {
      pipeline = std::make_unique<DecompressPipeline>(input_->file, codec,
                                                      input_->hash);
      input_->pipeline = pipeline.get();
    }

    std::unique_ptr<struct archive, ArchiveCloser> a(archive_read_new());
    archive_read_support_filter_all(a.get());
    SupportFormats(a.get());
    AddPassphrases(a.get());
    archive_read_set_callback_data(a.get(), input_.get());
    if (pipeline) {
      archive_read_set_read_callback(a.get(), PipeReadCallback);
    } else {
      archive_read_set_read_callback(a.get(), ReadCallback);
      archive_read_set_seek_callback(a.get(), SeekCallback);
      archive_read_set_skip_callback(a.get(), SkipCallback);
    }
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
    ReadEntries(a.get(), entry, rc, ev);
    ev.format = FormatName(a.get()) + inner_format_;
    if (pipeline) {
      // The file from here on (what the pipeline did not read) is only
      // hashed; the pipeline's thread is done with it and with the hash.
      pipeline->Stop();
      if (!pipeline->io_error().empty()) {
        input_->error = pipeline->io_error();
      } else if (!pipeline->error().empty()) {
        // libarchive words the end of its input its own way ("truncated
        // input"): the decoder says what was wrong with the stream.
        Warn(ev, "", pipeline->error());
      }
      input_->pipeline = nullptr;
      ev.format += std::string(".") + CodecSuffix(codec);
    }
    if (!input_->error.empty()) Warn(ev, "", input_->error);
    if (entries_ > limits_.max_listed_entries) {
      Warn(ev, "",
           std::to_string(entries_ - kept_names_) +
               " entries were not recorded by name: of an archive of more "
               "than " +
               std::to_string(limits_.max_listed_entries) +
               " entries, only the names collectors ask for are kept");
    }
    FlushWarningCounts(ev);
    if (request_.hash) {
      if (input_->seeked) {
        ev.sha256 = HashWholeFile();
      } else {
        // The archive may end before the file does (padding, appended
        // data): the digest covers every byte of the container.
        input_->buf.resize(kBlock);
        while (size_t n =
                   input_->file.Read(input_->buf.data(), input_->buf.size())) {
          hash.Update({input_->buf.data(), n});
        }
        ev.sha256 = hash.HexDigest();
      }
    }
    if (tree_.Contains("/AndroidManifest.xml")) {
      ev.kind = "apk";
      AddAppFileItself(ev, ".apk");
    } else if (tree_.Contains("/Payload")) {
      ev.kind = "ipa";
      AddAppFileItself(ev, ".ipa");
    }

    // A triage collection's drives are found later, each its own volume;
    // no single one of them is the root.
    // The collection itself could not be opened: nothing of it was read,
    // which is no verdict (the scan says so and exits 3).
    if (container_unread_) return ev;
    const std::string root =
        FindWindowsDrives(tree_).empty() ? FindEvidenceRoot(tree_) : "/";
    std::string chain = ev.format;
    if (root != "/") chain += " > " + root.substr(1);
    std::unique_ptr<Vfs> vfs = std::make_unique<MemoryVfs>(tree_.Subtree(root));
    // A zipped iPhone backup folder: an encrypted one is decrypted in
    // memory as the folder would be (--password).
    std::string only_platform;
    if (LooksLikeIosBackup(*vfs, "/")) {
      vfs = OpenArchivedIosBackup(path_, std::move(vfs), request_, chain);
      only_platform = "ios";
    }
    ev.volumes.push_back({"", chain, std::move(vfs), {}, {}, only_platform});
    return ev;
  }

 private:
  static std::string ErrorText(struct archive* a) {
    const char* s = archive_error_string(a);
    return s ? s : "unknown libarchive error";
  }

  // The entry's name as UTF-8. The raw name is used as it is when it is
  // plain ASCII (the same bytes in any locale), which spares libarchive's
  // multibyte conversion for almost every entry.
  static std::string_view Name(struct archive_entry* e) {
    if (const char* raw = archive_entry_pathname(e)) {
      const std::string_view name(raw);
      if (std::all_of(name.begin(), name.end(), [](char c) {
            return static_cast<unsigned char>(c) < 0x80;
          })) {
        return name;
      }
    }
    const char* p = archive_entry_pathname_utf8(e);
    if (!p) p = archive_entry_pathname(e);
    return p ? p : "";
  }

  // Every entry from `entry` (just read with result `rc`) to the end.
  void ReadEntries(struct archive* a, struct archive_entry* entry, int rc,
                   OpenedEvidence& ev) {
    while (rc != ARCHIVE_EOF) {
      if (rc == ARCHIVE_FATAL) {
        Warn(ev, "",
             "the archive is damaged or truncated after " +
                 std::to_string(entries_) + " entries (" + ErrorText(a) +
                 "); scanned what could be read");
        break;
      }
      if (rc == ARCHIVE_WARN) {
        Warn(ev, std::string(Name(entry)), ErrorText(a));
      }
      if (++entries_ > limits_.max_entries) {
        Warn(ev, "",
             "more than " + std::to_string(limits_.max_entries) +
                 " entries; the rest was not read");
        break;
      }
      if (DeadlinePassed()) {
        Warn(ev, "",
             "--max-runtime reached after " + std::to_string(entries_ - 1) +
                 " entries; the rest was not read");
        break;
      }
      if (IsCollectorContainer(entry)) {
        ReadContainer(a, entry, ev);
      } else {
        AddEntry(a, entry, ev);
      }
      rc = archive_read_next_header(a, &entry);
    }
  }

  void AddPassphrases(struct archive* a) const {
    for (const VolumeKey& key : request_.keys) {
      if (key.kind == VolumeKey::Kind::kPassword) {
        archive_read_add_passphrase(a, key.secret.c_str());
      }
    }
  }

  bool HavePassword() const {
    return std::any_of(request_.keys.begin(), request_.keys.end(),
                       [](const VolumeKey& k) {
                         return k.kind == VolumeKey::Kind::kPassword;
                       });
  }

  // Velociraptor's offline collector, when told to encrypt, writes its
  // collection as a zip ("data.zip") inside a zip whose only entry is that
  // one, encrypted with the password (AES): the collection is the inner
  // zip. Only a data.zip that is the top archive's first entry is such a
  // container.
  bool IsCollectorContainer(struct archive_entry* e) const {
    if (in_container_ || entries_ != 1 ||
        archive_entry_filetype(e) != AE_IFREG) {
      return false;
    }
    const std::string_view name = Name(e);
    return name == "data.zip" || name == "/data.zip";
  }

  struct ContainerInput {
    struct archive* outer;
    std::string error;
  };

  static la_ssize_t ContainerRead(struct archive*, void* data,
                                  const void** out) {
    ContainerInput* in = static_cast<ContainerInput*>(data);
    const void* block = nullptr;
    size_t size = 0;
    la_int64_t offset = 0;
    const int r = archive_read_data_block(in->outer, &block, &size, &offset);
    if (r == ARCHIVE_EOF) return 0;
    if (r < ARCHIVE_WARN) {
      in->error = ErrorText(in->outer);
      return -1;
    }
    *out = block;
    return static_cast<la_ssize_t>(size);
  }

  // Streams the container's data.zip through a second reader as it is
  // decrypted and inflated: nothing is written and only the wanted entries
  // are kept, as for any archive. An encrypted collection that cannot be
  // opened leaves nothing read (no verdict); a plain data.zip that is not a
  // zip is only a warning.
  void ReadContainer(struct archive* outer, struct archive_entry* e,
                     OpenedEvidence& ev) {
    const bool encrypted = archive_entry_is_encrypted(e);
    if (encrypted && !HavePassword()) {
      Warn(ev, "/data.zip",
           "the collection (data.zip) is encrypted; give its password with "
           "--password to read it");
      container_unread_ = true;
      return;
    }
    ContainerInput input{outer, {}};
    std::unique_ptr<struct archive, ArchiveCloser> inner(archive_read_new());
    archive_read_support_format_zip_streamable(inner.get());
    archive_read_set_callback_data(inner.get(), &input);
    archive_read_set_read_callback(inner.get(), ContainerRead);
    struct archive_entry* entry = nullptr;
    const int rc = archive_read_open1(inner.get()) != ARCHIVE_OK
                       ? ARCHIVE_FATAL
                       : archive_read_next_header(inner.get(), &entry);
    if (rc == ARCHIVE_FATAL) {
      Warn(ev, "/data.zip",
           "data.zip cannot be read as a collection (" +
               (input.error.empty() ? ErrorText(inner.get()) : input.error) +
               (encrypted ? "); is the --password right?" : ")"));
      container_unread_ = encrypted;
      return;
    }
    in_container_ = true;
    ReadEntries(inner.get(), entry, rc, ev);
    in_container_ = false;
    if (!input.error.empty()) Warn(ev, "/data.zip", input.error);
    inner_format_ = encrypted ? " > data.zip (encrypted)" : " > data.zip";
  }

  void AddEntry(struct archive* a, struct archive_entry* e,
                OpenedEvidence& ev) {
    const std::string_view raw = Name(e);
    if (raw.empty()) {
      Warn(ev, "", "an entry without a name was skipped");
      return;
    }
    if (raw.size() > limits_.max_path_bytes) {
      Warn(ev, std::string(raw.substr(0, 200)) + "...",
           "entry path longer than 64 KiB; skipped");
      return;
    }
    // Absolute and ".." paths are confined to the archive's own root.
    NormalizeInto(raw, path_buf_);
    const std::string& path = path_buf_;
    if (path == "/") return;
    const PathTail tail = TailOf(path);
    // An ipa holds its app under a top folder "Payload", often without an
    // entry of its own: the folder is recorded once, whatever is kept.
    if (!payload_seen_ && path.compare(0, 9, "/Payload/") == 0) {
      tree_.AddDir("/Payload");
      payload_seen_ = true;
    }

    if (const char* link = archive_entry_hardlink(e)) {
      CopyHardLink(NormalizeEvidencePath(link), path, tail);
      return;
    }
    const WantedTails::Want want = wanted_.Wants(tail);
    const int64_t uid = archive_entry_uid(e);
    const int64_t mtime =
        archive_entry_mtime_is_set(e) ? archive_entry_mtime(e) : 0;
    switch (archive_entry_filetype(e)) {
      case AE_IFDIR:
        // Folders a request names (install markers such as /opt/zoom), and
        // those that mark a system root, so the root is found; the parents
        // of every kept entry come with it.
        if (want.name || Marker(tail) || Identifies(tail)) {
          tree_.AddDir(path, uid);
          tree_.SetMeta(path, uid, mtime);
          ++kept_names_;
        }
        return;
      case AE_IFLNK: {
        // A link may lie on the way to a wanted file (/lib -> usr/lib), and
        // which one cannot be told before the root is known: links are kept,
        // up to a budget.
        if (!want.name && ++links_ > kMaxLinks) return;
        const char* target = archive_entry_symlink_utf8(e);
        if (!target) target = archive_entry_symlink(e);
        tree_.AddSymlink(path, target ? target : "");
        ++kept_names_;
        return;
      }
      case AE_IFREG:
        break;
      default:
        return;  // devices, fifos, sockets prove nothing about software
    }

    const std::optional<uint64_t>& limit = want.max_bytes;
    FileInfo info;
    info.type = FileType::kRegular;
    info.size = archive_entry_size_is_set(e) ? archive_entry_size(e) : 0;
    info.uid = uid;
    info.mtime = mtime;
    if (!limit) {
      // Only names a request may need are recorded: install markers, and
      // the few that tell an apk or an ipa; the rest is skipped unseen.
      if (want.name || Identifies(tail)) {
        tree_.AddUnreadFile(path, info,
                            "its contents were not kept: no collector asked "
                            "for them");
        ++kept_names_;
      }
      return;
    }
    ++kept_names_;
    if (archive_entry_is_encrypted(e) && !HavePassword()) {
      tree_.AddUnreadFile(path, info, "it is encrypted in the archive");
      Warn(ev, path,
           "entry is encrypted; it was not read (give the archive's "
           "password with --password)");
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

  // A hard link shares its target's contents: the target came earlier in
  // the archive, and was kept if a request wanted it.
  void CopyHardLink(const std::string& target, const std::string& path,
                    const PathTail& tail) {
    const WantedTails::Want want = wanted_.Wants(tail);
    std::optional<FileInfo> info = tree_.Stat(target);
    if (!info || info->type != FileType::kRegular) {
      // Whether the target is absent or was not needed cannot be told any
      // more: it was skipped unseen unless a request wanted its name.
      if (want.name) {
        tree_.AddUnreadFile(path, FileInfo{},
                            "hard link to " + target +
                                ", which was not kept or is not in the "
                                "archive");
        ++kept_names_;
      }
      return;
    }
    try {
      std::string data = tree_.Read(target, UINT64_MAX);
      tree_.AddFile(path, std::move(data), info->uid);
      ++kept_names_;
    } catch (const EvidenceError&) {
      // The target's contents were not kept: record the link by name only.
      if (want.name || Identifies(tail)) {
        tree_.AddUnreadFile(
            path, FileInfo{},
            "hard link to " + target + ", whose contents were not kept");
        ++kept_names_;
      }
    }
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

  // Folders that mark a system root are kept, so the evidence root is still
  // found. FindEvidenceRoot looks at most 4 levels down and 3 below that, so
  // deeper ones cannot matter.
  bool Marker(const PathTail& tail) {
    static const std::set<std::string, std::less<>> kMarkers = {
        "etc",    "var",  "private", "windows",      "system32",
        "config", "data", "system",  "applications", "library"};
    if (tail.depth == 0 || tail.depth > 7 || tail.last.size() > 12) return false;
    char lower[16];
    for (size_t i = 0; i < tail.last.size(); ++i) {
      const char c = tail.last[i];
      lower[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    if (!kMarkers.count(std::string_view(lower, tail.last.size()))) return false;
    return ++marker_dirs_ <= kMaxMarkerDirs;
  }

  // The top-level names that tell an apk or an ipa from other zips.
  static bool Identifies(const PathTail& tail) {
    return tail.depth == 1 &&
           (tail.last == "AndroidManifest.xml" || tail.last == "Payload");
  }

  // An app file given as evidence (an APK, an IPA) is put at the top of its
  // own tree, named `suffix`, where the collectors of loose app files find
  // it (android-apk, ios-ipa). Its bytes stay in the evidence file and are
  // read in place, at the offsets those collectors ask for (the zip's
  // central directory, the manifest, the signing block), through a handle
  // of its own that lives as long as the tree.
  void AddAppFileItself(OpenedEvidence& ev, std::string_view suffix) {
    if (ev.format != "zip") return;
    std::string name(path_.substr(path_.find_last_of('/') + 1));
    if (name.size() < 4 ||
        AsciiLower(std::string_view(name).substr(name.size() - 4)) != suffix) {
      name += suffix;
    }
    if (tree_.Contains("/" + name)) return;
    std::shared_ptr<host::InputFile> file;
    try {
      file = std::make_shared<host::InputFile>(path_);
    } catch (const EvidenceError& e) {
      Warn(ev, "", std::string("the app file could not be opened again to "
                               "read it in place: ") + e.what());
      return;
    }
    const uint64_t size = file->size();
    tree_.AddFileReadInPlace(
        "/" + name, size,
        [file = std::move(file)](char* buf, size_t n, uint64_t offset) {
          return file->ReadAt(buf, n, offset);
        });
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
  std::string path_buf_;  ///< the current entry's normalised path
  uint64_t kept_bytes_ = 0;
  size_t kept_names_ = 0;
  size_t entries_ = 0;
  bool in_container_ = false;   ///< reading a collector's inner data.zip
  bool container_unread_ = false;  ///< ... which could not be opened
  std::string inner_format_;    ///< " > data.zip" once one was read
  size_t links_ = 0;
  static constexpr size_t kWarningsPerKind = 20;
  static constexpr size_t kMaxMarkerDirs = 10000;
  static constexpr size_t kMaxLinks = 20000;
  std::map<std::string, size_t> warned_;
  size_t marker_dirs_ = 0;
  bool payload_seen_ = false;
};

}  // namespace

std::optional<OpenedEvidence> TryOpenArchive(const std::string& path,
                                             const OpenRequest& request) {
  return TryOpenArchive(path, request, ArchiveLimits{});
}

std::optional<OpenedEvidence> TryOpenArchive(const std::string& path,
                                             const OpenRequest& request,
                                             const ArchiveLimits& limits) {
  if (host::PathType(path) != FileType::kRegular) return std::nullopt;
  ArchiveReader reader(path, request, limits);
  return reader.Read();
}

}  // namespace contraband
