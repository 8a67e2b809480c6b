#include "evidence/ios_device_source.h"

#include <algorithm>
#include <optional>
#include <sstream>
#include <vector>

#include "evidence/host/host_os.h"
#include "evidence/memory_vfs.h"

namespace contraband {
namespace {

constexpr std::string_view kPrefix = "ios:";
// A listing of a few hundred apps is a few MB; anything beyond is refused.
constexpr host::ProgramLimits kToolLimits = {
    .max_out = 256u << 20, .max_err = 64u << 10, .quiet_timeout_ms = 120'000};

std::string FirstLines(const std::string& text) {
  std::string s = text.substr(0, 400);
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s.empty() ? "(no message)" : s;
}

bool ValidUdid(std::string_view udid) {
  if (udid.empty() || udid.size() > 64) return false;
  for (char c : udid) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                    (c >= 'A' && c <= 'Z') || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

bool IsIosDeviceArgument(const std::string& argument) {
  return argument.rfind(kPrefix, 0) == 0;
}

OpenedEvidence OpenIosDevice(const std::string& argument,
                             const OpenRequest& request) {
  (void)request;
  std::string udid = argument.substr(kPrefix.size());
  if (!udid.empty() && !ValidUdid(udid)) {
    throw EvidenceError("evidence " + argument +
                        ": a device id is letters, digits and '-' (as "
                        "idevice_id -l prints it)");
  }
  const auto missing = [&](const char* tool) {
    return EvidenceError(
        "evidence " + argument + ": " + tool +
        " is not on PATH; install Debian's ideviceinstaller and "
        "libimobiledevice-utils (apt-get install ideviceinstaller "
        "libimobiledevice-utils usbmuxd), connect the iPhone by USB, and "
        "try again");
  };
  const std::optional<host::ProgramOutput> listed =
      host::RunProgram({"idevice_id", "-l"}, kToolLimits);
  if (!listed) throw missing("idevice_id");
  const host::ProgramOutput& ids = *listed;
  if (ids.exit_code != 0) {
    throw EvidenceError("evidence " + argument + ": idevice_id -l failed (" +
                        FirstLines(ids.err + ids.out) +
                        "); is usbmuxd running?");
  }
  std::vector<std::string> devices;
  std::stringstream lines(ids.out);
  std::string line;
  while (std::getline(lines, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) {
      line.pop_back();
    }
    if (ValidUdid(line)) devices.push_back(line);
  }
  if (devices.empty()) {
    throw EvidenceError("evidence " + argument +
                        ": no iPhone is connected (idevice_id -l lists "
                        "none); connect it by USB, unlock it, tap Trust, and "
                        "try again");
  }
  if (udid.empty()) {
    if (devices.size() > 1) {
      std::string names;
      for (const std::string& d : devices) names += " ios:" + d;
      throw EvidenceError("evidence " + argument + ": " +
                          std::to_string(devices.size()) +
                          " devices are connected; name one:" + names);
    }
    udid = devices.front();
  } else if (std::find(devices.begin(), devices.end(), udid) == devices.end()) {
    throw EvidenceError("evidence " + argument +
                        ": no such device is connected (idevice_id -l "
                        "lists " +
                        std::to_string(devices.size()) + ")");
  }
  const std::optional<host::ProgramOutput> listing =
      host::RunProgram({"ideviceinstaller", "-u", udid, "-l", "-o", "xml"}, kToolLimits);
  if (!listing) throw missing("ideviceinstaller");
  const host::ProgramOutput& apps = *listing;
  if (apps.exit_code != 0 || apps.out.find("<plist") == std::string::npos) {
    const std::string said = FirstLines(apps.err + apps.out);
    std::string what =
        "ideviceinstaller could not list its apps (" + said + ")";
    if (said.find("lockdown") != std::string::npos ||
        said.find("Password") != std::string::npos ||
        said.find("pair") != std::string::npos ||
        said.find("Pair") != std::string::npos) {
      what +=
          "; the iPhone is locked or does not trust this computer: "
          "unlock it, tap Trust (or run idevicepair pair), and try again";
    }
    throw EvidenceError("evidence " + argument + ": " + what);
  }
  OpenedEvidence ev;
  ev.path = argument;
  ev.kind = "ios-device";
  ev.format = "ideviceinstaller";
  ev.size = 0;
  auto vfs = std::make_unique<MemoryVfs>();
  vfs->AddFile(kIosDeviceListingPath, apps.out);
  ev.volumes.push_back({"", "ios-device " + udid, std::move(vfs), {}, {}, {}});
  return ev;
}

}  // namespace contraband
