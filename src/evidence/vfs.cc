#include "evidence/vfs.h"

#include <algorithm>
#include <functional>

#include "common/wildcard.h"

namespace contraband {
namespace {

std::string Join(const std::string& dir, std::string_view name) {
  return dir == "/" ? "/" + std::string(name) : dir + "/" + std::string(name);
}

bool MatchComponents(const std::vector<std::string_view>& pat, size_t pi,
                     const std::vector<std::string_view>& path, size_t ti) {
  while (pi < pat.size()) {
    if (pat[pi] == "**") {
      for (size_t k = ti; k <= path.size(); ++k) {
        if (MatchComponents(pat, pi + 1, path, k)) return true;
      }
      return false;
    }
    if (ti >= path.size() || !WildcardMatch(pat[pi], path[ti])) return false;
    ++pi;
    ++ti;
  }
  return ti == path.size();
}

}  // namespace

std::string Vfs::CollectChunks(std::string_view path, uint64_t max_bytes) {
  std::string data;
  ReadChunks(path, max_bytes,
             [&data](std::string_view chunk) { data.append(chunk); });
  return data;
}

void Vfs::ReadChunks(std::string_view path, uint64_t max_bytes,
                     const ChunkConsumer& consume) {
  const std::string data = Read(path, max_bytes);  // counted by Read
  if (!data.empty()) consume(data);
}

std::string Vfs::ReadRange(std::string_view path, uint64_t offset,
                           uint64_t length) {
  // Stops the read once the range is complete; ReadChunks lets an
  // exception from its consumer end the read.
  struct RangeComplete {};
  std::string out;
  uint64_t pos = 0;  // file offset of the next piece
  try {
    ReadChunks(path, UINT64_MAX, [&](std::string_view chunk) {
      const uint64_t end = pos + chunk.size();
      if (end > offset && length > 0) {
        const uint64_t from = offset > pos ? offset - pos : 0;
        const uint64_t take =
            std::min<uint64_t>(chunk.size() - from, length - out.size());
        out.append(chunk.substr(static_cast<size_t>(from),
                                static_cast<size_t>(take)));
      }
      pos = end;
      if (out.size() == length) throw RangeComplete{};
    });
  } catch (const RangeComplete&) {
  }
  return out;  // counted by ReadChunks: every byte it read
}

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > pos) out.push_back(path.substr(pos, slash - pos));
    pos = slash + 1;
  }
  return out;
}

std::string NormalizeEvidencePath(std::string_view path) {
  std::vector<std::string_view> parts;
  for (std::string_view c : SplitPath(path)) {
    if (c == ".") continue;
    if (c == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.push_back(c);
  }
  std::string out;
  for (std::string_view c : parts) {
    out.push_back('/');
    out.append(c);
  }
  return out.empty() ? "/" : out;
}

std::string ParentPath(std::string_view path) {
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos || slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

std::string_view BaseName(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool GlobMatch(std::string_view pattern, std::string_view path) {
  return MatchComponents(SplitPath(pattern), 0, SplitPath(path), 0);
}

std::vector<std::string> Glob(Vfs& vfs, std::string_view pattern,
                              size_t max_results, int max_depth) {
  const std::vector<std::string_view> parts = SplitPath(pattern);
  const bool fold = vfs.fold_case();
  std::vector<std::string> out;

  auto list = [&](const std::string& dir) -> std::vector<DirEntry> {
    // Most patterns name folders a given system lacks; asking first avoids
    // an exception per absent folder, which is the costly path.
    std::optional<FileInfo> info = vfs.Stat(dir);
    if (!info || info->type != FileType::kDirectory) return {};
    try {
      return vfs.List(dir);
    } catch (const EvidenceError&) {
      return {};  // not a folder, or unreadable: nothing below it matches
    }
  };

  std::function<void(const std::string&, size_t, int)> expand =
      [&](const std::string& prefix, size_t idx, int depth) {
        if (out.size() >= max_results) return;
        if (idx == parts.size()) {
          if (vfs.Stat(prefix)) out.push_back(prefix);
          return;
        }
        std::string_view comp = parts[idx];
        if (comp == "**") {
          expand(prefix, idx + 1, depth);
          if (depth >= max_depth) return;
          for (const DirEntry& e : list(prefix)) {
            // Links are not followed by **, so a link loop cannot recurse.
            if (e.type == FileType::kDirectory) {
              expand(Join(prefix, e.name), idx, depth + 1);
            }
          }
          return;
        }
        // A literal name is looked up directly, unless the root folds case:
        // then the folder is listed so the name is found, and returned, in
        // whatever spelling the evidence has.
        if (!fold && !HasWildcard(comp)) {
          expand(Join(prefix, comp), idx + 1, depth);
          return;
        }
        for (const DirEntry& e : list(prefix)) {
          if (WildcardMatch(comp, e.name, fold)) {
            expand(Join(prefix, e.name), idx + 1, depth);
          }
        }
      };
  expand("/", 0, 0);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace contraband
