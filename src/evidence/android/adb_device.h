// A live Android phone on a cable, through Debian's `adb` (evidence "adb:"
// for the only device attached, "adb:SERIAL" for one of several). Read-only:
// only `adb devices`, and on the device `pm list packages -f -U -i
// --show-versioncode --user all`, `dumpsys package` and `getprop` (nothing
// installed, no backup prompt). Their output becomes the files
// /adb/pm_list_packages.txt, /adb/dumpsys_package.txt and /adb/getprop.txt
// of an in-memory root, which android-dumpsys reads as it reads a
// bugreport's. getprop's Android version becomes the report's host fields
// (ECS host.os.*), with the serial as host.name.
#pragma once

#include <optional>
#include <string>

#include "evidence/source.h"

namespace contraband {

/// Whether `path` names a live phone ("adb:" or "adb:SERIAL").
bool IsAdbEvidence(const std::string& path);

/// Reads the phone. Throws EvidenceError (exit 3) saying what to do when
/// adb is missing, no device or several devices are attached, the device is
/// unauthorised or offline, or a command fails.
OpenedEvidence OpenAdbDevice(const std::string& path,
                             const OpenRequest& request);

}  // namespace contraband
