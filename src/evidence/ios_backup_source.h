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

}  // namespace contraband
