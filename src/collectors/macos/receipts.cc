// macos-receipts: what the macOS Installer recorded, as `pkgutil` reads it.
//   /var/db/receipts/<id>.plist (also under /private/var, and the system's
//   own in /System/Library/Receipts since macOS 10.15): one installed
//   package each (PackageIdentifier, PackageVersion, InstallDate,
//   InstallPrefixPath);
//   /Library/Receipts/InstallHistory.plist: every installation, dated, with
//   the display name and version the user saw and the package ids it laid
//   down.
// A package the history names that has no receipt any more was installed
// once and is gone now (its vendor's uninstaller, or `pkgutil --forget`,
// removed the receipt): a `removed` record, dated with its installation
// (the history does not record removals). A package that has a receipt is
// reported by the receipt as installed.
//
// The record: ecosystem "macos-pkg"; id = the package identifier; version
// = PackageVersion (history: displayVersion); name = the history's
// displayName where it names the package, else the id; installed_at =
// InstallDate / the history's date; location = InstallPrefixPath.
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "collectors/collector.h"
#include "formats/parse_error.h"
#include "formats/plist.h"

namespace contraband {
namespace {

constexpr uint64_t kMaxReceiptBytes = 4ull << 20;
constexpr uint64_t kMaxHistoryBytes = 64ull << 20;
constexpr std::string_view kHistoryName = "InstallHistory.plist";

struct HistoryEntry {
  std::string name;
  std::string version;
  std::string date;
  std::string source;
};

class MacosReceiptsCollector : public Collector {
 public:
  std::vector<FileRequest> Requests() const override {
    return {{"/var/db/receipts/*.plist", kMaxReceiptBytes},
            {"/private/var/db/receipts/*.plist", kMaxReceiptBytes},
            // macOS 10.15 and later keep the system's own receipts here.
            {"/System/Library/Receipts/*.plist", kMaxReceiptBytes},
            {"/Library/Receipts/InstallHistory.plist", kMaxHistoryBytes}};
  }

  void Collect(const EvidenceFile& file, CollectorSink& sink) override {
    const PlistValue plist = ParsePlist(file.data);  // throws: a warning
    if (BaseName(file.path) == kHistoryName) {
      ReadHistory(file.path, plist, sink);
    } else {
      ReadReceipt(file.path, plist, sink);
    }
  }

  void Finish(CollectorSink& sink) override {
    for (auto& [id, sw] : receipts_) sink.Add(std::move(sw));
    for (auto& [id, entry] : history_) {
      if (receipts_.count(id)) continue;
      Software sw;
      sw.ecosystem = "macos-pkg";
      sw.id = id;
      sw.name = entry.name.empty() ? id : entry.name;
      sw.version = entry.version;
      sw.installed_at = entry.date;
      sw.state = SoftwareState::kRemoved;
      sw.source = entry.source;
      sink.Add(std::move(sw));
    }
    receipts_.clear();
    history_.clear();
  }

 private:
  void ReadReceipt(const std::string& path, const PlistValue& plist,
                   CollectorSink& sink) {
    if (plist.type != PlistValue::Type::kDict) {
      throw ParseError("receipt is not a dictionary");
    }
    Software sw;
    sw.ecosystem = "macos-pkg";
    sw.id = plist.StringAt("PackageIdentifier");
    if (sw.id.empty()) {
      sink.Warn(path, "receipt without PackageIdentifier");
      return;
    }
    sw.name = sw.id;
    sw.version = plist.StringAt("PackageVersion");
    if (const PlistValue* date = plist.Find("InstallDate")) {
      if (date->type == PlistValue::Type::kDate) sw.installed_at = date->text;
    }
    sw.location = plist.StringAt("InstallPrefixPath");
    sw.source = path;
    // /var is /private/var on a Mac: the same receipt seen twice is one.
    receipts_.emplace(sw.id, std::move(sw));
  }

  void ReadHistory(const std::string& path, const PlistValue& plist,
                   CollectorSink& sink) {
    if (plist.type != PlistValue::Type::kArray) {
      throw ParseError("InstallHistory.plist is not an array");
    }
    size_t damaged = 0;
    for (const PlistValue& entry : plist.items) {
      const PlistValue* ids = entry.Find("packageIdentifiers");
      if (entry.type != PlistValue::Type::kDict || !ids ||
          ids->type != PlistValue::Type::kArray) {
        ++damaged;
        continue;
      }
      HistoryEntry h;
      h.name = entry.StringAt("displayName");
      h.version = entry.StringAt("displayVersion");
      if (const PlistValue* date = entry.Find("date")) {
        if (date->type == PlistValue::Type::kDate) h.date = date->text;
      }
      h.source = path;
      for (const PlistValue& id : ids->items) {
        if (!id.is_string() || id.text.empty()) continue;
        // The latest installation of a package is the one that counts.
        auto [it, added] = history_.emplace(id.text, h);
        if (!added && it->second.date <= h.date) it->second = h;
      }
    }
    if (damaged > 0) {
      sink.Warn(path, std::to_string(damaged) +
                          " history entries without packageIdentifiers");
    }
  }

  std::map<std::string, Software> receipts_;
  std::map<std::string, HistoryEntry> history_;
};

}  // namespace

std::unique_ptr<Collector> MakeMacosReceiptsCollector() {
  return std::make_unique<MacosReceiptsCollector>();
}

}  // namespace contraband
