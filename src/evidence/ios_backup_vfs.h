// An iPhone backup seen by its real paths: the backup stores each file as
// <first two hex digits>/<SHA-1 of "Domain-relativePath"> and records the
// mapping in Manifest.db's Files table (fileID, domain, relativePath,
// flags: 1 file, 2 folder, 4 link, file: an NSKeyedArchiver MBFile). This
// Vfs shows each domain as a top folder, "/HomeDomain/Library/...",
// "/AppDomain-com.tencent.xin/Documents/...", beside the backup's own
// Info.plist, Manifest.plist and Manifest.db (decrypted, for an encrypted
// backup). In an encrypted backup each file is decrypted when read, in
// memory, with its own key (MBFile EncryptionKey, unwrapped by its
// protection class's key): never written anywhere.
// Manifest.db is read in pages as SQLite asks for them (an encrypted one is
// decrypted page by page: AES-CBC needs only the block before a range),
// never copied whole; the top folder lists the domains (the domain index),
// and the rows are mapped the first time a path inside a domain is asked
// for.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "evidence/vfs.h"

namespace contraband {

class SqliteImage;

class IosBackupVfs : public Vfs {
 public:
  /// `backup` is the backup folder; `top` the files shown at the top
  /// (Info.plist, Manifest.plist, Manifest.db as plain bytes; for a plain
  /// backup only their names matter: they are read from `backup`);
  /// `manifest_db` the plain Manifest.db bytes; `class_keys` the unwrapped
  /// class keys of an encrypted backup (empty for a plain one). Throws
  /// EvidenceError when Manifest.db has no readable Files table.
  IosBackupVfs(std::unique_ptr<Vfs> backup,
               std::map<std::string, std::string> top,
               const std::string& manifest_db,
               std::map<uint32_t, std::string> class_keys);
  /// Manifest.db as `backup`'s /Manifest.db, encrypted (AES-256-CBC, zero
  /// IV) with `key` when that is not empty.
  struct ManifestFile {
    std::string key;
  };
  /// The same, with Manifest.db read from `backup` in ranges (decrypted
  /// range by range). Throws EvidenceError also when the key does not
  /// decrypt it into an SQLite database.
  IosBackupVfs(std::unique_ptr<Vfs> backup,
               std::map<std::string, std::string> top, ManifestFile manifest,
               std::map<uint32_t, std::string> class_keys);
  ~IosBackupVfs() override;

  std::optional<FileInfo> Stat(std::string_view path) override;
  std::vector<DirEntry> List(std::string_view path) override;
  std::string Read(std::string_view path, uint64_t max_bytes) override;
  std::string ReadRange(std::string_view path, uint64_t offset,
                        uint64_t length) override;

  /// Rows mapped, every domain's (for tests and messages).
  size_t file_count();

 private:
  struct Node {
    std::string file_id;  ///< empty for folders
    FileType type = FileType::kOther;
  };
  void Open();
  /// Maps every row, once, when `path` lies in a domain.
  void LoadDomainOf(const std::string& path);
  std::string ReadMapped(const std::string& path, const Node& node,
                         uint64_t max_bytes);
  /// Plain Manifest.db bytes at `offset` (decrypted), counted as read.
  std::string ReadManifest(uint64_t offset, uint64_t length);
  std::string ReadManifestBytes(uint64_t offset, uint64_t length);

  std::unique_ptr<Vfs> backup_;
  std::map<std::string, std::string> top_;
  std::string held_db_;       // Manifest.db given as bytes
  bool db_in_backup_ = false;  // else held_db_
  std::string manifest_key_;  // non-empty: /Manifest.db in backup_ is encrypted
  uint64_t db_size_ = 0;
  std::string block_;  // the last block of Manifest.db read ahead (plain)
  uint64_t block_offset_ = 0;
  uint64_t next_ = 0;  // where the last read of Manifest.db ended
  std::set<std::string> domains_;  // valid domain names
  bool rows_loaded_ = false;
  // Hashed: a backup maps hundreds of thousands of paths that share long
  // prefixes ("/AppDomain-com.example..."), which ordered maps compare over
  // and over.
  std::unordered_map<std::string, Node> files_;  // by path
  std::unordered_map<std::string, std::vector<DirEntry>> dirs_;  // children, sorted
  std::map<uint32_t, std::string> class_keys_;
  std::unique_ptr<SqliteImage> db_;
};

}  // namespace contraband
