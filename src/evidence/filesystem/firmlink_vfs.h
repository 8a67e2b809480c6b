// macOS 10.15 and later install on two APFS volumes: a read-only System
// volume and a writable Data volume. The system joins them into one tree
// with firmlinks (listed in the System volume's /usr/share/firmlinks: a
// folder of the System volume TAB a folder of the Data volume) and mounts
// the Data volume at /System/Volumes/Data. FirmlinkVfs makes the same join
// over any two Vfs, so a scan sees one root, as a running Mac does.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "evidence/path_resolver.h"
#include "evidence/vfs.h"

namespace contraband {

struct Firmlink {
  std::string system_path;  ///< evidence-absolute on the System volume
  std::string data_path;    ///< evidence-absolute on the Data volume
};

/// Where macOS mounts the Data volume in the joined tree.
inline constexpr std::string_view kDataVolumeMount = "/System/Volumes/Data";

/// The largest firmlinks file read and the most lines taken from it.
inline constexpr uint64_t kMaxFirmlinksBytes = 64 * 1024;
inline constexpr size_t kMaxFirmlinks = 1024;

/// Parses /usr/share/firmlinks: one "/System/path<TAB>data/path" a line.
/// Lines without a tab, with an empty side, a relative system path, or a
/// side that names the root are skipped, as are repeats of a system path.
/// Reads at most kMaxFirmlinksBytes and kMaxFirmlinks lines. Never throws.
std::vector<Firmlink> ParseFirmlinks(std::string_view text);

/// The firmlinks of macOS 10.15, for a System/Data pair whose firmlinks file
/// cannot be read.
std::vector<Firmlink> DefaultFirmlinks();

/// One tree from a System and a Data volume. A path at or under a firmlinked
/// folder is read from the Data volume, as is everything under
/// /System/Volumes/Data; the rest from the System volume. A firmlink whose
/// Data folder is missing is ignored (the System folder shows through).
/// Firmlinked folders match without regard to ASCII case, as on a default
/// (case-insensitive) macOS volume.
/// Symlinks resolve over the joined tree, inside it only (ResolveInRoot):
/// the System volume's /etc -> private/etc reaches the Data volume's
/// /private/etc. For that a volume must also be a LinkLookup (InodeTreeVfs
/// is); over a plain Vfs each volume resolves its own links.
class FirmlinkVfs : public Vfs {
 public:
  FirmlinkVfs(std::unique_ptr<Vfs> system, std::unique_ptr<Vfs> data,
              std::vector<Firmlink> firmlinks);
  ~FirmlinkVfs() override;
  FirmlinkVfs(const FirmlinkVfs&) = delete;
  FirmlinkVfs& operator=(const FirmlinkVfs&) = delete;

  std::optional<FileInfo> Stat(std::string_view path) override;
  std::vector<DirEntry> List(std::string_view path) override;
  std::string Read(std::string_view path, uint64_t max_bytes) override;
  void ReadChunks(std::string_view path, uint64_t max_bytes,
                  const ChunkConsumer& consume) override;
  std::string ReadRange(std::string_view path, uint64_t offset,
                        uint64_t length) override;

  /// The firmlinks in effect (those whose Data folder exists), and the
  /// Data volume's mount, sorted by system path.
  const std::vector<Firmlink>& active() const { return links_; }

 private:
  class Lookup;
  struct Route {
    Vfs* vfs = nullptr;
    LinkLookup* links = nullptr;  ///< null: the volume resolves its own links
    std::string path;             ///< on that volume
    bool on_data = false;
  };
  Route RouteOf(const std::string& joined) const;
  /// Whether `joined` is a folder above a firmlink or the mount, which the
  /// join shows even when the System volume lacks it.
  bool AboveLink(const std::string& joined) const;

  std::unique_ptr<Vfs> system_;
  std::unique_ptr<Vfs> data_;
  LinkLookup* system_links_;
  LinkLookup* data_links_;
  std::vector<Firmlink> links_;
};

}  // namespace contraband
