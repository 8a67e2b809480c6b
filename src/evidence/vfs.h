// The only way collectors and the scan core touch evidence: a read-only view of
// one evidence root. Paths are evidence-absolute ("/var/lib/dpkg/status");
// symlinks resolve inside the root and can never reach a file outside it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace contraband {

/// Evidence could not be read: a missing file, an I/O error, a symlink loop,
/// a file larger than the caller's bound. The message names the path.
class EvidenceError : public std::runtime_error {
 public:
  explicit EvidenceError(const std::string& what) : std::runtime_error(what) {}
};

enum class FileType { kRegular, kDirectory, kSymlink, kOther };

struct FileInfo {
  FileType type = FileType::kOther;
  uint64_t size = 0;
  int64_t mtime = 0;   ///< seconds since the epoch, 0 when unknown
  int64_t uid = -1;    ///< owner as the evidence records it, -1 when unknown
};

struct DirEntry {
  std::string name;
  FileType type = FileType::kOther;  ///< kSymlink for links (not followed)
};

/// A file a collector wants, by glob pattern over evidence-absolute paths
/// (see GlobMatch), and the largest such file it is willing to parse.
/// Streaming sources (tar) keep only entries that may satisfy a request.
struct FileRequest {
  std::string pattern;
  uint64_t max_bytes = 64ull << 20;
  /// Only the file's presence matters (an install marker): it is never read,
  /// and the collector gets its path and FileInfo with empty data.
  bool name_only = false;
  /// The collector takes the file in pieces (EvidenceFile::ReadChunks) as it
  /// is read, so memory does not grow with the file: for record databases
  /// that may hold millions of records (dpkg's status).
  bool stream = false;
  /// Asked only of roots whose names match in any case (Vfs::fold_case):
  /// Windows volumes, where a broad pattern ("/*/*/NTUSER.DAT") is cheap
  /// and meaningful, not of every Linux root.
  bool fold_case_only = false;
  /// The collector reads only the parts it needs, at offsets it computes
  /// (EvidenceFile::read_at), for formats with an index: a PE's headers,
  /// version resource and certificate table are a few KiB of a file that
  /// may be hundreds of MiB. Sources that read in place (folders, images)
  /// do not bound the file's size by max_bytes; a one-pass archive has only
  /// what it kept, so there an entry over max_bytes is not readable.
  bool ranges = false;
};

/// Receives a file's bytes one piece at a time, in order.
using ChunkConsumer = std::function<void(std::string_view chunk)>;

class Vfs {
 public:
  virtual ~Vfs() = default;

  /// Information about `path` after resolving symlinks inside the root, or
  /// nullopt when nothing is there (including dangling or looping links).
  virtual std::optional<FileInfo> Stat(std::string_view path) = 0;

  /// The entries of directory `path` (symlinks resolved on the way to it),
  /// sorted by name. Throws EvidenceError when it is not a readable directory.
  virtual std::vector<DirEntry> List(std::string_view path) = 0;

  /// The contents of regular file `path`. Throws EvidenceError when it is
  /// missing, not a regular file, unreadable, or larger than max_bytes.
  virtual std::string Read(std::string_view path, uint64_t max_bytes) = 0;

  /// The contents of regular file `path` handed to `consume` in order, in
  /// non-empty pieces (none for an empty file), so a caller can parse a large
  /// file without holding it: sources that read from disk (host folders,
  /// filesystems in images) use pieces of at most 1 MiB; the default reads
  /// the whole file with Read and hands it over as one piece. Same checks and
  /// errors as Read; a read error after some pieces throws EvidenceError, and
  /// an exception from `consume` stops the read and propagates.
  virtual void ReadChunks(std::string_view path, uint64_t max_bytes,
                          const ChunkConsumer& consume);

  /// Up to `length` bytes of regular file `path` from `offset`: fewer at its
  /// end, none at or past it (FileRequest::ranges). Only those bytes are
  /// read where the source allows (host folders with pread, filesystems in
  /// images, kept archive entries); the default reads the file with
  /// ReadChunks up to the range and skips what lies before it. Throws
  /// EvidenceError when the file is missing, not a regular file, not kept
  /// (an archive entry) or unreadable; no max_bytes check: the caller
  /// bounds `length`.
  virtual std::string ReadRange(std::string_view path, uint64_t offset,
                                uint64_t length);

  /// Bytes handed out by Read, ReadChunks and ReadRange so far, and the files they came
  /// from; feeds the report's stats.
  uint64_t bytes_read() const { return bytes_read_; }
  uint64_t files_read() const { return files_read_; }

  /// Whether names in this root compare without regard to ASCII case, as
  /// Windows (and a case-insensitive macOS volume) sees them. Decided once
  /// per root: by the filesystem itself (NTFS, FAT, exFAT, case-insensitive
  /// HFS+ and APFS), or by the evidence layer for a Windows tree copied to a
  /// folder or an archive (see evidence/windows_roots.h). Glob honours it, so
  /// a collector's "/Windows/System32/config/SOFTWARE" finds
  /// "WINDOWS/system32/CONFIG/software" under its real spelling.
  virtual bool fold_case() const { return fold_case_; }
  void set_fold_case(bool fold) { fold_case_ = fold; }

 protected:
  void CountRead(uint64_t bytes) {
    bytes_read_ += bytes;
    ++files_read_;
  }
  /// Read for a source whose ReadChunks is the real reader: the pieces,
  /// joined.
  std::string CollectChunks(std::string_view path, uint64_t max_bytes);
  /// For ReadChunks: one file opened, then each piece as it is handed out.
  void CountFile() { ++files_read_; }
  void CountBytes(uint64_t bytes) { bytes_read_ += bytes; }
  /// For ReadRange: the bytes of one range, and a file each time the ranges
  /// move on to another path.
  void CountRange(std::string_view path, uint64_t bytes) {
    bytes_read_ += bytes;
    if (path != last_range_path_) {
      ++files_read_;
      last_range_path_.assign(path);
    }
  }

 private:
  std::string last_range_path_;
  uint64_t bytes_read_ = 0;
  uint64_t files_read_ = 0;
  bool fold_case_ = false;
};

/// The non-empty components of a '/'-separated path, as views into it: no
/// "." or ".." handling ("/a//b/" gives "a", "b").
std::vector<std::string_view> SplitPath(std::string_view path);

/// Joins and normalises an evidence path: collapses "//" and ".", resolves
/// ".." lexically without ever climbing above "/". Always starts with "/".
std::string NormalizeEvidencePath(std::string_view path);

/// The parent folder and last component of a normalised evidence path.
std::string ParentPath(std::string_view path);
std::string_view BaseName(std::string_view path);

/// Whether `path` matches `pattern`, both evidence-absolute. In a pattern `*`
/// and `?` match within one path component and `[...]` is a character class;
/// `**` as a whole component matches zero or more components.
bool GlobMatch(std::string_view pattern, std::string_view path);

/// Every existing path in `vfs` that matches `pattern` (see GlobMatch),
/// sorted, each under its real spelling. On a root that folds case
/// (Vfs::fold_case) every component, literal or not, matches in any ASCII
/// case. Walks only the folders the pattern can reach; descends at most
/// `max_depth` levels for `**` and returns at most `max_results` paths.
std::vector<std::string> Glob(Vfs& vfs, std::string_view pattern,
                              size_t max_results = 100000,
                              int max_depth = 16);

}  // namespace contraband
