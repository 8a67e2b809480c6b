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
// to audit and are not reported. On a Mac each decision also keeps the
// app's code requirement (csreq): a Developer ID app's names its Team ID
// (certificate leaf[subject.OU] under anchor apple generic), so a deleted
// app is known by its signer as well as its bundle id. Both platforms share this file: the
// database and its meaning are the same, only where it lies differs.
#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "collectors/collector.h"
#include "collectors/ios/private_var.h"
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
      // Bundle id -> the latest moment it is seen, and the Team ID of its
      // latest decision that names one.
      struct Client {
        std::string latest, team_id, team_id_when;
      };
      std::map<std::string, Client> clients;
      for (const TccDecision& row : rows) {
        if (row.client_is_path || row.client.rfind("com.apple.", 0) == 0) {
          continue;
        }
        Client& c = clients[row.client];
        c.latest = std::max(c.latest, row.last_modified);
        if (!row.team_id.empty() &&
            (c.team_id.empty() || row.last_modified >= c.team_id_when)) {
          c.team_id = row.team_id;
          c.team_id_when = row.last_modified;
        }
      }
      for (auto& [client, c] : clients) {
        Software sw;
        sw.ecosystem = ecosystem_;
        sw.id = client;
        sw.name = client;
        sw.state = SoftwareState::kRemoved;
        sw.last_seen = std::move(c.latest);
        sw.signer.team_id = std::move(c.team_id);
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

// Also at /var/mobile/... in extractions whose tool dropped private/.
std::unique_ptr<Collector> MakeIosTccCollector() {
  return WithPrivateVarAlias(std::make_unique<TccCollector>(
      "ios",
      std::vector<std::string>{"/private/var/mobile/Library/TCC/TCC.db"}));
}

}  // namespace contraband
