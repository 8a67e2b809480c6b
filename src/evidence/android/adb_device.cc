#include "evidence/android/adb_device.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <vector>

#include "common/text.h"
#include "evidence/memory_vfs.h"
#include "formats/androidqf_packages.h"

extern char** environ;

namespace contraband {
namespace {

// A phone's dumpsys package is tens of MiB; more is refused.
constexpr size_t kMaxOutputBytes = 512u << 20;
constexpr size_t kMaxErrorBytes = 64u << 10;
// A command that prints nothing for this long is taken as hung (a device
// that went away mid-command).
constexpr int kQuietTimeoutMs = 120'000;

struct Output {
  int status = -1;  ///< exit status, or -1 when it did not exit normally
  std::string out, err;
};

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { Close(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  void Reset(int fd) {
    Close();
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

// Runs `argv` (found on PATH) with stdin from /dev/null, collecting its
// output. Returns nullopt when the program is not there.
// (The one place contraband starts a program: kept here, beside its only
// user, rather than in host_os.h.)
std::optional<Output> RunProgram(const std::vector<std::string>& argv) {
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    throw EvidenceError(std::string("adb: pipe: ") + std::strerror(errno));
  }
  Fd out_r(out_pipe[0]), out_w(out_pipe[1]);
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    throw EvidenceError(std::string("adb: pipe: ") + std::strerror(errno));
  }
  Fd err_r(err_pipe[0]), err_w(err_pipe[1]);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_w.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, err_w.get(), 2);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(),
                              environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc == ENOENT) return std::nullopt;
  if (rc != 0) {
    throw EvidenceError("adb could not be started: " +
                        std::string(std::strerror(rc)));
  }
  out_w.Close();
  err_w.Close();
  Output result;
  std::string too_much;
  bool hung = false;
  char buf[1 << 16];
  while (out_r.get() >= 0 || err_r.get() >= 0) {
    pollfd fds[2] = {{out_r.get(), POLLIN, 0}, {err_r.get(), POLLIN, 0}};
    const int ready = poll(fds, 2, kQuietTimeoutMs);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      hung = true;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) {
        continue;
      }
      const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        (i == 0 ? out_r : err_r).Close();
        continue;
      }
      std::string& into = i == 0 ? result.out : result.err;
      const size_t limit = i == 0 ? kMaxOutputBytes : kMaxErrorBytes;
      if (into.size() + static_cast<size_t>(n) > limit) {
        if (i == 0) too_much = "more than " + std::to_string(limit) + " bytes";
        if (i == 0) break;
        continue;
      }
      into.append(buf, static_cast<size_t>(n));
    }
    if (!too_much.empty()) break;
  }
  if (hung || !too_much.empty()) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (hung) {
    throw EvidenceError("adb " + argv.back() + " printed nothing for " +
                        std::to_string(kQuietTimeoutMs / 1000) +
                        " s and was stopped; check the cable and that the "
                        "phone stays unlocked, then scan again");
  }
  if (!too_much.empty()) {
    throw EvidenceError("adb printed " + too_much + "; not read");
  }
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string FirstLine(const std::string& text) {
  std::string_view t = TrimAscii(text, " \t\r\n");
  return std::string(t.substr(0, std::min(t.find('\n'), size_t{300})));
}

Output Adb(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"adb"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::optional<Output> got = RunProgram(argv);
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
  if (o.status != 0) {
    throw EvidenceError("adb devices failed (exit status " +
                        std::to_string(o.status) + "): " + FirstLine(o.err));
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
  if (dumpsys.status != 0 || dumpsys.out.empty()) {
    throw EvidenceError(path + ": adb shell dumpsys package failed on " +
                        serial + " (exit status " +
                        std::to_string(dumpsys.status) + "): " +
                        FirstLine(dumpsys.err.empty() ? dumpsys.out
                                                      : dumpsys.err));
  }
  tree->AddFile("/adb/dumpsys_package.txt", dumpsys.out);
  // Packages dumpsys may leave out; older Androids lack some options, which
  // is a warning, not the end.
  const Output pm = Adb({"-s", serial, "shell", "pm", "list", "packages", "-f",
                         "-U", "-i", "--show-versioncode", "--user", "all"});
  if (pm.status == 0) {
    tree->AddFile("/adb/pm_list_packages.txt", pm.out);
  } else {
    ev.warnings.push_back(
        {"", "adb shell pm list packages failed (" +
                 FirstLine(pm.err.empty() ? pm.out : pm.err) +
                 "); packages read from dumpsys package only"});
  }
  const Output props = Adb({"-s", serial, "shell", "getprop"});
  if (props.status == 0) {
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
  ev.volumes.push_back({"", "adb " + serial, std::move(tree), {}, {}});
  return ev;
}

}  // namespace contraband
