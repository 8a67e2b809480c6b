// Everything that touches the host operating system lives behind this header
// (one .cc per OS), so a Windows or macOS port replaces only host_os_posix.cc.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "evidence/vfs.h"

namespace contraband::host {

/// A read-only handle on a host folder used as an evidence root.
class RootHandle {
 public:
  /// Opens `dir`; throws EvidenceError naming it when it cannot be opened.
  explicit RootHandle(const std::string& dir);
  ~RootHandle();
  RootHandle(const RootHandle&) = delete;
  RootHandle& operator=(const RootHandle&) = delete;

  /// The node at evidence path `rel` (already free of symlinks) without
  /// following a final link; nullopt when absent.
  std::optional<FileInfo> Lstat(const std::string& rel) const;
  std::string ReadLink(const std::string& rel) const;
  /// Directory entries, unsorted. Every component is opened without
  /// following links, so a link swapped in mid-scan cannot lead outside.
  std::vector<DirEntry> List(const std::string& rel) const;
  /// A regular file's bytes (at most max_bytes, else EvidenceError), opened
  /// without following links and without updating its access time.
  std::string Read(const std::string& rel, uint64_t max_bytes) const;
  /// The same file, opened and bounded the same way, handed to `consume` in
  /// pieces of at most 1 MiB read into one reused buffer. Calls `opened`
  /// once the file passed its checks, before the first piece.
  void ReadChunks(const std::string& rel, uint64_t max_bytes,
                  const std::function<void()>& opened,
                  const ChunkConsumer& consume) const;
  /// Up to `length` bytes at `offset` of the same file, opened the same way
  /// (no size bound), read with pread: fewer at the end of the file.
  std::string ReadRange(const std::string& rel, uint64_t offset,
                        uint64_t length) const;

 private:
  int OpenDirBeneath(const std::string& rel) const;
  /// A regular file beneath the root, opened without following links and
  /// checked against max_bytes; its size in `size`. The caller closes it.
  int OpenFileBeneath(const std::string& rel, uint64_t max_bytes,
                      uint64_t& size) const;
  int root_fd_ = -1;
  std::string root_;
};

/// A host file opened read-only (without updating its access time), for
/// containers read in place: archives and disk images.
class InputFile {
 public:
  /// Throws EvidenceError naming `path` when it cannot be opened.
  explicit InputFile(const std::string& path);
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  /// Up to `n` bytes at the current position; 0 at the end. Throws on error.
  size_t Read(void* buf, size_t n);
  /// Bytes at `offset`, not moving the current position.
  size_t ReadAt(void* buf, size_t n, uint64_t offset);
  /// Moves like lseek(2); returns the new position or -1.
  int64_t Seek(int64_t offset, int whence);
  uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  uint64_t size_ = 0;
  std::string path_;
};

/// What a host path is: nullopt when it does not exist.
std::optional<FileType> PathType(const std::string& path);

/// Whether host folder `path` is the host's own root directory ("/", ".."
/// from "/", a link to it), compared by device and inode.
bool IsHostRoot(const std::string& path);

/// Whether standard error is an interactive terminal (progress display).
bool StderrIsTerminal();

/// Wall-clock time as RFC 3339 UTC ("2026-11-22T06:00:00Z").
std::string NowRfc3339();

/// Who the live host is, for reports fleets collect (ECS host.*): empty
/// fields where the host does not say.
struct HostIdentity {
  std::string name;        ///< gethostname
  std::string id;          ///< /etc/machine-id
  std::string os_name;     ///< os-release NAME
  std::string os_version;  ///< os-release VERSION_ID
  std::string os_family;   ///< os-release ID ("debian")
};
HostIdentity ReadHostIdentity();

/// Lowers this process to the lowest CPU priority (nice 19) and the idle
/// I/O class. Returns what the kernel reports afterwards, in words
/// ("running at nice 19, I/O class idle"), or why it could not.
std::string LowerPriority();

/// What a program printed and how it ended (-1: it did not exit normally).
struct ProgramOutput {
  int exit_code = -1;
  std::string out, err;
};

/// Bounds on a program run by RunProgram.
struct ProgramLimits {
  size_t max_out = 64u << 20;    ///< more on stdout: killed, EvidenceError
  size_t max_err = 64u << 10;    ///< more on stderr is dropped
  int quiet_timeout_ms = 120'000;  ///< silent this long: killed, EvidenceError
};

/// Runs `argv` without a shell (argv[0] looked up on PATH), standard input
/// from /dev/null, and collects what it prints: for the live devices read
/// through their vendors' tools (adb, ideviceinstaller). nullopt when the
/// program is not found; EvidenceError naming it when it cannot be started,
/// prints more than the limit, or falls silent past the timeout.
std::optional<ProgramOutput> RunProgram(const std::vector<std::string>& argv,
                                        const ProgramLimits& limits);

}  // namespace contraband::host
