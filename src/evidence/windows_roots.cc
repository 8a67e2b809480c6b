#include "evidence/windows_roots.h"

#include <algorithm>
#include <deque>
#include <initializer_list>
#include <map>
#include <memory>
#include <utility>

#include "common/wildcard.h"
#include "evidence/rerooted_vfs.h"
#include "evidence/root_finder.h"

namespace contraband {
namespace {

constexpr size_t kMaxFoldersVisited = 2000;  // bounds hostile fan-out
constexpr int kMaxDriveDepth = 4;

std::string Join(const std::string& dir, const std::string& name) {
  return dir == "/" ? "/" + name : dir + "/" + name;
}

std::vector<DirEntry> ListOrNothing(Vfs& vfs, const std::string& dir) {
  try {
    return vfs.List(dir);
  } catch (const EvidenceError&) {
    return {};
  }
}

// The names of the sub-folders of `dir`, lower case and URL-decoded (a
// Velociraptor drive holds "Program%20Files" in some versions).
std::vector<std::string> FolderNames(Vfs& vfs, const std::string& dir) {
  std::vector<std::string> out;
  for (const DirEntry& e : ListOrNothing(vfs, dir)) {
    if (e.type == FileType::kDirectory) {
      out.push_back(AsciiLower(PercentDecode(e.name)));
    }
  }
  return out;
}

bool HasAny(const std::vector<std::string>& names,
            std::initializer_list<std::string_view> wanted) {
  return std::any_of(names.begin(), names.end(), [&](const std::string& n) {
    return std::find(wanted.begin(), wanted.end(), n) != wanted.end();
  });
}

bool IsWindowsTree(Vfs& vfs, const std::string& dir, bool users_suffice) {
  const std::vector<std::string> names = FolderNames(vfs, dir);
  if (HasAny(names, {"program files", "program files (x86)", "programdata",
                     "documents and settings"})) {
    return true;
  }
  if (users_suffice && HasAny(names, {"users", "windows"})) return true;
  if (!HasAny(names, {"windows"})) return false;
  for (const DirEntry& e : ListOrNothing(vfs, dir)) {
    if (AsciiLower(PercentDecode(e.name)) != "windows") continue;
    if (HasAny(FolderNames(vfs, Join(dir, e.name)), {"system32"})) return true;
  }
  return false;
}

// The drive letter a collection folder's name stands for, or 0: "C", "c:",
// "C%3A" (Velociraptor's auto accessor), "\\.\C:" as "%5C%5C.%5CC%3A" (its
// ntfs accessor).
char DriveLetterOf(std::string_view name) {
  const std::string decoded = PercentDecode(name);
  std::string_view n = decoded;
  if (n.substr(0, 4) == "\\\\.\\") n.remove_prefix(4);
  if (n.size() == 2 && n[1] == ':') n.remove_suffix(1);
  if (n.size() != 1) return 0;
  const char c = n[0];
  if (c >= 'a' && c <= 'z') return static_cast<char>(c - 32);
  if (c >= 'A' && c <= 'Z') return c;
  return 0;
}

}  // namespace

bool LooksLikeWindowsRoot(Vfs& vfs) { return IsWindowsTree(vfs, "/", false); }

std::vector<WindowsDrive> FindWindowsDrives(Vfs& vfs) {
  // The root of a system (Linux, iOS, Android, macOS or Windows itself) is
  // not a collection: not worth a walk.
  if (LooksLikeWindowsRoot(vfs) || LooksLikeSystemRoot(vfs, "/")) return {};
  std::map<char, WindowsDrive> drives;
  int found_depth = -1;
  std::deque<std::pair<std::string, int>> queue = {{"/", 0}};
  size_t visited = 0;
  while (!queue.empty() && visited++ < kMaxFoldersVisited) {
    auto [dir, depth] = queue.front();
    queue.pop_front();
    // Drives are siblings: once found, deeper folders are inside them.
    if (found_depth >= 0 && depth >= found_depth) break;
    if (depth >= kMaxDriveDepth) continue;
    for (const DirEntry& e : ListOrNothing(vfs, dir)) {
      if (e.type != FileType::kDirectory) continue;
      const std::string path = Join(dir, e.name);
      const char letter = DriveLetterOf(e.name);
      if (letter && IsWindowsTree(vfs, path, true)) {
        WindowsDrive& d = drives[letter];
        d.letter = letter;
        d.folders.push_back(path);
        d.encoded_names = d.encoded_names || e.name.find('%') != std::string::npos;
        found_depth = depth + 1;
        continue;
      }
      queue.emplace_back(path, depth + 1);
    }
  }
  std::vector<WindowsDrive> out;
  for (auto& [letter, d] : drives) out.push_back(std::move(d));
  return out;
}

void PrepareWindowsVolumes(OpenedEvidence& ev) {
  if (ev.kind == "host") return;  // the live host is this Linux system
  std::vector<EvidenceVolume> volumes;
  for (EvidenceVolume& vol : ev.volumes) {
    std::vector<WindowsDrive> drives = FindWindowsDrives(*vol.vfs);
    if (drives.empty()) {
      if (!vol.vfs->fold_case() && LooksLikeWindowsRoot(*vol.vfs)) {
        vol.vfs->set_fold_case(true);
      }
      volumes.push_back(std::move(vol));
      continue;
    }
    std::shared_ptr<Vfs> base(std::move(vol.vfs));
    for (WindowsDrive& d : drives) {
      EvidenceVolume drive;
      // "C", so a location reads "collection.zip#C:/Program Files/...".
      const std::string letter(1, d.letter);
      drive.name = vol.name.empty() ? letter : vol.name + "/" + letter;
      drive.chain = vol.chain;
      for (size_t i = 0; i < d.folders.size(); ++i) {
        drive.chain += (i == 0 ? " > " : " + ") + d.folders[i].substr(1);
      }
      drive.snapshot_of = vol.snapshot_of;
      drive.snapshot_time = vol.snapshot_time;
      drive.vfs = std::make_unique<RerootedVfs>(base, std::move(d.folders),
                                                d.encoded_names);
      drive.vfs->set_fold_case(true);  // a drive of a Windows collection
      volumes.push_back(std::move(drive));
    }
  }
  ev.volumes = std::move(volumes);
}

}  // namespace contraband
