// macos-tcc and ios-tcc: apps Apple's privacy database (TCC.db, see
// formats/tcc_db.h) remembers. An app that asked for the camera, the
// microphone, the contacts or the screen left a row naming its bundle id,
// and the row stays after the app is deleted: WeChat or Zoom removed from a
// Mac, TikTok offloaded from an iPhone, are still named there.
//
// One record per bundle id and database, of what the evidence shows: the
// app was there once (state removed without a removal date: a sighting, as
// Amcache's are). Where the same volume has the product installed, the
// scan keeps only that finding; in the inventory both stay, each with its
// file. last_seen is the latest decision's last_modified: a moment the app
// was on the device and asked. Rows whose client is a path (client_type 1:
// command-line tools) and Apple's own com.apple.* clients are not software
// to audit and are not reported. Both platforms share this file: the
// database and its meaning are the same, only where it lies differs.
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "collectors/collector.h"
#include "collectors/profile_user.h"
#include "formats/parse_error.h"
#include "formats/tcc_db.h"

namespace contraband {
namespace {

constexpr uint64_t kMaxTccBytes = 64ull << 20;

class TccCollector : public Collector {
 public:
  TccCollector(std::string ecosystem, std::vector<std::string> databases)
      : ecosystem_(std::move(ecosystem)), databases_(std::move(databases)) {}

  std::vector<FileRequest> Requests() const override {
    std::vector<FileRequest> out;
    for (const std::string& db : databases_) {
      out.push_back({db, kMaxTccBytes});
      out.push_back({db + "-wal", kMaxTccBytes});
    }
    return out;
  }

  void Collect(const EvidenceFile& file, CollectorSink& sink) override {
    (void)sink;
    const std::string_view path = file.path;
    if (path.size() > 4 && path.substr(path.size() - 4) == "-wal") {
      found_[std::string(path.substr(0, path.size() - 4))].second =
          std::string(file.data);
    } else {
      found_[file.path].first = std::string(file.data);
    }
  }

  void Finish(CollectorSink& sink) override {
    for (const auto& [path, bytes] : found_) {
      if (bytes.first.empty()) continue;  // a log without its database
      std::vector<TccDecision> rows;
      try {
        rows = ReadTccDecisions(bytes.first, bytes.second);
      } catch (const ParseError& e) {
        sink.Warn(path, e.what());
        continue;
      }
      if (rows.size() >= kTccMaxRows) {
        sink.Warn(path, "over " + std::to_string(kTccMaxRows) +
                            " decisions: the rest were not read");
      }
      // Bundle id -> the latest moment it is seen.
      std::map<std::string, std::string> clients;
      for (const TccDecision& row : rows) {
        if (row.client_is_path || row.client.rfind("com.apple.", 0) == 0) {
          continue;
        }
        std::string& latest = clients[row.client];
        latest = std::max(latest, row.last_modified);
      }
      for (auto& [client, latest] : clients) {
        Software sw;
        sw.ecosystem = ecosystem_;
        sw.id = client;
        sw.name = client;
        sw.state = SoftwareState::kRemoved;
        sw.last_seen = std::move(latest);
        sw.source = path;
        sw.user = ProfileUser(path);
        sink.Add(std::move(sw));
      }
    }
    found_.clear();
  }

 private:
  std::string ecosystem_;
  std::vector<std::string> databases_;
  /// Database path -> its bytes and its write-ahead log's.
  std::map<std::string, std::pair<std::string, std::string>> found_;
};

}  // namespace

std::unique_ptr<Collector> MakeMacosTccCollector() {
  return std::make_unique<TccCollector>(
      "macos",
      std::vector<std::string>{
          "/Library/Application Support/com.apple.TCC/TCC.db",
          "/Users/*/Library/Application Support/com.apple.TCC/TCC.db"});
}

std::unique_ptr<Collector> MakeIosTccCollector() {
  return std::make_unique<TccCollector>(
      "ios", std::vector<std::string>{"/private/var/mobile/Library/TCC/TCC.db"});
}

}  // namespace contraband
