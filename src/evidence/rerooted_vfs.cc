#include "evidence/rerooted_vfs.h"

#include <map>

#include "common/wildcard.h"

namespace contraband {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string Join(const std::string& dir, std::string_view name) {
  std::string out = dir == "/" ? "" : dir;
  out += '/';
  out += name;
  return out;
}

}  // namespace

std::string PercentDecode(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '%' && i + 2 < name.size()) {
      const int hi = HexValue(name[i + 1]);
      const int lo = HexValue(name[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += name[i];
  }
  return out;
}

RerootedVfs::RerootedVfs(std::shared_ptr<Vfs> base,
                         std::vector<std::string> folders, bool decode_names)
    : base_(std::move(base)),
      folders_(std::move(folders)),
      decode_names_(decode_names) {}

std::optional<std::string> RerootedVfs::InBase(const std::string& folder,
                                               std::string_view path) {
  const std::string normal = NormalizeEvidencePath(path);
  if (!decode_names_) {
    return normal == "/" ? folder : folder + normal;
  }
  // Each component as stored: the name itself when it needs no encoding,
  // else the listed entry whose decoded name it is.
  std::string at = folder;
  for (std::string_view comp : SplitPath(normal)) {
    const std::string direct = Join(at, comp);
    if (base_->Stat(direct)) {
      at = direct;
      continue;
    }
    std::optional<FileInfo> dir = base_->Stat(at);
    if (!dir || dir->type != FileType::kDirectory) return std::nullopt;
    bool found = false;
    for (const DirEntry& e : base_->List(at)) {
      if (e.name.find('%') != std::string::npos &&
          PercentDecode(e.name) == comp) {
        at = Join(at, e.name);
        found = true;
        break;
      }
    }
    if (!found) return std::nullopt;
  }
  return at;
}

std::optional<FileInfo> RerootedVfs::Stat(std::string_view path) {
  for (const std::string& folder : folders_) {
    std::optional<std::string> real;
    try {
      real = InBase(folder, path);
    } catch (const EvidenceError&) {
      continue;
    }
    if (!real) continue;
    if (std::optional<FileInfo> info = base_->Stat(*real)) return info;
  }
  return std::nullopt;
}

std::vector<DirEntry> RerootedVfs::List(std::string_view path) {
  std::map<std::string, DirEntry> merged;
  bool any = false;
  for (const std::string& folder : folders_) {
    std::optional<std::string> real = InBase(folder, path);
    if (!real) continue;
    std::optional<FileInfo> info = base_->Stat(*real);
    if (!info || info->type != FileType::kDirectory) continue;
    any = true;
    for (DirEntry& e : base_->List(*real)) {
      if (decode_names_) e.name = PercentDecode(e.name);
      merged.emplace(e.name, std::move(e));  // the first folder's wins
    }
  }
  if (!any) {
    throw EvidenceError(std::string(path) + " is not a folder in " +
                        folders_.front());
  }
  std::vector<DirEntry> out;
  out.reserve(merged.size());
  for (auto& [name, e] : merged) out.push_back(std::move(e));
  return out;
}

std::string RerootedVfs::FileInBase(std::string_view path) {
  for (const std::string& folder : folders_) {
    std::optional<std::string> real = InBase(folder, path);
    if (!real) continue;
    std::optional<FileInfo> info = base_->Stat(*real);
    if (info && info->type == FileType::kRegular) return *real;
  }
  throw EvidenceError(std::string(path) + " does not exist in " +
                      folders_.front());
}

std::string RerootedVfs::Read(std::string_view path, uint64_t max_bytes) {
  std::string data = base_->Read(FileInBase(path), max_bytes);
  CountRead(data.size());
  return data;
}

void RerootedVfs::ReadChunks(std::string_view path, uint64_t max_bytes,
                             const ChunkConsumer& consume) {
  const std::string real = FileInBase(path);
  CountFile();
  base_->ReadChunks(real, max_bytes, [&](std::string_view chunk) {
    CountBytes(chunk.size());
    consume(chunk);
  });
}

std::string RerootedVfs::ReadRange(std::string_view path, uint64_t offset,
                                   uint64_t length) {
  std::string data = base_->ReadRange(FileInBase(path), offset, length);
  CountRange(path, data.size());
  return data;
}

}  // namespace contraband
