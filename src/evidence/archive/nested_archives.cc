#include "evidence/archive/nested_archives.h"

#include <functional>

#include "common/wildcard.h"

namespace contraband {
namespace {

bool LooksLikeArchiveName(const std::string& name) {
  static const char* kSuffixes[] = {
      ".zip", ".tar", ".tgz",  ".tar.gz", ".tar.xz", ".txz", ".tar.zst",
      ".tzst", ".tar.bz2", ".tbz2", ".tar.lz4", ".7z", ".ipa", ".apk",
      ".iso", ".cpio"};
  const std::string lower = AsciiLower(name);
  for (const char* s : kSuffixes) {
    const std::string suffix = s;
    if (lower.size() > suffix.size() &&
        lower.compare(lower.size() - suffix.size(), suffix.size(), suffix) == 0) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::vector<std::string> FindNestedArchives(Vfs& vfs) {
  constexpr int kMaxDepth = 8;
  constexpr size_t kMaxEntries = 200000;
  std::vector<std::string> found;
  size_t seen = 0;
  std::function<void(const std::string&, int)> walk = [&](const std::string& dir,
                                                          int depth) {
    std::vector<DirEntry> entries;
    try {
      entries = vfs.List(dir);
    } catch (const EvidenceError&) {
      return;
    }
    for (const DirEntry& e : entries) {
      if (++seen > kMaxEntries) return;
      const std::string path = dir == "/" ? "/" + e.name : dir + "/" + e.name;
      if (e.type == FileType::kRegular && LooksLikeArchiveName(e.name)) {
        found.push_back(path);
      } else if (e.type == FileType::kDirectory && depth < kMaxDepth) {
        walk(path, depth + 1);
      }
    }
  };
  walk("/", 0);
  return found;
}

}  // namespace contraband
