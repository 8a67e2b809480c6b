#include "evidence/ios_backup_vfs.h"

#include <algorithm>
#include <set>
#include <unordered_set>

#include "formats/ios_keybag.h"
#include "formats/parse_error.h"
#include "formats/plist.h"
#include "formats/sqlite_image.h"

namespace contraband {
namespace {

constexpr size_t kMaxRows = 4'000'000;  // rows mapped
constexpr size_t kMaxDomains = 1'000'000;
constexpr char kZeroIv[16] = {};
constexpr uint64_t kManifestBlock = 256u << 10;
constexpr size_t kMaxPathBytes = 4096;

bool HexId(std::string_view id) {
  if (id.size() != 40) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// A path component of a domain or relativePath must not climb out or hide.
bool SafeComponents(std::string_view path) {
  for (std::string_view part : SplitPath(path)) {
    if (part == "." || part == "..") return false;
  }
  return path.find('\0') == std::string_view::npos;
}

}  // namespace

IosBackupVfs::IosBackupVfs(std::unique_ptr<Vfs> backup,
                           std::map<std::string, std::string> top,
                           const std::string& manifest_db,
                           std::map<uint32_t, std::string> class_keys)
    : backup_(std::move(backup)),
      top_(std::move(top)),
      held_db_(manifest_db),
      db_size_(manifest_db.size()),
      class_keys_(std::move(class_keys)) {
  Open();
}

IosBackupVfs::IosBackupVfs(std::unique_ptr<Vfs> backup,
                           std::map<std::string, std::string> top,
                           ManifestFile manifest,
                           std::map<uint32_t, std::string> class_keys)
    : backup_(std::move(backup)),
      top_(std::move(top)),
      db_in_backup_(true),
      manifest_key_(std::move(manifest.key)),
      class_keys_(std::move(class_keys)) {
  const std::optional<FileInfo> info = backup_->Stat("/Manifest.db");
  if (!info || info->type != FileType::kRegular) {
    throw EvidenceError("iPhone backup: no Manifest.db file");
  }
  db_size_ = info->size;
  if (!manifest_key_.empty() && db_size_ % 16 != 0) {
    throw EvidenceError(
        "iPhone backup: the encrypted Manifest.db is not whole AES blocks");
  }
  Open();
}

IosBackupVfs::~IosBackupVfs() = default;

std::string IosBackupVfs::ReadManifest(uint64_t offset, uint64_t length) {
  if (offset >= db_size_) return {};
  length = std::min(length, db_size_ - offset);
  if (!db_in_backup_) {
    CountBytes(length);
    return held_db_.substr(static_cast<size_t>(offset),
                           static_cast<size_t>(length));
  }
  // SQLite asks for one page at a time. A walk over the table goes forward
  // through the file: there the file is read (and decrypted) a block of
  // kManifestBlock at a time; elsewhere (an index's pages, anywhere in the
  // file) only the page asked for is read.
  const bool ahead = offset >= next_ && offset - next_ < kManifestBlock;
  next_ = offset + length;
  if (offset >= block_offset_ && offset + length <= block_offset_ + block_.size()) {
    return block_.substr(static_cast<size_t>(offset - block_offset_),
                         static_cast<size_t>(length));
  }
  if (!ahead || length > kManifestBlock) {
    return ReadManifestBytes(offset, length);
  }
  block_offset_ = offset / 16 * 16;
  block_.clear();
  block_ = ReadManifestBytes(block_offset_,
                             std::min(kManifestBlock, db_size_ - block_offset_));
  if (offset + length > block_offset_ + block_.size()) {
    return ReadManifestBytes(offset, length);  // a short read: say so there
  }
  return block_.substr(static_cast<size_t>(offset - block_offset_),
                       static_cast<size_t>(length));
}

std::string IosBackupVfs::ReadManifestBytes(uint64_t offset, uint64_t length) {
  std::string out;
  if (manifest_key_.empty()) {
    out = backup_->ReadRange("/Manifest.db", offset, length);
    CountBytes(out.size());
    return out;
  }
  // CBC: a block's plaintext needs only the ciphertext block before it (the
  // zero IV before the first).
  const uint64_t first = offset / 16 * 16;
  const uint64_t end = std::min(db_size_, (offset + length + 15) / 16 * 16);
  const uint64_t from = first >= 16 ? first - 16 : 0;
  const std::string cipher =
      backup_->ReadRange("/Manifest.db", from, end - from);
  if (cipher.size() != end - from) {
    throw EvidenceError("iPhone backup: /Manifest.db: short read");
  }
  CountBytes(cipher.size());
  const std::string_view c(cipher);
  try {
    const std::string plain = DecryptAesCbc(
        manifest_key_,
        first >= 16 ? c.substr(0, 16) : std::string_view(kZeroIv, 16),
        c.substr(static_cast<size_t>(first - from)));
    return plain.substr(static_cast<size_t>(offset - first),
                        static_cast<size_t>(length));
  } catch (const ParseError& e) {
    throw EvidenceError(std::string("iPhone backup: /Manifest.db: ") +
                        e.what());
  }
}

void IosBackupVfs::Open() {
  try {
    db_ = std::make_unique<SqliteImage>(
        [this](uint64_t offset, uint64_t length) {
          return ReadManifest(offset, length);
        },
        db_size_, "Manifest.db");
  } catch (const ParseError& e) {
    if (!manifest_key_.empty()) {
      throw EvidenceError(
          std::string("iPhone backup: the password opens the keybag but "
                      "Manifest.db cannot be decrypted (") +
          e.what() + ")");
    }
    throw EvidenceError(std::string("iPhone backup: ") + e.what());
  }
  CountFile();
  // The domains only (an index walk where Manifest.db has iOS's index on
  // domain); each domain's rows are mapped when a path in it is asked for.
  SqliteStatement stmt;
  if (sqlite3_prepare_v2(db_->get(), "SELECT DISTINCT domain FROM Files", -1,
                         stmt.out(), nullptr) != SQLITE_OK) {
    throw EvidenceError(
        "iPhone backup: Manifest.db has no readable Files "
        "table: " +
        db_->error());
  }
  std::vector<DirEntry>& root = dirs_["/"];
  for (;;) {
    const int rc = sqlite3_step(stmt.get());
    if (rc != SQLITE_ROW || domains_.size() >= kMaxDomains) break;
    const std::string domain = SqliteColumnText(stmt.get(), 0);
    if (domain.empty() || domain.size() > kMaxPathBytes ||
        domain.find('/') != std::string::npos || !SafeComponents(domain) ||
        top_.count("/" + domain) || domains_.count(domain)) {
      continue;
    }
    domains_.insert(domain);
    root.push_back({domain, FileType::kDirectory});
  }
  for (const auto& [path, bytes] : top_) {
    (void)bytes;
    root.push_back({std::string(BaseName(path)), FileType::kRegular});
  }
  std::sort(root.begin(), root.end(),
            [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
}

void IosBackupVfs::LoadDomainOf(const std::string& path) {
  if (rows_loaded_ || path.size() < 2 || path[0] != '/') return;
  const size_t slash = path.find('/', 1);
  if (!domains_.count(path.substr(
          1, slash == std::string::npos ? std::string::npos : slash - 1))) {
    return;
  }
  // Every domain's rows in one pass over the table: mapping domains one by
  // one walks the domain index and fetches rows out of order (the table
  // is in insertion order), which reads its pages many times over; and
  // broad patterns ("/*/Library/...") look into every domain anyway.
  rows_loaded_ = true;
  SqliteStatement stmt;
  if (sqlite3_prepare_v2(db_->get(),
                         "SELECT fileID, domain, relativePath, flags FROM "
                         "Files",
                         -1, stmt.out(), nullptr) != SQLITE_OK) {
    return;  // the domains show empty
  }
  std::unordered_set<std::string> folders;
  for (const std::string& domain : domains_) folders.insert("/" + domain);
  std::vector<std::string> files;
  auto add_folders = [&](const std::string& p) {
    for (std::string f = ParentPath(p); f != "/" && folders.insert(f).second;
         f = ParentPath(f)) {
    }
  };
  for (size_t rows = 0;; ++rows) {
    const int rc = sqlite3_step(stmt.get());
    if (rc != SQLITE_ROW || rows >= kMaxRows) break;
    const std::string id = SqliteColumnText(stmt.get(), 0);
    const std::string domain = SqliteColumnText(stmt.get(), 1);
    const std::string rel = SqliteColumnText(stmt.get(), 2);
    const int64_t flags = sqlite3_column_int64(stmt.get(), 3);
    if (!domains_.count(domain) ||
        domain.size() + rel.size() > kMaxPathBytes || !SafeComponents(rel)) {
      continue;
    }
    const std::string top = "/" + domain;
    const std::string p =
        NormalizeEvidencePath(top + (rel.empty() ? "" : "/" + rel));
    if (p.compare(0, top.size(), top) != 0 ||
        (p.size() > top.size() && p[top.size()] != '/')) {
      continue;  // normalised out of its domain
    }
    if (flags == 2 || rel.empty()) {
      folders.insert(p);
      add_folders(p);
    } else if (flags == 1 && HexId(id)) {
      if (files_.emplace(p, Node{id, FileType::kRegular}).second) {
        files.push_back(p);
      }
      add_folders(p);
    }
  }
  // Children lists: folders, then mapped files that are not also folders.
  for (const std::string& f : folders) {
    if (domains_.count(f.substr(1))) continue;  // listed under "/" already
    dirs_[ParentPath(f)].push_back(
        {std::string(BaseName(f)), FileType::kDirectory});
  }
  for (const std::string& f : files) {
    if (folders.count(f)) continue;  // a row both file and folder
    dirs_[ParentPath(f)].push_back(
        {std::string(BaseName(f)), FileType::kRegular});
  }
  for (const std::string& f : folders) {
    std::vector<DirEntry>& entries = dirs_[f];
    std::sort(
        entries.begin(), entries.end(),
        [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
  }
}

size_t IosBackupVfs::file_count() {
  if (!domains_.empty()) LoadDomainOf("/" + *domains_.begin());
  return files_.size();
}

std::optional<FileInfo> IosBackupVfs::Stat(std::string_view raw) {
  const std::string path = NormalizeEvidencePath(raw);
  if (auto t = top_.find(path); t != top_.end()) {
    FileInfo info;
    info.type = FileType::kRegular;
    if (path == "/Manifest.db" && (!db_in_backup_ || !manifest_key_.empty())) {
      info.size = db_size_;
      return info;
    }
    if (class_keys_.empty()) return backup_->Stat(path);
    info.size = t->second.size();
    return info;
  }
  LoadDomainOf(path);
  if (dirs_.count(path)) {
    FileInfo info;
    info.type = FileType::kDirectory;
    return info;
  }
  auto it = files_.find(path);
  if (it == files_.end()) return std::nullopt;
  const std::string stored =
      "/" + it->second.file_id.substr(0, 2) + "/" + it->second.file_id;
  std::optional<FileInfo> info = backup_->Stat(stored);
  if (!info || info->type != FileType::kRegular) return std::nullopt;
  return info;  // an encrypted file's size is its padded size
}

std::vector<DirEntry> IosBackupVfs::List(std::string_view raw) {
  const std::string path = NormalizeEvidencePath(raw);
  LoadDomainOf(path);
  auto it = dirs_.find(path);
  if (it == dirs_.end()) {
    throw EvidenceError("iPhone backup: " + path + " is not a folder");
  }
  return it->second;
}

std::string IosBackupVfs::Read(std::string_view raw, uint64_t max_bytes) {
  const std::string path = NormalizeEvidencePath(raw);
  if (auto t = top_.find(path); t != top_.end()) {
    if (path == "/Manifest.db" && (!db_in_backup_ || !manifest_key_.empty())) {
      if (db_size_ > max_bytes) {
        throw EvidenceError(path + " is larger than " +
                            std::to_string(max_bytes) + " bytes");
      }
      CountFile();
      return ReadManifest(0, db_size_);
    }
    if (class_keys_.empty()) {
      std::string data = backup_->Read(path, max_bytes);
      CountRead(data.size());
      return data;
    }
    if (t->second.size() > max_bytes) {
      throw EvidenceError(path + " is larger than " +
                          std::to_string(max_bytes) + " bytes");
    }
    CountRead(t->second.size());
    return t->second;
  }
  LoadDomainOf(path);
  auto it = files_.find(path);
  if (it == files_.end()) {
    throw EvidenceError("iPhone backup: " + path + " is not a backed-up file");
  }
  std::string data = ReadMapped(path, it->second, max_bytes);
  CountRead(data.size());
  return data;
}

std::string IosBackupVfs::ReadRange(std::string_view raw, uint64_t offset,
                                    uint64_t length) {
  const std::string path = NormalizeEvidencePath(raw);
  if (auto t = top_.find(path); t != top_.end()) {
    std::string data;
    if (path == "/Manifest.db" && (!db_in_backup_ || !manifest_key_.empty())) {
      data = ReadManifest(offset, length);  // counted there
      CountRange(path, 0);
      return data;
    }
    if (class_keys_.empty()) {
      data = backup_->ReadRange(path, offset, length);
    } else if (offset < t->second.size()) {
      data = t->second.substr(static_cast<size_t>(offset),
                              static_cast<size_t>(length));
    }
    CountRange(path, data.size());
    return data;
  }
  LoadDomainOf(path);
  auto it = files_.find(path);
  if (it == files_.end()) {
    throw EvidenceError("iPhone backup: " + path + " is not a backed-up file");
  }
  if (!class_keys_.empty()) return Vfs::ReadRange(path, offset, length);
  const std::string stored =
      "/" + it->second.file_id.substr(0, 2) + "/" + it->second.file_id;
  std::string data = backup_->ReadRange(stored, offset, length);
  CountRange(path, data.size());
  return data;
}

std::string IosBackupVfs::ReadMapped(const std::string& path, const Node& node,
                                     uint64_t max_bytes) {
  const std::string stored =
      "/" + node.file_id.substr(0, 2) + "/" + node.file_id;
  // +16: an encrypted file carries up to a block of padding.
  std::string data =
      backup_->Read(stored, class_keys_.empty() ? max_bytes : max_bytes + 16);
  if (class_keys_.empty()) return data;

  SqliteStatement stmt;
  if (sqlite3_prepare_v2(db_->get(), "SELECT file FROM Files WHERE fileID = ?",
                         -1, stmt.out(), nullptr) != SQLITE_OK ||
      sqlite3_bind_text(stmt.get(), 1, node.file_id.c_str(), -1,
                        SQLITE_TRANSIENT) != SQLITE_OK ||
      sqlite3_step(stmt.get()) != SQLITE_ROW) {
    throw EvidenceError("iPhone backup: " + path + ": no Files row");
  }
  const void* blob = sqlite3_column_blob(stmt.get(), 0);
  const int blob_size = sqlite3_column_bytes(stmt.get(), 0);
  try {
    if (!blob || blob_size <= 0) throw ParseError("no MBFile record");
    const PlistValue archive = ParsePlist(std::string_view(
        static_cast<const char*>(blob), static_cast<size_t>(blob_size)));
    // The MBFile is $objects[$top.root]; its EncryptionKey a UID to an
    // NSData-like object whose NS.data holds class + wrapped key.
    const PlistValue* top = archive.Find("$top");
    const PlistValue* root = top ? top->Find("root") : nullptr;
    const PlistValue* file =
        root ? KeyedArchiveObject(archive, *root) : nullptr;
    const PlistValue* key_ref = file ? file->Find("EncryptionKey") : nullptr;
    const PlistValue* key_obj =
        key_ref ? KeyedArchiveObject(archive, *key_ref) : nullptr;
    const PlistValue* key_data = key_obj ? key_obj->Find("NS.data") : nullptr;
    if (key_obj && key_obj->type == PlistValue::Type::kData) key_data = key_obj;
    if (!key_data || key_data->type != PlistValue::Type::kData) {
      throw ParseError("its MBFile record has no EncryptionKey");
    }
    const std::string key = UnwrapFileKey(class_keys_, key_data->text);
    std::string plain = DecryptAesCbcZeroIv(key, data);
    // PKCS#7 padding; the MBFile's Size says the same where present.
    int64_t size = -1;
    if (const PlistValue* s = file->Find("Size");
        s && s->type == PlistValue::Type::kInteger) {
      size = s->integer;
    }
    if (size >= 0 && static_cast<uint64_t>(size) <= plain.size()) {
      plain.resize(static_cast<size_t>(size));
    } else if (!plain.empty()) {
      const unsigned char pad = static_cast<unsigned char>(plain.back());
      if (pad >= 1 && pad <= 16 && pad <= plain.size()) {
        plain.resize(plain.size() - pad);
      }
    }
    if (plain.size() > max_bytes) {
      throw EvidenceError(path + " is larger than " +
                          std::to_string(max_bytes) + " bytes");
    }
    return plain;
  } catch (const ParseError& e) {
    throw EvidenceError("iPhone backup: " + path +
                        " cannot be decrypted: " + e.what());
  }
}

}  // namespace contraband
