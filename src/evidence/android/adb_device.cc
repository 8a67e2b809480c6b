#include "evidence/android/adb_device.h"

#include <algorithm>
#include <memory>
#include <vector>

#include "common/text.h"
#include "evidence/host/host_os.h"
#include "evidence/memory_vfs.h"
#include "formats/androidqf_packages.h"

namespace contraband {
namespace {

// A phone's dumpsys package is tens of MiB; more is refused. A command
// that prints nothing for two minutes is taken as hung (a device that went
// away mid-command).
constexpr host::ProgramLimits kAdbLimits = {
    .max_out = 512u << 20, .max_err = 64u << 10, .quiet_timeout_ms = 120'000};

using Output = host::ProgramOutput;

std::string FirstLine(const std::string& text) {
  std::string_view t = TrimAscii(text, " \t\r\n");
  return std::string(t.substr(0, std::min(t.find('\n'), size_t{300})));
}

Output Adb(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"adb"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::optional<Output> got;
  try {
    got = host::RunProgram(argv, kAdbLimits);
  } catch (const EvidenceError& e) {
    throw EvidenceError(std::string(e.what()) +
                        "; check the cable and that the phone stays unlocked, "
                        "then scan again");
  }
  if (!got) {
    throw EvidenceError(
        "adb: the adb program is not on PATH; install it (Debian: apt "
        "install adb) or put Android's platform-tools on PATH, then scan "
        "again");
  }
  return *got;
}

struct Device {
  std::string serial, state;
};

std::vector<Device> ListDevices() {
  const Output o = Adb({"devices"});
  if (o.exit_code != 0) {
    throw EvidenceError("adb devices failed (exit status " +
                        std::to_string(o.exit_code) + "): " + FirstLine(o.err));
  }
  std::vector<Device> devices;
  LineReader lines(o.out);
  std::string_view line;
  bool listed = false;
  while (lines.Next(line)) {
    line = TrimAscii(line);
    if (line.starts_with("List of devices attached")) {
      listed = true;
      continue;
    }
    if (!listed || line.empty() || line.starts_with("*")) continue;
    const size_t tab = line.find_first_of(" \t");
    if (tab == std::string_view::npos) continue;
    devices.push_back({std::string(line.substr(0, tab)),
                       std::string(TrimAscii(line.substr(tab)))});
  }
  return devices;
}

std::string Serials(const std::vector<Device>& devices) {
  std::string s;
  for (const Device& d : devices) s += (s.empty() ? "" : ", ") + d.serial;
  return s;
}

}  // namespace

bool IsAdbEvidence(const std::string& path) {
  return path.starts_with("adb:");
}

OpenedEvidence OpenAdbDevice(const std::string& path,
                             const OpenRequest& request) {
  (void)request;
  const std::string wanted = path.substr(4);
  const std::vector<Device> devices = ListDevices();
  const Device* device = nullptr;
  if (!wanted.empty()) {
    for (const Device& d : devices) {
      if (d.serial == wanted) device = &d;
    }
    if (!device) {
      throw EvidenceError(
          path + ": no device " + wanted + " is attached" +
          (devices.empty() ? std::string(" (adb devices lists none)")
                           : " (adb devices lists " + Serials(devices) + ")") +
          "; check the serial, the cable and USB debugging");
    }
  } else if (devices.empty()) {
    throw EvidenceError(path +
                        ": no device is attached; connect the phone, "
                        "enable USB debugging (Settings > Developer "
                        "options) and check `adb devices`");
  } else if (devices.size() > 1) {
    throw EvidenceError(path + ": several devices are attached (" +
                        Serials(devices) +
                        "); name one: adb:SERIAL");
  } else {
    device = &devices[0];
  }
  if (device->state == "unauthorized") {
    throw EvidenceError(path + ": device " + device->serial +
                        " is unauthorised; unlock it, accept the \"Allow USB "
                        "debugging\" prompt for this computer, and scan again");
  }
  if (device->state != "device") {
    throw EvidenceError(path + ": device " + device->serial + " is " +
                        device->state +
                        ", not ready; reconnect it (adb reconnect) and scan "
                        "again");
  }
  const std::string serial = device->serial;
  OpenedEvidence ev;
  ev.path = path;
  ev.kind = "adb";
  ev.format = "adb";
  auto tree = std::make_unique<MemoryVfs>();

  const Output dumpsys = Adb({"-s", serial, "shell", "dumpsys", "package"});
  if (dumpsys.exit_code != 0 || dumpsys.out.empty()) {
    throw EvidenceError(path + ": adb shell dumpsys package failed on " +
                        serial + " (exit status " +
                        std::to_string(dumpsys.exit_code) + "): " +
                        FirstLine(dumpsys.err.empty() ? dumpsys.out
                                                      : dumpsys.err));
  }
  tree->AddFile("/adb/dumpsys_package.txt", dumpsys.out);
  // Packages dumpsys may leave out; older Androids lack some options, which
  // is a warning, not the end.
  const Output pm = Adb({"-s", serial, "shell", "pm", "list", "packages", "-f",
                         "-U", "-i", "--show-versioncode", "--user", "all"});
  if (pm.exit_code == 0) {
    tree->AddFile("/adb/pm_list_packages.txt", pm.out);
  } else {
    ev.warnings.push_back(
        {"", "adb shell pm list packages failed (" +
                 FirstLine(pm.err.empty() ? pm.out : pm.err) +
                 "); packages read from dumpsys package only"});
  }
  const Output props = Adb({"-s", serial, "shell", "getprop"});
  if (props.exit_code == 0) {
    // The phone as the report's host (ECS host.*): its serial names it.
    ev.live_device.name = serial;
    ev.live_device.id = GetpropValue(props.out, "ro.serialno");
    if (ev.live_device.id.empty()) ev.live_device.id = serial;
    ev.live_device.os_name = "Android";
    ev.live_device.os_version =
        GetpropValue(props.out, "ro.build.version.release");
    ev.live_device.os_family = "android";
    tree->AddFile("/adb/getprop.txt", props.out);
  }
  for (const char* name : {"/adb/dumpsys_package.txt",
                           "/adb/pm_list_packages.txt", "/adb/getprop.txt"}) {
    if (auto info = tree->Stat(name)) ev.size += info->size;
  }
  ev.volumes.push_back({"", "adb " + serial, std::move(tree), {}, {}, {}});
  return ev;
}

}  // namespace contraband
