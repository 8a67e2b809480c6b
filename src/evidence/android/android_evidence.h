// Android acquisitions made without root, recognised by content:
//   bugreport     a bugreport zip (main-entry.txt or MVT's main_entry.txt,
//                 bugreport-*.txt,
//                 dumpstate*.txt) or a bare dumpstate.txt / bugreport-*.txt
//                 (its first line "== dumpstate: ...", or a "DUMP OF SERVICE"
//                 section in its first MiB)
//   dumpsys       a bare file of `adb shell dumpsys package` output
//   adb-backup    an `adb backup` file: "ANDROID BACKUP" and its header
//   androidqf     an androidqf folder or zip: packages.json beside
//                 dumpsys.txt or getprop.txt (at the top or one folder down)
// A bare text file becomes a one-file root (/dumpstate.txt or
// /dumpsys_packages.txt) read in place, which the android-dumpsys collector
// reads like the same file inside a zip.
#pragma once

#include <optional>
#include <string>

#include "evidence/source.h"

namespace contraband {

/// A bare bugreport or dumpsys text file; nullopt for anything else.
std::optional<OpenedEvidence> TryOpenAndroidDump(const std::string& path,
                                                 const OpenRequest& request);

/// An `adb backup` file (.ab): decrypted with --password when it is
/// encrypted, inflated and its tar walked as it streams; the root holds
/// only each app's apps/<package>/_manifest. Encrypted without a password:
/// no volume and a warning naming --password; a wrong password throws
/// EvidenceError (exit 3).
std::optional<OpenedEvidence> TryOpenAdbBackup(const std::string& path,
                                               const OpenRequest& request);

/// Renames a folder or archive evidence's kind to "bugreport" or
/// "androidqf" when its top holds such an acquisition.
void NameAndroidAcquisition(OpenedEvidence& ev);

}  // namespace contraband
