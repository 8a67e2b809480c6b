#include "evidence/ios_backup_vfs.h"

#include <algorithm>
#include <set>

#include "formats/ios_keybag.h"
#include "formats/parse_error.h"
#include "formats/plist.h"
#include "formats/sqlite_image.h"

namespace contraband {
namespace {

constexpr size_t kMaxRows = 4'000'000;
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

std::string ColumnText(sqlite3_stmt* stmt, int col) {
  const unsigned char* text = sqlite3_column_text(stmt, col);
  const int size = sqlite3_column_bytes(stmt, col);
  if (text == nullptr || size <= 0) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(size));
}

}  // namespace

IosBackupVfs::IosBackupVfs(std::unique_ptr<Vfs> backup,
                           std::map<std::string, std::string> top,
                           const std::string& manifest_db,
                           std::map<uint32_t, std::string> class_keys)
    : backup_(std::move(backup)),
      top_(std::move(top)),
      class_keys_(std::move(class_keys)) {
  try {
    db_ = std::make_unique<SqliteImage>(manifest_db, std::string_view(),
                                        "Manifest.db");
  } catch (const ParseError& e) {
    throw EvidenceError(std::string("iPhone backup: ") + e.what());
  }
  SqliteStatement stmt;
  if (sqlite3_prepare_v2(db_->get(),
                         "SELECT fileID, domain, relativePath, flags FROM "
                         "Files",
                         -1, stmt.out(), nullptr) != SQLITE_OK) {
    throw EvidenceError(
        "iPhone backup: Manifest.db has no readable Files "
        "table: " +
        db_->error());
  }
  std::set<std::string> folders = {"/"};
  auto add_folders = [&](const std::string& path) {
    for (std::string p = ParentPath(path); folders.insert(p).second;
         p = ParentPath(p)) {
      if (p == "/") break;
    }
  };
  for (size_t rows = 0;; ++rows) {
    const int rc = sqlite3_step(stmt.get());
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW || rows >= kMaxRows) break;
    const std::string id = ColumnText(stmt.get(), 0);
    const std::string domain = ColumnText(stmt.get(), 1);
    const std::string rel = ColumnText(stmt.get(), 2);
    const int64_t flags = sqlite3_column_int64(stmt.get(), 3);
    if (domain.empty() || domain.find('/') != std::string::npos ||
        domain.size() + rel.size() > kMaxPathBytes || !SafeComponents(rel)) {
      continue;
    }
    const std::string path =
        NormalizeEvidencePath("/" + domain + (rel.empty() ? "" : "/" + rel));
    if (path == "/" || top_.count(path)) continue;
    if (flags == 2 || rel.empty()) {
      folders.insert(path);
      add_folders(path);
    } else if (flags == 1 && HexId(id)) {
      files_[path] = {id, FileType::kRegular};
      add_folders(path);
    }
  }
  for (const auto& [path, bytes] : top_) (void)bytes, add_folders(path);
  // Children lists: folders, mapped files, and the top files.
  for (const std::string& f : folders) {
    if (f == "/") continue;
    dirs_[ParentPath(f)].push_back(
        {std::string(BaseName(f)), FileType::kDirectory});
  }
  for (const auto& [path, node] : files_) {
    if (folders.count(path)) continue;  // a row both file and folder
    dirs_[ParentPath(path)].push_back(
        {std::string(BaseName(path)), FileType::kRegular});
  }
  for (const auto& [path, bytes] : top_) {
    dirs_[ParentPath(path)].push_back(
        {std::string(BaseName(path)), FileType::kRegular});
  }
  for (const std::string& f : folders) dirs_.try_emplace(f);  // empty ones
  for (auto& [dir, entries] : dirs_) {
    std::sort(
        entries.begin(), entries.end(),
        [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
  }
  if (class_keys_.empty()) db_.reset();  // plain: no blobs needed
}

IosBackupVfs::~IosBackupVfs() = default;

std::optional<FileInfo> IosBackupVfs::Stat(std::string_view raw) {
  const std::string path = NormalizeEvidencePath(raw);
  if (auto t = top_.find(path); t != top_.end()) {
    if (class_keys_.empty()) return backup_->Stat(path);
    FileInfo info;
    info.type = FileType::kRegular;
    info.size = t->second.size();
    return info;
  }
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
  auto it = dirs_.find(path);
  if (it == dirs_.end()) {
    throw EvidenceError("iPhone backup: " + path + " is not a folder");
  }
  return it->second;
}

std::string IosBackupVfs::Read(std::string_view raw, uint64_t max_bytes) {
  const std::string path = NormalizeEvidencePath(raw);
  if (auto t = top_.find(path); t != top_.end()) {
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
  auto it = files_.find(path);
  if (it == files_.end()) {
    throw EvidenceError("iPhone backup: " + path + " is not a backed-up file");
  }
  std::string data = ReadMapped(path, it->second, max_bytes);
  CountRead(data.size());
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
