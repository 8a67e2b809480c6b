#include "scan/repeated_records.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace contraband {
namespace {

using Key = std::tuple<std::string, std::string, std::string, std::string,
                       std::string>;

Key KeyOf(const Software& sw, const std::string& product) {
  return {product, sw.evidence, sw.volume, sw.ecosystem, sw.id};
}

// Folds `other` into `kept`: kept's own values win, the gaps are filled.
void Absorb(Software& kept, Software&& other) {
  auto fill = [](std::string& to, std::string& from) {
    if (to.empty()) to = std::move(from);
  };
  fill(kept.version, other.version);
  fill(kept.arch, other.arch);
  fill(kept.installed_at, other.installed_at);
  fill(kept.removed_at, other.removed_at);
  if (other.source != kept.source) {
    kept.also_sources.push_back({other.source, other.source_sha256});
  }
  for (AlsoSource& a : other.also_sources) {
    if (a.path != kept.source) kept.also_sources.push_back(std::move(a));
  }
  std::sort(kept.also_sources.begin(), kept.also_sources.end());
  kept.also_sources.erase(
      std::unique(kept.also_sources.begin(), kept.also_sources.end(),
                  [](const AlsoSource& a, const AlsoSource& b) {
                    return a.path == b.path;
                  }),
      kept.also_sources.end());
}

// Merges the removed items of `items` that share a key; `software` and
// `key` reach into an item, `better` says which of two stays.
template <typename T, typename GetSoftware, typename GetKey, typename Better>
void Merge(std::vector<T>& items, size_t first, GetSoftware software,
           GetKey key, Better better) {
  std::map<Key, std::vector<size_t>> groups;
  for (size_t i = first; i < items.size(); ++i) {
    if (software(items[i]).state == SoftwareState::kRemoved) {
      groups[key(items[i])].push_back(i);
    }
  }
  std::vector<bool> gone(items.size(), false);
  for (auto& [k, index] : groups) {
    if (index.size() < 2) continue;
    std::sort(index.begin(), index.end(), [&](size_t a, size_t b) {
      return better(items[a], items[b]);
    });
    for (size_t j = 1; j < index.size(); ++j) {
      Absorb(software(items[index[0]]), std::move(software(items[index[j]])));
      gone[index[j]] = true;
    }
  }
  size_t out = first;
  for (size_t i = first; i < items.size(); ++i) {
    if (!gone[i]) {
      if (out != i) items[out] = std::move(items[i]);
      ++out;
    }
  }
  items.resize(out);
}

}  // namespace

void MergeRepeatedRemovals(std::vector<Software>& records, size_t first) {
  Merge(
      records, first, [](Software& sw) -> Software& { return sw; },
      [](const Software& sw) { return KeyOf(sw, ""); },
      [](const Software& a, const Software& b) { return a.source < b.source; });
}

void MergeRepeatedRemovals(std::vector<Finding>& findings) {
  Merge(
      findings, 0, [](Finding& f) -> Software& { return f.software; },
      [](const Finding& f) { return KeyOf(f.software, f.product->id); },
      // The most confident match stays; then the file that sorts first.
      [](const Finding& a, const Finding& b) {
        if (a.confidence != b.confidence) return a.confidence < b.confidence;
        return a.software.source < b.software.source;
      });
}

}  // namespace contraband
