#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>

#include "evidence/host/host_os.h"

extern char** environ;

namespace contraband::host {
namespace {

std::string Errno(int err) { return strerror(err); }

FileType TypeOf(mode_t mode) {
  if (S_ISREG(mode)) return FileType::kRegular;
  if (S_ISDIR(mode)) return FileType::kDirectory;
  if (S_ISLNK(mode)) return FileType::kSymlink;
  return FileType::kOther;
}

FileInfo InfoOf(const struct stat& st) {
  FileInfo info;
  info.type = TypeOf(st.st_mode);
  info.size = static_cast<uint64_t>(st.st_size);
  info.mtime = st.st_mtime;
  info.uid = st.st_uid;
  return info;
}

// "/a/b" relative to the root fd is "a/b"; the root itself is ".".
std::string Relative(const std::string& rel) {
  size_t b = rel.find_first_not_of('/');
  return b == std::string::npos ? "." : rel.substr(b);
}

// O_NOATIME keeps access times unchanged; the kernel refuses it for files
// the caller does not own unless privileged, so fall back without it.
int OpenNoAtime(int dirfd, const char* name, int flags) {
  int fd = openat(dirfd, name, flags | O_NOATIME);
  if (fd < 0 && errno == EPERM) fd = openat(dirfd, name, flags);
  return fd;
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

// Reads up to `n` bytes, retrying on EINTR; 0 at the end of the file.
size_t ReadSome(int fd, char* buf, size_t n, const std::string& rel) {
  for (;;) {
    ssize_t got = read(fd, buf, n);
    if (got >= 0) return static_cast<size_t>(got);
    if (errno != EINTR) {
      throw EvidenceError("cannot read " + rel + ": " + Errno(errno));
    }
  }
}

}  // namespace

RootHandle::RootHandle(const std::string& dir) : root_(dir) {
  root_fd_ = OpenNoAtime(AT_FDCWD, dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root_fd_ < 0) {
    throw EvidenceError("cannot open " + dir + ": " + Errno(errno));
  }
}

RootHandle::~RootHandle() {
  if (root_fd_ >= 0) close(root_fd_);
}

std::optional<FileInfo> RootHandle::Lstat(const std::string& rel) const {
  struct stat st;
  if (fstatat(root_fd_, Relative(rel).c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return std::nullopt;
  }
  return InfoOf(st);
}

std::string RootHandle::ReadLink(const std::string& rel) const {
  char buf[4096];
  ssize_t n = readlinkat(root_fd_, Relative(rel).c_str(), buf, sizeof buf);
  if (n < 0) {
    throw EvidenceError("cannot read link " + rel + ": " + Errno(errno));
  }
  return std::string(buf, static_cast<size_t>(n));
}

int RootHandle::OpenDirBeneath(const std::string& rel) const {
  // A fresh open of the root, not a dup of root_fd_: a dup shares its read
  // position, so a second listing of "/" would start at its end and be empty.
  int dir = OpenNoAtime(root_fd_, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) throw EvidenceError("cannot open " + root_ + ": " + Errno(errno));
  const std::string path = Relative(rel);
  size_t pos = 0;
  while (path != "." && pos < path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string::npos) slash = path.size();
    const std::string comp = path.substr(pos, slash - pos);
    pos = slash + 1;
    if (comp.empty()) continue;
    int next = OpenNoAtime(dir, comp.c_str(),
                           O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int err = errno;
    close(dir);
    if (next < 0) {
      throw EvidenceError("cannot open folder " + rel + ": " + Errno(err));
    }
    dir = next;
  }
  return dir;
}

std::vector<DirEntry> RootHandle::List(const std::string& rel) const {
  int fd = OpenDirBeneath(rel);
  DIR* d = fdopendir(fd);
  if (d == nullptr) {
    int err = errno;
    close(fd);
    throw EvidenceError("cannot list " + rel + ": " + Errno(err));
  }
  std::vector<DirEntry> out;
  while (struct dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    DirEntry entry{name, FileType::kOther};
    struct stat st;
    if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
      entry.type = TypeOf(st.st_mode);
    }
    out.push_back(std::move(entry));
  }
  closedir(d);
  return out;
}

int RootHandle::OpenFileBeneath(const std::string& rel, uint64_t max_bytes,
                                uint64_t& size) const {
  const std::string parent = rel.substr(0, rel.rfind('/'));
  const std::string name = rel.substr(rel.rfind('/') + 1);
  Fd dir(OpenDirBeneath(parent.empty() ? "/" : parent));
  int fd = OpenNoAtime(dir.get(), name.c_str(),
                       O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    throw EvidenceError("cannot open " + rel + ": " + Errno(errno));
  }
  Fd file(fd);
  struct stat st;
  if (fstat(fd, &st) != 0) {
    throw EvidenceError("cannot stat " + rel + ": " + Errno(errno));
  }
  if (!S_ISREG(st.st_mode)) {
    throw EvidenceError(rel + " is not a regular file");
  }
  if (static_cast<uint64_t>(st.st_size) > max_bytes) {
    throw EvidenceError(rel + " is " + std::to_string(st.st_size) +
                        " bytes, over the " + std::to_string(max_bytes) +
                        "-byte limit for this kind of file; it was not read");
  }
  size = static_cast<uint64_t>(st.st_size);
  return file.release();
}

std::string RootHandle::Read(const std::string& rel, uint64_t max_bytes) const {
  uint64_t size = 0;
  Fd file(OpenFileBeneath(rel, max_bytes, size));
  std::string data;
  data.resize(static_cast<size_t>(size));
  size_t got = 0;
  while (got < data.size()) {
    size_t n = ReadSome(file.get(), data.data() + got, data.size() - got, rel);
    if (n == 0) break;  // shrank while reading: keep what is there
    got += n;
  }
  data.resize(got);
  return data;
}

void RootHandle::ReadChunks(const std::string& rel, uint64_t max_bytes,
                            const std::function<void()>& opened,
                            const ChunkConsumer& consume) const {
  constexpr size_t kChunk = 1u << 20;
  uint64_t size = 0;
  Fd file(OpenFileBeneath(rel, max_bytes, size));
  opened();
  // Only the size checked against max_bytes is read, as Read does, even if
  // the file grows meanwhile.
  std::string buf(static_cast<size_t>(std::min<uint64_t>(kChunk, size)), '\0');
  uint64_t done = 0;
  while (done < size) {
    const size_t want =
        static_cast<size_t>(std::min<uint64_t>(buf.size(), size - done));
    size_t n = ReadSome(file.get(), buf.data(), want, rel);
    if (n == 0) break;  // shrank while reading: keep what is there
    done += n;
    consume(std::string_view(buf.data(), n));
  }
}

std::string RootHandle::ReadRange(const std::string& rel, uint64_t offset,
                                  uint64_t length) const {
  uint64_t size = 0;
  Fd file(OpenFileBeneath(rel, UINT64_MAX, size));
  if (offset >= size) return {};
  std::string data(static_cast<size_t>(std::min(length, size - offset)), '\0');
  size_t got = 0;
  while (got < data.size()) {
    ssize_t n = pread(file.get(), data.data() + got, data.size() - got,
                      static_cast<off_t>(offset + got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw EvidenceError("cannot read " + rel + ": " + Errno(errno));
    if (n == 0) break;  // shrank while reading: keep what is there
    got += static_cast<size_t>(n);
  }
  data.resize(got);
  return data;
}

InputFile::InputFile(const std::string& path) : path_(path) {
  fd_ = OpenNoAtime(AT_FDCWD, path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw EvidenceError("cannot open " + path + ": " + Errno(errno));
  struct stat st;
  if (fstat(fd_, &st) != 0) {
    int err = errno;
    close(fd_);
    throw EvidenceError("cannot stat " + path + ": " + Errno(err));
  }
  size_ = static_cast<uint64_t>(st.st_size);
}

InputFile::~InputFile() {
  if (fd_ >= 0) close(fd_);
}

size_t InputFile::Read(void* buf, size_t n) {
  for (;;) {
    ssize_t got = read(fd_, buf, n);
    if (got >= 0) return static_cast<size_t>(got);
    if (errno != EINTR) {
      throw EvidenceError("cannot read " + path_ + ": " + Errno(errno));
    }
  }
}

size_t InputFile::ReadAt(void* buf, size_t n, uint64_t offset) {
  for (;;) {
    ssize_t got = pread(fd_, buf, n, static_cast<off_t>(offset));
    if (got >= 0) return static_cast<size_t>(got);
    if (errno != EINTR) {
      throw EvidenceError("cannot read " + path_ + ": " + Errno(errno));
    }
  }
}

int64_t InputFile::Seek(int64_t offset, int whence) {
  return lseek(fd_, static_cast<off_t>(offset), whence);
}

std::optional<FileType> PathType(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return std::nullopt;
  return TypeOf(st.st_mode);
}

bool IsHostRoot(const std::string& path) {
  struct stat a, b;
  return stat(path.c_str(), &a) == 0 && stat("/", &b) == 0 &&
         a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

bool StderrIsTerminal() { return isatty(STDERR_FILENO) == 1; }

std::string NowRfc3339() {
  time_t now = time(nullptr);
  struct tm tm;
  gmtime_r(&now, &tm);
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

namespace {

// The first `max` bytes of a host file; "" when it cannot be read.
std::string SmallHostFile(const char* path, size_t max) {
  std::string text;
  try {
    InputFile f(path);
    text.resize(static_cast<size_t>(std::min<uint64_t>(f.size(), max)));
    text.resize(f.ReadAt(text.data(), text.size(), 0));
  } catch (const EvidenceError&) {
    return "";
  }
  return text;
}

}  // namespace

std::string LowerPriority() {
  // ioprio_set(2) has no glibc wrapper: who = IOPRIO_WHO_PROCESS (1), the
  // class in the top bits (IOPRIO_CLASS_IDLE = 3, shifted by 13).
  constexpr int kWhoProcess = 1, kClassShift = 13, kClassIdle = 3;
  std::string out;
  errno = 0;
  if (setpriority(PRIO_PROCESS, 0, 19) != 0) {
    out = std::string("nice not changed (") + strerror(errno) + ")";
  }
  const bool io = syscall(SYS_ioprio_set, kWhoProcess, 0,
                          kClassIdle << kClassShift) == 0;
  errno = 0;
  const int nice = getpriority(PRIO_PROCESS, 0);
  const long prio = syscall(SYS_ioprio_get, kWhoProcess, 0);
  if (out.empty()) out = "running at nice " + std::to_string(nice);
  out += io && prio >= 0 && (prio >> kClassShift) == kClassIdle
             ? ", I/O class idle"
             : ", I/O priority not changed";
  return out;
}

HostIdentity ReadHostIdentity() {
  HostIdentity id;
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) == 0) id.name = name;
  const std::string machine_id = SmallHostFile("/etc/machine-id", 4096);
  id.id = machine_id.substr(0, machine_id.find('\n'));
  const std::string release = SmallHostFile("/etc/os-release", 65536);
  // KEY=value or KEY="value" lines (os-release(5)).
  size_t pos = 0;
  while (pos < release.size()) {
    size_t end = release.find('\n', pos);
    if (end == std::string::npos) end = release.size();
    const std::string line = release.substr(pos, end - pos);
    pos = end + 1;
    const size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string value = line.substr(eq + 1);
    if (value.size() >= 2 && (value[0] == '"' || value[0] == '\'') &&
        value.back() == value[0]) {
      value = value.substr(1, value.size() - 2);
    }
    const std::string key = line.substr(0, eq);
    if (key == "NAME") id.os_name = value;
    else if (key == "VERSION_ID") id.os_version = value;
    else if (key == "ID") id.os_family = value;
  }
  return id;
}

namespace {

// A pipe's two ends, closed when it goes out of scope.
struct Pipe {
  int fd[2] = {-1, -1};
  ~Pipe() {
    for (int& f : fd) Close(f);
  }
  static void Close(int& f) {
    if (f >= 0) ::close(f);
    f = -1;
  }
};

}  // namespace

std::optional<ProgramOutput> RunProgram(const std::vector<std::string>& argv,
                                        const ProgramLimits& limits) {
  const std::string& name = argv.at(0);
  Pipe out, err;
  if (pipe2(out.fd, O_CLOEXEC) != 0 || pipe2(err.fd, O_CLOEXEC) != 0) {
    throw EvidenceError("cannot run " + name + ": pipe: " + strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out.fd[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err.fd[1], 2);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, name.c_str(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc == ENOENT) return std::nullopt;
  if (rc != 0) throw EvidenceError("cannot run " + name + ": " + strerror(rc));
  Pipe::Close(out.fd[1]);
  Pipe::Close(err.fd[1]);

  ProgramOutput result;
  bool hung = false, too_much = false;
  std::vector<char> buf(1 << 16);
  int* readers[2] = {&out.fd[0], &err.fd[0]};
  while (*readers[0] >= 0 || *readers[1] >= 0) {
    pollfd fds[2] = {{*readers[0], POLLIN, 0}, {*readers[1], POLLIN, 0}};
    const int ready = poll(fds, 2, limits.quiet_timeout_ms);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      hung = true;
      break;
    }
    for (int i = 0; i < 2 && !too_much; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t n = ::read(fds[i].fd, buf.data(), buf.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        Pipe::Close(*readers[i]);
        continue;
      }
      std::string& into = i == 0 ? result.out : result.err;
      const size_t limit = i == 0 ? limits.max_out : limits.max_err;
      if (into.size() + static_cast<size_t>(n) <= limit) {
        into.append(buf.data(), static_cast<size_t>(n));
      } else if (i == 0) {
        too_much = true;
      }
    }
    if (too_much) break;
  }
  if (hung || too_much) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (hung) {
    throw EvidenceError(name + " printed nothing for " +
                        std::to_string(limits.quiet_timeout_ms / 1000) +
                        " s and was stopped");
  }
  if (too_much) {
    throw EvidenceError(name + " printed more than " + std::to_string(limits.max_out) +
                        " bytes; stopped, not read");
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace contraband::host
