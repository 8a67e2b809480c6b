#include "collectors/windows/amcache_entries.h"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "collectors/windows/windows_time.h"
#include "common/wildcard.h"
#include "formats/parse_error.h"

namespace contraband {
namespace {

using Values = std::map<std::string, std::string>;  // lower-case name -> text

// Every value as text, each cut to kMaxAmcacheText bytes (at a UTF-8
// character boundary).
Values ReadValues(const RegfHive& hive, uint32_t key) {
  Values out;
  for (const RegfValue& v : hive.Values(key)) {
    // REG_MULTI_SZ (Programs' install folders): its first string.
    std::string text = v.type == kRegMultiSz ? RegfUtf16ToUtf8(v.data)
                                             : RegfValueText(v);
    if (text.size() > kMaxAmcacheText) {
      size_t cut = kMaxAmcacheText;
      while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
        --cut;
      }
      text.resize(cut);
    }
    out.emplace(AsciiLower(v.name), std::move(text));
  }
  return out;
}

std::string Get(const Values& v, std::string_view name) {
  auto it = v.find(std::string(name));
  return it == v.end() ? std::string() : it->second;
}

int64_t Number(std::string_view text) {
  if (text.empty() || text.size() > 19) return 0;
  int64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + (c - '0');
  }
  return n;
}

// FileId / value 101: "0000" then the file's SHA-1 in hex.
std::string Sha1OfFileId(std::string_view id) {
  if (id.size() == 44 && id.substr(0, 4) == "0000") id.remove_prefix(4);
  if (id.size() != 40) return {};
  std::string out;
  for (char c : id) {
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
                     (c >= 'A' && c <= 'F');
    if (!hex) return {};
    out += (c >= 'A' && c <= 'F') ? static_cast<char>(c + 32) : c;
  }
  return out;
}

std::string BaseNameOfWindowsPath(std::string_view path) {
  const size_t slash = path.find_last_of("\\/");
  return std::string(slash == std::string_view::npos ? path
                                                     : path.substr(slash + 1));
}

// Every subkey of the key at `path`, at most kMaxAmcacheEntries; a damaged
// subkey is a warning (the first few by name, then a count) and the rest
// are still read.
template <typename Fn>
void EachEntry(const RegfHive& hive, uint32_t parent, const std::string& path,
               const UninstallOutput& out, Fn fn) {
  std::vector<std::pair<std::string, uint32_t>> subkeys;
  try {
    subkeys = hive.Subkeys(parent);
  } catch (const ParseError& e) {
    out.warn(path + ": " + e.what() + "; its entries cannot be listed");
    return;
  }
  if (subkeys.size() > kMaxAmcacheEntries) {
    out.warn(path + ": " + std::to_string(subkeys.size()) +
             " entries; only the first " + std::to_string(kMaxAmcacheEntries) +
             " are read");
    subkeys.resize(kMaxAmcacheEntries);
  }
  constexpr size_t kListedDamage = 20;
  size_t damaged = 0;
  for (const auto& [name, offset] : subkeys) {
    if (hive.exhausted()) {
      out.warn(path +
               ": the hive's reading bound was reached; the rest of its "
               "entries are not read");
      break;
    }
    try {
      const std::string own = name.empty() ? hive.Name(offset) : name;
      fn(own, offset, path + "\\" + own);
    } catch (const ParseError& e) {
      if (++damaged <= kListedDamage) {
        out.warn(path + "\\" + name + ": damaged entry skipped (" + e.what() +
                 ")");
      }
    }
  }
  if (damaged > kListedDamage) {
    out.warn(path + ": " + std::to_string(damaged - kListedDamage) +
             " more damaged entries skipped");
  }
}

Software Removed(std::string ecosystem, std::string key_path) {
  Software sw;
  sw.ecosystem = std::move(ecosystem);
  sw.state = SoftwareState::kRemoved;
  sw.source_key = std::move(key_path);
  return sw;
}

void ReadInventoryApplication(const RegfHive& hive, uint32_t key,
                              const std::string& path,
                              const UninstallOutput& out) {
  EachEntry(hive, key, path, out,
            [&](const std::string& name, uint32_t entry,
                const std::string& key_path) {
              const Values v = ReadValues(hive, entry);
              const std::string family =
                  AsciiLower(Get(v, "source")) == "appxpackage"
                      ? PackageFamilyOfFullName(Get(v, "packagefullname"))
                      : std::string();
              Software sw = Removed(family.empty() ? "windows" : "msix",
                                    key_path);
              sw.id = family.empty() ? name : family;
              sw.name = Get(v, "name");
              sw.version = Get(v, "version");
              sw.publisher = Get(v, "publisher");
              sw.location = EvidencePathOfWindowsPath(Get(v, "rootdirpath"));
              sw.installed_at = AmcacheDateToRfc3339(Get(v, "installdate"));
              out.add(std::move(sw));
            });
}

void ReadInventoryApplicationFile(const RegfHive& hive, uint32_t key,
                                  const std::string& path,
                                  const UninstallOutput& out) {
  EachEntry(hive, key, path, out,
            [&](const std::string&, uint32_t entry,
                const std::string& key_path) {
              const Values v = ReadValues(hive, entry);
              const std::string file = Get(v, "lowercaselongpath");
              Software sw = Removed("installer", key_path);
              sw.id = Get(v, "name");
              if (sw.id.empty()) sw.id = BaseNameOfWindowsPath(file);
              sw.name = Get(v, "productname");
              if (sw.name.empty()) sw.name = sw.id;
              sw.version = Get(v, "version");
              if (sw.version.empty()) sw.version = Get(v, "binfileversion");
              sw.publisher = Get(v, "publisher");
              sw.location = EvidencePathOfWindowsPath(file);
              sw.file_sha1 = Sha1OfFileId(Get(v, "fileid"));
              out.add(std::move(sw));
            });
}

void ReadPrograms(const RegfHive& hive, uint32_t key, const std::string& path,
                  const UninstallOutput& out) {
  EachEntry(hive, key, path, out,
            [&](const std::string& name, uint32_t entry,
                const std::string& key_path) {
              const Values v = ReadValues(hive, entry);
              Software sw = Removed("windows", key_path);
              sw.id = name;
              sw.name = Get(v, "0");
              sw.version = Get(v, "1");
              sw.publisher = Get(v, "2");
              sw.location = EvidencePathOfWindowsPath(Get(v, "d"));
              sw.installed_at = UnixSecondsToRfc3339(Number(Get(v, "a")));
              out.add(std::move(sw));
            });
}

void ReadFiles(const RegfHive& hive, uint32_t key, const std::string& path,
               const UninstallOutput& out) {
  // One subkey per volume, then one per file reference.
  EachEntry(hive, key, path, out,
            [&](const std::string&, uint32_t volume,
                const std::string& volume_path) {
              EachEntry(hive, volume, volume_path, out,
                        [&](const std::string&, uint32_t entry,
                            const std::string& key_path) {
                          const Values v = ReadValues(hive, entry);
                          const std::string file = Get(v, "15");
                          Software sw = Removed("installer", key_path);
                          sw.id = BaseNameOfWindowsPath(file);
                          sw.name = Get(v, "0");
                          if (sw.name.empty()) sw.name = sw.id;
                          sw.version = Get(v, "5");
                          sw.publisher = Get(v, "1");
                          sw.location = EvidencePathOfWindowsPath(file);
                          sw.file_sha1 = Sha1OfFileId(Get(v, "101"));
                          sw.installed_at = WindowsFiletimeToRfc3339(
                              static_cast<uint64_t>(Number(Get(v, "12"))));
                          out.add(std::move(sw));
                        });
            });
}

}  // namespace

std::string PackageFamilyOfFullName(std::string_view full) {
  // Name_Version_Architecture_ResourceId_PublisherId; Name has no '_'.
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (parts.size() < 6) {
    const size_t us = full.find('_', start);
    parts.push_back(full.substr(start, us == std::string_view::npos
                                           ? std::string_view::npos
                                           : us - start));
    if (us == std::string_view::npos) break;
    start = us + 1;
  }
  if (parts.size() != 5 || parts[0].empty() || parts[4].size() != 13) {
    return {};
  }
  return std::string(parts[0]) + "_" + std::string(parts[4]);
}

void ReadAmcache(const RegfHive& hive, const UninstallOutput& out) {
  std::optional<uint32_t> root;
  std::string root_name;
  try {
    root = hive.Find(hive.root(), "Root", &root_name);
  } catch (const ParseError& e) {
    out.warn(std::string("Root: ") + e.what() + "; nothing can be read");
    return;
  }
  if (!root) {
    out.warn("no Root key: not an Amcache hive");
    return;
  }
  using Reader = void (*)(const RegfHive&, uint32_t, const std::string&,
                          const UninstallOutput&);
  constexpr std::pair<std::string_view, Reader> kKeys[] = {
      {"InventoryApplication", &ReadInventoryApplication},
      {"InventoryApplicationFile", &ReadInventoryApplicationFile},
      {"Programs", &ReadPrograms},
      {"File", &ReadFiles}};
  for (const auto& [name, read] : kKeys) {
    std::string spelled;
    std::optional<uint32_t> key;
    try {
      key = hive.Find(*root, name, &spelled);
    } catch (const ParseError& e) {
      out.warn(root_name + "\\" + std::string(name) + ": " + e.what() +
               "; its entries cannot be listed");
      continue;
    }
    if (key) read(hive, *key, root_name + "\\" + spelled, out);
  }
}

}  // namespace contraband
