#include "evidence/path_resolver.h"

#include <deque>

namespace contraband {
namespace {

constexpr int kMaxLinks = 40;             // as Linux's MAXSYMLINKS
constexpr size_t kMaxComponents = 4096;   // bounds work on hostile link chains
constexpr size_t kMaxPathBytes = 64 * 1024;

void PushComponents(std::string_view path, std::deque<std::string>& queue) {
  const std::vector<std::string_view> parts = SplitPath(path);
  queue.insert(queue.begin(), parts.begin(), parts.end());
}

}  // namespace

std::optional<Resolved> ResolveInRoot(std::string_view path, LinkLookup& lookup,
                                      bool follow_last) {
  if (path.size() > kMaxPathBytes) {
    throw EvidenceError("path of " + std::to_string(path.size()) +
                        " bytes is longer than the 64 KiB limit");
  }
  std::deque<std::string> queue;
  PushComponents(path, queue);
  std::string resolved;  // "" is the root
  FileInfo info;
  info.type = FileType::kDirectory;
  int links = 0;
  size_t steps = 0;
  while (!queue.empty()) {
    if (++steps > kMaxComponents) {
      throw EvidenceError("resolving " + std::string(path) +
                          " takes more than 4096 steps");
    }
    std::string comp = std::move(queue.front());
    queue.pop_front();
    if (comp == ".") continue;
    if (comp == "..") {
      size_t slash = resolved.rfind('/');
      resolved.resize(slash == std::string::npos ? 0 : slash);
      info = FileInfo{};
      info.type = FileType::kDirectory;
      continue;
    }
    if (info.type != FileType::kDirectory) return std::nullopt;
    std::string candidate = resolved + "/" + comp;
    std::optional<FileInfo> node = lookup.Lstat(candidate);
    if (!node) return std::nullopt;
    if (node->type == FileType::kSymlink && (follow_last || !queue.empty())) {
      if (++links > kMaxLinks) {
        throw EvidenceError("too many levels of symbolic links resolving " +
                            std::string(path) + " (a link loop?)");
      }
      std::string target = lookup.ReadLink(candidate);
      if (target.size() > kMaxPathBytes) {
        throw EvidenceError("symbolic link " + candidate + " is too long");
      }
      if (!target.empty() && target[0] == '/') {
        resolved.clear();
        info = FileInfo{};
        info.type = FileType::kDirectory;
      }
      PushComponents(target, queue);
      continue;
    }
    resolved = std::move(candidate);
    info = *node;
  }
  return Resolved{resolved.empty() ? "/" : resolved, info};
}

std::optional<FileInfo> StatInRoot(std::string_view path, LinkLookup& lookup) {
  try {
    std::optional<Resolved> r = ResolveInRoot(path, lookup);
    if (!r) return std::nullopt;
    return r->info;
  } catch (const EvidenceError&) {
    return std::nullopt;  // a link loop: nothing usable is there
  }
}

Resolved ResolveFolderToList(std::string_view path, LinkLookup& lookup) {
  std::optional<Resolved> r = ResolveInRoot(path, lookup);
  if (!r) throw EvidenceError(std::string(path) + " does not exist");
  if (r->info.type != FileType::kDirectory) {
    throw EvidenceError(std::string(path) + " is not a folder");
  }
  return std::move(*r);
}

Resolved ResolveFileToRead(std::string_view path, LinkLookup& lookup,
                           uint64_t max_bytes) {
  std::optional<Resolved> r = ResolveInRoot(path, lookup);
  if (!r) throw EvidenceError(std::string(path) + " does not exist");
  if (r->info.type != FileType::kRegular) {
    throw EvidenceError(std::string(path) + " is not a regular file");
  }
  if (r->info.size > max_bytes) {
    throw EvidenceError(std::string(path) + " is " +
                        std::to_string(r->info.size) + " bytes, over the " +
                        std::to_string(max_bytes) + "-byte limit");
  }
  return std::move(*r);
}

}  // namespace contraband
