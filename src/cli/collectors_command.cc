// `contraband collectors [--requests]`: the registered collectors and, with
// --requests, the files each one asks the scan core for. Fleet tooling
// (contrib/velociraptor) builds its collection lists from the JSON form, so a
// new or changed collector never leaves a remote collection short of a file.
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/app.h"
#include "cli/options.h"
#include "collectors/registry.h"

namespace contraband {
namespace {

using nlohmann::ordered_json;

// The platform whose records a collector reads, so that a remote collection
// for one platform can take only that platform's files. Most ecosystems
// belong to one platform; the "installer" ecosystem spans several, so those
// collectors are named. A collector not listed here is "any": a collection
// that wants everything still gets its files.
std::string_view PlatformOf(const CollectorInfo& info) {
  const std::string_view eco = info.ecosystem;
  if (eco == "dpkg" || eco == "rpm" || eco == "apk" || eco == "pacman" ||
      eco == "snap" || eco == "flatpak") {
    return "linux";
  }
  if (eco == "windows" || eco == "msix") return "windows";
  // Homebrew also runs on Linux, but its Cellar is a macOS habit first; the
  // Linux binary scans a Linux host's Homebrew anyway.
  if (eco == "macos" || eco == "macos-pkg" || eco == "homebrew") return "macos";
  if (eco == "android") return "android";
  if (eco == "ios") return "ios";
  if (info.name == "windows-executables") return "windows";
  if (info.name == "desktop-entry") return "linux";
  return "any";
}

ordered_json RequestJson(const FileRequest& r) {
  ordered_json j;
  j["pattern"] = r.pattern;
  j["max_bytes"] = r.max_bytes;
  j["name_only"] = r.name_only;
  j["stream"] = r.stream;
  j["fold_case"] = r.fold_case_only;
  j["ranges"] = r.ranges;
  return j;
}

// How a request is read, in a few words for the text listing.
std::string RequestFlags(const FileRequest& r) {
  std::string s;
  auto add = [&s](const char* word) { s += s.empty() ? word : std::string(", ") + word; };
  if (r.name_only) add("name only");
  if (r.stream) add("streamed");
  if (r.ranges) add("ranges");
  if (r.fold_case_only) add("any case");
  if (!r.name_only && !r.ranges) {
    add(("up to " + std::to_string(r.max_bytes >> 20) + " MiB").c_str());
  }
  return s;
}

}  // namespace

int RunCollectors(const GlobalOptions& g, bool with_requests) {
  // Only the requests of catalog-driven collectors (install markers) need a
  // catalog; a plain listing works even when the catalog is broken.
  const Catalog* catalog = nullptr;
  if (with_requests) {
    try {
      catalog = &SelectCatalog(g);
    } catch (const CatalogError& e) {
      std::cerr << "contraband: the catalog cannot be used:\n"
                << e.what() << "\n";
      return kExitUsage;
    }
  }
  std::ostringstream out;
  if (g.format == "json") {
    ordered_json j;
    j["collectors"] = ordered_json::array();
    for (const CollectorInfo& info : AllCollectors()) {
      ordered_json c;
      c["name"] = info.name;
      c["platform"] = PlatformOf(info);
      c["ecosystem"] = info.ecosystem;
      c["description"] = info.description;
      c["needs_catalog"] = info.make_for_catalog != nullptr;
      if (with_requests) {
        c["requests"] = ordered_json::array();
        if (auto collector = Instantiate(info, catalog)) {
          for (const FileRequest& r : collector->Requests()) {
            c["requests"].push_back(RequestJson(r));
          }
        }
      }
      j["collectors"].push_back(std::move(c));
    }
    if (catalog) {
      j["catalog"] = {{"version", catalog->version},
                      {"sha256", catalog->sha256}};
    }
    out << j.dump(2) << "\n";
  } else {
    for (const CollectorInfo& info : AllCollectors()) {
      const std::string name(info.name);
      out << name << std::string(name.size() < 20 ? 20 - name.size() : 1, ' ')
          << PlatformOf(info) << "/" << info.ecosystem << "  "
          << info.description << "\n";
      if (!with_requests) continue;
      if (auto collector = Instantiate(info, catalog)) {
        for (const FileRequest& r : collector->Requests()) {
          out << "    " << r.pattern << "  (" << RequestFlags(r) << ")\n";
        }
      }
    }
  }
  return EmitOutput(g, out.str()) ? kExitClean : kExitUsage;
}

}  // namespace contraband
