#include "evidence/android/android_evidence.h"

#include <algorithm>
#include <memory>

#include "common/sha256.h"
#include "evidence/host/host_os.h"
#include "evidence/memory_vfs.h"
#include "formats/adb_backup.h"

namespace contraband {
namespace {

constexpr size_t kSniffBytes = 1u << 20;
constexpr size_t kChunkBytes = 1u << 20;

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// One host file as the only file of a root, read in place.
class OneFileVfs : public Vfs {
 public:
  OneFileVfs(const std::string& host_path, std::string name)
      : file_(host_path), path_("/" + std::move(name)) {}

  std::optional<FileInfo> Stat(std::string_view path) override {
    FileInfo info;
    if (path == "/") {
      info.type = FileType::kDirectory;
      return info;
    }
    if (path != path_) return std::nullopt;
    info.type = FileType::kRegular;
    info.size = file_.size();
    return info;
  }

  std::vector<DirEntry> List(std::string_view path) override {
    if (path != "/") {
      throw EvidenceError(std::string(path) + " is not a folder");
    }
    DirEntry e;
    e.name = path_.substr(1);
    e.type = FileType::kRegular;
    return {e};
  }

  std::string Read(std::string_view path, uint64_t max_bytes) override {
    return CollectChunks(path, max_bytes);
  }

  void ReadChunks(std::string_view path, uint64_t max_bytes,
                  const ChunkConsumer& consume) override {
    Check(path, max_bytes);
    CountFile();
    std::string buf(kChunkBytes, '\0');
    uint64_t at = 0;
    while (size_t n = file_.ReadAt(buf.data(), buf.size(), at)) {
      CountBytes(n);
      consume(std::string_view(buf.data(), n));
      at += n;
    }
  }

  std::string ReadRange(std::string_view path, uint64_t offset,
                        uint64_t length) override {
    Check(path, UINT64_MAX);
    if (offset >= file_.size()) return {};
    std::string out(std::min<uint64_t>(length, file_.size() - offset), '\0');
    out.resize(file_.ReadAt(out.data(), out.size(), offset));
    CountRange(path, out.size());
    return out;
  }

 private:
  void Check(std::string_view path, uint64_t max_bytes) const {
    if (path != path_) {
      throw EvidenceError(std::string(path) + " does not exist");
    }
    if (file_.size() > max_bytes) {
      throw EvidenceError(path_ + " is " + std::to_string(file_.size()) +
                          " bytes, over the " + std::to_string(max_bytes) +
                          "-byte limit");
    }
  }

  host::InputFile file_;
  std::string path_;
};

bool HasLineStarting(std::string_view text, std::string_view prefix) {
  if (StartsWith(text, prefix)) return true;
  return text.find("\n" + std::string(prefix)) != std::string_view::npos;
}

bool Exists(Vfs& vfs, const std::string& path) {
  std::optional<FileInfo> info = vfs.Stat(path);
  return info && info->type == FileType::kRegular;
}

bool IsAndroidqfFolder(Vfs& vfs, const std::string& dir) {
  const std::string base = dir == "/" ? "" : dir;
  return Exists(vfs, base + "/packages.json") &&
         (Exists(vfs, base + "/dumpsys.txt") ||
          Exists(vfs, base + "/getprop.txt"));
}

}  // namespace

std::optional<OpenedEvidence> TryOpenAndroidDump(const std::string& path,
                                                 const OpenRequest& request) {
  if (host::PathType(path) != FileType::kRegular) return std::nullopt;
  host::InputFile file(path);
  std::string head(std::min<uint64_t>(kSniffBytes, file.size()), '\0');
  head.resize(file.ReadAt(head.data(), head.size(), 0));
  std::string kind, name;
  if (StartsWith(head, "== dumpstate:") ||
      HasLineStarting(head, "========================================================\n== dumpstate:") ||
      HasLineStarting(head, "DUMP OF SERVICE ")) {
    kind = "bugreport";
    name = "dumpstate.txt";
  } else if (HasLineStarting(head, "Packages:\n  Package [")) {
    kind = "dumpsys";
    name = "dumpsys_packages.txt";
  } else {
    return std::nullopt;
  }
  OpenedEvidence ev;
  ev.path = path;
  ev.kind = kind;
  ev.format = "text";
  ev.size = file.size();
  if (request.hash) {
    Sha256 hash;
    std::string buf(kChunkBytes, '\0');
    uint64_t at = 0;
    while (size_t n = file.ReadAt(buf.data(), buf.size(), at)) {
      hash.Update({buf.data(), n});
      at += n;
    }
    ev.sha256 = hash.HexDigest();
  }
  ev.volumes.push_back(
      {"", "text", std::make_unique<OneFileVfs>(path, name), {}, {}, {}});
  return ev;
}

std::optional<OpenedEvidence> TryOpenAdbBackup(const std::string& path,
                                               const OpenRequest& request) {
  if (host::PathType(path) != FileType::kRegular) return std::nullopt;
  host::InputFile file(path);
  std::string head(std::min<uint64_t>(kMaxAdbBackupHeaderBytes, file.size()),
                   '\0');
  head.resize(file.ReadAt(head.data(), head.size(), 0));
  if (!LooksLikeAdbBackup(head)) return std::nullopt;
  OpenedEvidence ev;
  ev.path = path;
  ev.kind = "adb-backup";
  ev.format = "ab";
  ev.size = file.size();
  AdbBackupHeader header;
  try {
    header = ParseAdbBackupHeader(head);
  } catch (const ParseError& e) {
    throw EvidenceError("adb backup " + path + ": " + e.what());
  }
  ev.format = std::string("ab v") + std::to_string(header.version) +
              (header.compressed ? ".zlib" : "") +
              (header.encrypted ? ".aes256" : "");
  std::vector<const std::string*> passwords;
  for (const VolumeKey& k : request.keys) {
    if (k.kind == VolumeKey::Kind::kPassword) passwords.push_back(&k.secret);
  }
  if (header.encrypted && passwords.empty()) {
    ev.warnings.push_back(
        {"", "the adb backup is encrypted (AES-256): pass the password it "
             "was made with, --password PASSWORD; nothing of it was read"});
    return ev;
  }
  auto tree = std::make_unique<MemoryVfs>();
  std::string damage;
  bool opened = false;
  std::string wrong;
  // Each password in turn, as for encrypted volumes.
  const size_t tries = header.encrypted ? passwords.size() : 1;
  for (size_t i = 0; i < tries && !opened; ++i) {
    uint64_t at = header.payload_offset;
    Sha256 hash;
    if (request.hash) hash.Update(std::string_view(head).substr(0, at));
    tree = std::make_unique<MemoryVfs>();
    try {
      damage = ReadAdbBackupPayload(
          header, header.encrypted ? passwords[i] : nullptr,
          [&](char* buf, size_t n) {
            const size_t got = file.ReadAt(buf, n, at);
            at += got;
            if (request.hash) hash.Update({buf, got});
            return got;
          },
          [](std::string_view name) {
            return name.starts_with("apps/") && name.ends_with("/_manifest");
          },
          [&](AdbBackupMember m) {
            tree->AddFile("/" + m.name, std::move(m.data));
          });
      opened = true;
      if (request.hash) {
        // What the payload walk left unread (after the tar's end).
        std::string buf(kChunkBytes, '\0');
        while (size_t n = file.ReadAt(buf.data(), buf.size(), at)) {
          hash.Update({buf.data(), n});
          at += n;
        }
        ev.sha256 = hash.HexDigest();
      }
    } catch (const AdbBackupWrongPassword& e) {
      wrong = e.what();
    } catch (const ParseError& e) {
      throw EvidenceError("adb backup " + path + ": " + e.what());
    }
  }
  if (!opened) {
    throw EvidenceError("adb backup " + path + ": " + wrong +
                        "; give the password the backup was made with");
  }
  if (!damage.empty()) ev.warnings.push_back({"", damage});
  ev.volumes.push_back({"", ev.format, std::move(tree), {}, {}, {}});
  return ev;
}

void NameAndroidAcquisition(OpenedEvidence& ev) {
  if ((ev.kind != "directory" && ev.kind != "archive") ||
      ev.volumes.size() != 1) {
    return;
  }
  Vfs& vfs = *ev.volumes[0].vfs;
  std::vector<std::string> tops = {"/"};
  try {
    for (const DirEntry& e : vfs.List("/")) {
      if (e.type == FileType::kDirectory && tops.size() < 64) {
        tops.push_back("/" + e.name);
      }
    }
  } catch (const EvidenceError&) {
    return;
  }
  for (const std::string& dir : tops) {
    const std::string base = dir == "/" ? "" : dir;
    if (IsAndroidqfFolder(vfs, dir)) {
      ev.kind = "androidqf";
      return;
    }
    if (Exists(vfs, base + "/main-entry.txt") ||
        Exists(vfs, base + "/main_entry.txt") ||
        !Glob(vfs, base + "/bugreport-*.txt", 1).empty() ||
        !Glob(vfs, base + "/dumpstate*.txt", 1).empty()) {
      ev.kind = "bugreport";
      return;
    }
  }
}

}  // namespace contraband
