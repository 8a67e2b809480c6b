#include "evidence/root_finder.h"

#include <deque>
#include <initializer_list>
#include <utility>

#include "common/wildcard.h"

namespace contraband {
namespace {

std::string Join(const std::string& dir, const std::string& name) {
  return dir == "/" ? "/" + name : dir + "/" + name;
}

// Case-insensitive lookup of one child folder: Windows exports and FAT media
// spell "WINDOWS/system32" as they please.
std::string ChildDir(Vfs& vfs, const std::string& dir, std::string_view name) {
  std::vector<DirEntry> entries;
  try {
    entries = vfs.List(dir);
  } catch (const EvidenceError&) {
    return {};
  }
  const std::string want = AsciiLower(name);
  for (const DirEntry& e : entries) {
    if (AsciiLower(e.name) != want) continue;
    std::string path = Join(dir, e.name);
    std::optional<FileInfo> info = vfs.Stat(path);
    if (info && info->type == FileType::kDirectory) return path;
  }
  return {};
}

bool HasDirs(Vfs& vfs, const std::string& dir,
             std::initializer_list<std::string_view> chain) {
  std::string at = dir;
  for (std::string_view name : chain) {
    at = ChildDir(vfs, at, name);
    if (at.empty()) return false;
  }
  return true;
}

bool HasFile(Vfs& vfs, const std::string& dir, std::string_view name) {
  std::optional<FileInfo> info = vfs.Stat(Join(dir, std::string(name)));
  return info && info->type == FileType::kRegular;
}

// An iPhone's root as some extraction tools write it, "private/" dropped:
// var/containers/Bundle, var/mobile or var/installd (none of which a Linux
// or macOS /var has).
bool LooksLikeIosVarRoot(Vfs& vfs, const std::string& dir) {
  return HasDirs(vfs, dir, {"var", "containers", "Bundle"}) ||
         HasDirs(vfs, dir, {"var", "mobile"}) ||
         HasDirs(vfs, dir, {"var", "installd"});
}

}  // namespace

bool LooksLikeIosBackup(Vfs& vfs, const std::string& dir) {
  return HasFile(vfs, dir, "Manifest.db") &&
         (HasFile(vfs, dir, "Info.plist") ||
          HasFile(vfs, dir, "Manifest.plist"));
}

bool LooksLikeSystemRoot(Vfs& vfs, const std::string& dir) {
  return (HasDirs(vfs, dir, {"var"}) && HasDirs(vfs, dir, {"etc"})) ||
         HasDirs(vfs, dir, {"private", "var"}) || LooksLikeIosVarRoot(vfs, dir) ||
         HasDirs(vfs, dir, {"Windows", "System32", "config"}) ||
         HasDirs(vfs, dir, {"data", "system"}) ||
         (HasDirs(vfs, dir, {"Applications"}) && HasDirs(vfs, dir, {"Library"})) ||
         LooksLikeIosBackup(vfs, dir);
}

bool LooksLikeIosRoot(Vfs& vfs, const std::string& dir) {
  return HasDirs(vfs, dir, {"private", "var", "containers", "Bundle"}) ||
         HasDirs(vfs, dir, {"private", "var", "mobile"}) ||
         LooksLikeIosVarRoot(vfs, dir);
}

namespace {

// Breadth first, shallowest match wins; "" when none.
std::string FindRootWhere(Vfs& vfs, int max_depth,
                          bool (*looks_like)(Vfs&, const std::string&)) {
  constexpr size_t kMaxFoldersVisited = 2000;  // bounds hostile fan-out
  // A bugreport zip copies device files under FS/ ("FS/data/system/...",
  // AOSP's bugreport-format.md): its root is its top, beside the report.
  if (vfs.Stat("/main-entry.txt") || vfs.Stat("/main_entry.txt")) return "/";
  std::deque<std::pair<std::string, int>> queue = {{"/", 0}};
  size_t visited = 0;
  while (!queue.empty() && visited++ < kMaxFoldersVisited) {
    auto [dir, depth] = queue.front();
    queue.pop_front();
    if (looks_like(vfs, dir)) return dir;
    if (depth >= max_depth) continue;
    std::vector<DirEntry> entries;
    try {
      entries = vfs.List(dir);
    } catch (const EvidenceError&) {
      continue;
    }
    for (const DirEntry& e : entries) {
      // Links are not followed: a root is a real folder of the extraction.
      if (e.type == FileType::kDirectory) {
        queue.emplace_back(Join(dir, e.name), depth + 1);
      }
    }
  }
  return {};
}

}  // namespace

std::string FindEvidenceRoot(Vfs& vfs, int max_depth) {
  std::string root = FindRootWhere(vfs, max_depth, &LooksLikeSystemRoot);
  return root.empty() ? "/" : root;
}

std::string FindIosRoot(Vfs& vfs, int max_depth) {
  return FindRootWhere(vfs, max_depth, &LooksLikeIosRoot);
}

}  // namespace contraband
