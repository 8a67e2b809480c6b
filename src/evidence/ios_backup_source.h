// An iTunes/Finder backup of an iPhone given as a folder (Manifest.db beside
// Info.plist or Manifest.plist): evidence kind "ios-backup". A plain backup
// is read in place. An encrypted one (Manifest.plist IsEncrypted) is opened
// with the password (--password, CONTRABAND_BACKUP_PASSWORD): its keybag is
// unlocked and Manifest.db decrypted in memory, never written anywhere;
// without a password only the plain Info.plist and Manifest.plist are
// offered (the ios-backup collector warns what was not read); a wrong
// password is an EvidenceError (exit 3).
#pragma once

#include <optional>
#include <string>

#include "evidence/source.h"

namespace contraband {

std::optional<OpenedEvidence> TryOpenIosBackup(const std::string& path,
                                               const OpenRequest& request);

/// A backup folder at the evidence root of an archive (a zip of the backup
/// folder): `tree` is the archive's kept entries from that folder, read
/// through the archive layer. An encrypted backup is opened as above
/// (Manifest.db decrypted in memory, never written; without a password only
/// Info.plist and Manifest.plist are offered; a wrong password throws
/// EvidenceError), `chain` getting " > encrypted" when it was decrypted; a
/// plain one is returned as it is. Files the archive did not keep (the
/// hashed domain files no collector asks for) stay unreadable.
std::unique_ptr<Vfs> OpenArchivedIosBackup(const std::string& path,
                                           std::unique_ptr<Vfs> tree,
                                           const OpenRequest& request,
                                           std::string& chain);

}  // namespace contraband
