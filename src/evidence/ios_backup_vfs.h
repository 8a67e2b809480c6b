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
#pragma once

#include <map>
#include <memory>
#include <string>
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
  ~IosBackupVfs() override;

  std::optional<FileInfo> Stat(std::string_view path) override;
  std::vector<DirEntry> List(std::string_view path) override;
  std::string Read(std::string_view path, uint64_t max_bytes) override;

  /// Rows mapped (for tests and messages).
  size_t file_count() const { return files_.size(); }

 private:
  struct Node {
    std::string file_id;  ///< empty for folders
    FileType type = FileType::kOther;
  };
  std::string ReadMapped(const std::string& path, const Node& node,
                         uint64_t max_bytes);

  std::unique_ptr<Vfs> backup_;
  std::map<std::string, std::string> top_;
  std::map<std::string, Node> files_;                  // by path
  std::map<std::string, std::vector<DirEntry>> dirs_;  // children, sorted
  std::map<uint32_t, std::string> class_keys_;
  std::unique_ptr<SqliteImage> db_;  // for MBFile blobs (encrypted only)
};

}  // namespace contraband
