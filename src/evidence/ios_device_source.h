// A live iPhone as evidence: "ios:" (the only device connected) or
// "ios:UDID". The device is asked, read-only, through Debian's
// libimobiledevice tools: `idevice_id -l` lists the devices connected,
// `ideviceinstaller -u UDID -l -o xml` lists the user's apps as a plist
// array of dicts (CFBundleIdentifier, CFBundleShortVersionString, ...).
// The listing is offered to the collectors as one file,
// /ideviceinstaller/apps.plist (read by ios-device). Errors say what to do:
// the tools missing, no device, several devices, locked or not trusted.
#pragma once

#include <optional>
#include <string>

#include "evidence/source.h"

namespace contraband {

/// Where the listing is put in the device's evidence tree.
inline constexpr const char* kIosDeviceListingPath =
    "/ideviceinstaller/apps.plist";

/// Whether `argument` names a live iPhone ("ios:" or "ios:UDID").
bool IsIosDeviceArgument(const std::string& argument);

/// Opens the device. Throws EvidenceError (exit 3) with what to do.
OpenedEvidence OpenIosDevice(const std::string& argument,
                             const OpenRequest& request);

}  // namespace contraband
