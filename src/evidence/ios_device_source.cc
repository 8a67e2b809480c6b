#include "evidence/ios_device_source.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <sstream>
#include <vector>

#include "evidence/memory_vfs.h"

namespace contraband {
namespace {

constexpr std::string_view kPrefix = "ios:";
// A listing of a few hundred apps is a few MB; anything beyond is refused.
constexpr size_t kMaxOutputBytes = 256u << 20;

struct CommandResult {
  int exit_code = -1;
  std::string out, err;
};

// The program's full path on PATH, "" when absent.
std::string FindOnPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    const std::string full = dir + "/" + name;
    if (access(full.c_str(), X_OK) == 0) return full;
  }
  return {};
}

// Runs `argv` (argv[0] a full path) without a shell, standard input from
// /dev/null, and collects its output and errors.
CommandResult RunCommand(const std::vector<std::string>& argv) {
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    throw EvidenceError("cannot run " + argv[0] + ": pipe failed");
  }
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    throw EvidenceError("cannot run " + argv[0] + ": pipe failed");
  }
  std::vector<char*> args;
  for (const std::string& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) {
    for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) {
      close(fd);
    }
    throw EvidenceError("cannot run " + argv[0] + ": fork failed");
  }
  if (pid == 0) {
    const int null = open("/dev/null", O_RDONLY);
    if (null >= 0) dup2(null, 0);
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    execv(args[0], args.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  CommandResult r;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&r.out, &r.err};
  int open_fds = 2;
  bool too_much = false;
  char buf[65536];
  while (open_fds > 0) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) {
        continue;
      }
      const ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else if (sinks[i]->size() + static_cast<size_t>(n) > kMaxOutputBytes) {
        too_much = true;
        kill(pid, SIGKILL);
      } else {
        sinks[i]->append(buf, static_cast<size_t>(n));
      }
    }
  }
  for (const pollfd& p : fds) {
    if (p.fd >= 0) close(p.fd);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (too_much) {
    throw EvidenceError(argv[0] + " wrote more than " +
                        std::to_string(kMaxOutputBytes) + " bytes; stopped");
  }
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

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
  const std::string idevice_id = FindOnPath("idevice_id");
  const std::string installer = FindOnPath("ideviceinstaller");
  if (idevice_id.empty() || installer.empty()) {
    throw EvidenceError(
        "evidence " + argument + ": " +
        (installer.empty() ? "ideviceinstaller" : "idevice_id") +
        " is not on PATH; install Debian's ideviceinstaller and "
        "libimobiledevice-utils (apt-get install ideviceinstaller "
        "libimobiledevice-utils usbmuxd), connect the iPhone by USB, and "
        "try again");
  }
  const CommandResult ids = RunCommand({idevice_id, "-l"});
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
  const CommandResult apps =
      RunCommand({installer, "-u", udid, "-l", "-o", "xml"});
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
  ev.volumes.push_back({"", "ios-device " + udid, std::move(vfs), {}, {}});
  return ev;
}

}  // namespace contraband
