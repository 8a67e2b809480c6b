#include "evidence/ios_backup_source.h"

#include <map>
#include <memory>
#include <utility>

#include "evidence/host/directory_vfs.h"
#include "evidence/host/host_os.h"
#include "evidence/ios_backup_vfs.h"
#include "evidence/memory_vfs.h"
#include "evidence/root_finder.h"
#include "formats/ios_keybag.h"
#include "formats/parse_error.h"
#include "formats/plist.h"

namespace contraband {
namespace {

constexpr uint64_t kMaxManifestPlistBytes = 256ull << 20;
constexpr uint64_t kMaxInfoPlistBytes = 16ull << 20;

// The plain files of an encrypted backup, and Manifest.db decrypted with
// the first password that unlocks the keybag (`decrypted` set); without a
// password, no Manifest.db (the ios-backup collector says so). Throws
// EvidenceError when passwords were given and none fits.
std::unique_ptr<Vfs> OpenEncrypted(const std::string& path,
                                   std::unique_ptr<Vfs> dir,
                                   const PlistValue& manifest,
                                   std::string manifest_bytes,
                                   const OpenRequest& request,
                                   bool& decrypted) {
  auto out = std::make_unique<MemoryVfs>();
  std::map<std::string, std::string> top;
  if (dir->Stat("/Info.plist")) {
    top["/Info.plist"] = dir->Read("/Info.plist", kMaxInfoPlistBytes);
    out->AddFile("/Info.plist", top["/Info.plist"]);
  }
  top["/Manifest.plist"] = manifest_bytes;
  out->AddFile("/Manifest.plist", std::move(manifest_bytes));
  std::vector<const VolumeKey*> passwords;
  for (const VolumeKey& k : request.keys) {
    if (k.kind == VolumeKey::Kind::kPassword) passwords.push_back(&k);
  }
  if (passwords.empty()) return out;

  const PlistValue* bag_data = manifest.Find("BackupKeyBag");
  const PlistValue* manifest_key = manifest.Find("ManifestKey");
  if (!bag_data || bag_data->type != PlistValue::Type::kData || !manifest_key ||
      manifest_key->type != PlistValue::Type::kData) {
    throw EvidenceError("iPhone backup " + path +
                        " is encrypted but its Manifest.plist has no "
                        "BackupKeyBag or ManifestKey; it cannot be decrypted");
  }
  Keybag bag;
  try {
    bag = ParseKeybag(bag_data->text);
  } catch (const ParseError& e) {
    throw EvidenceError("iPhone backup " + path + ": its keybag is damaged (" +
                        e.what() + ")");
  }
  for (const VolumeKey* password : passwords) {
    std::map<uint32_t, std::string> class_keys;
    try {
      class_keys = UnwrapClassKeys(bag, DeriveKeybagKey(bag, password->secret));
    } catch (const ParseError& e) {
      throw EvidenceError("iPhone backup " + path + ": " + e.what());
    }
    if (class_keys.empty()) continue;
    std::string key;
    try {
      key = UnwrapFileKey(class_keys, manifest_key->text);
    } catch (const ParseError& e) {
      throw EvidenceError("iPhone backup " + path +
                          ": the password opens the keybag but Manifest.db "
                          "cannot be decrypted (" +
                          e.what() + ")");
    }
    decrypted = true;
    top["/Manifest.db"] = {};
    // The domains by their paths, each file decrypted when read, and
    // Manifest.db decrypted in the ranges SQLite reads.
    try {
      return std::make_unique<IosBackupVfs>(
          std::move(dir), std::move(top),
          IosBackupVfs::ManifestFile{std::move(key)}, std::move(class_keys));
    } catch (const EvidenceError& e) {
      throw EvidenceError(path + ": " + e.what());
    }
  }
  throw EvidenceError("iPhone backup " + path +
                      " is encrypted and the password given (" +
                      std::to_string(passwords.size()) +
                      " tried) does not unlock its keybag: wrong password; "
                      "pass the password set in Finder/iTunes for this "
                      "backup with --password or CONTRABAND_BACKUP_PASSWORD");
}

// Manifest.plist of the backup at the top of `vfs` when it says
// IsEncrypted, with its bytes; nullopt for a plain backup or a damaged
// Manifest.plist (read as plain; the collector warns).
std::optional<std::pair<PlistValue, std::string>> EncryptedManifest(Vfs& vfs) {
  if (!vfs.Stat("/Manifest.plist")) return std::nullopt;
  std::string bytes = vfs.Read("/Manifest.plist", kMaxManifestPlistBytes);
  std::optional<PlistValue> manifest;
  try {
    manifest = ParsePlist(bytes);
  } catch (const ParseError&) {
    return std::nullopt;
  }
  const PlistValue* enc = manifest->Find("IsEncrypted");
  if (!enc || enc->type != PlistValue::Type::kBool || !enc->boolean) {
    return std::nullopt;
  }
  return std::pair{std::move(*manifest), std::move(bytes)};
}

}  // namespace

std::unique_ptr<Vfs> OpenArchivedIosBackup(const std::string& path,
                                           std::unique_ptr<Vfs> tree,
                                           const OpenRequest& request,
                                           std::string& chain) {
  std::optional<std::pair<PlistValue, std::string>> manifest;
  try {
    manifest = EncryptedManifest(*tree);
  } catch (const EvidenceError&) {
    // Manifest.plist not kept whole: the collector reads what there is.
  }
  if (!manifest) return tree;
  bool decrypted = false;
  std::unique_ptr<Vfs> out =
      OpenEncrypted(path, std::move(tree), manifest->first,
                    std::move(manifest->second), request, decrypted);
  if (decrypted) chain += " > encrypted";
  return out;
}

std::optional<OpenedEvidence> TryOpenIosBackup(const std::string& path,
                                               const OpenRequest& request) {
  if (host::PathType(path) != FileType::kDirectory) return std::nullopt;
  auto vfs = std::make_unique<DirectoryVfs>(path);
  if (!LooksLikeIosBackup(*vfs, "/")) return std::nullopt;
  OpenedEvidence ev;
  ev.path = path;
  ev.kind = "ios-backup";
  ev.format = "directory";
  if (auto manifest = EncryptedManifest(*vfs)) {
    bool decrypted = false;
    std::unique_ptr<Vfs> opened =
        OpenEncrypted(path, std::move(vfs), manifest->first,
                      std::move(manifest->second), request, decrypted);
    if (decrypted) ev.format = "encrypted";
    ev.volumes.push_back(
        {"", "ios-backup > " + ev.format, std::move(opened), {}, {}, "ios"});
    return ev;
  }
  // Plain: the domains by their paths, through Manifest.db (read in the
  // ranges SQLite asks for); a Manifest.db that cannot be read leaves the
  // folder as it is (the collector warns).
  std::unique_ptr<Vfs> mapped;
  try {
    std::map<std::string, std::string> top;
    for (const char* name :
         {"/Info.plist", "/Manifest.plist", "/Manifest.db"}) {
      if (vfs->Stat(name)) top[name] = {};
    }
    mapped = std::make_unique<IosBackupVfs>(
        std::move(vfs), std::move(top), IosBackupVfs::ManifestFile{},
        std::map<uint32_t, std::string>{});
  } catch (const EvidenceError& e) {
    ev.warnings.push_back(
        {"/Manifest.db", std::string("its files are not "
                                     "mapped to their paths: ") +
                             e.what()});
    mapped = std::make_unique<DirectoryVfs>(path);
  }
  ev.volumes.push_back({"", "ios-backup", std::move(mapped), {}, {}, "ios"});
  return ev;
}

}  // namespace contraband
