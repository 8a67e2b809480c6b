// macos-launchd: launch daemons and agents, the jobs launchd starts. A
// vendor's uninstaller (or a user dragging an app to the Trash) often
// leaves them behind: Kaspersky's com.kaspersky.* daemons outlive the
// product. Each job is reported as a leftover (state residue), named by its
// Label, which by convention is a reverse-DNS bundle id:
//   /Library/LaunchDaemons/*.plist, /Library/LaunchAgents/*.plist,
//   /Users/<user>/Library/LaunchAgents/*.plist.
// Apple's own jobs live under /System/Library and are not read.
//
// The record: ecosystem "macos"; id = Label (the file's name without
// ".plist" when it has none); name = the same; location = Program, else
// ProgramArguments[0]; state residue; user = the profile folder.
#include <string>
#include <string_view>

#include "collectors/collector.h"
#include "collectors/profile_user.h"
#include "formats/parse_error.h"
#include "formats/plist.h"

namespace contraband {
namespace {

constexpr uint64_t kMaxJobBytes = 1ull << 20;

class MacosLaunchdCollector : public Collector {
 public:
  std::vector<FileRequest> Requests() const override {
    return {{"/Library/LaunchDaemons/*.plist", kMaxJobBytes},
            {"/Library/LaunchAgents/*.plist", kMaxJobBytes},
            {"/Users/*/Library/LaunchAgents/*.plist", kMaxJobBytes}};
  }

  void Collect(const EvidenceFile& file, CollectorSink& sink) override {
    const PlistValue job = ParsePlistDict(file.data, "launchd job");  // throws: a warning
    Software sw;
    sw.ecosystem = "macos";
    sw.id = job.StringAt("Label");
    if (sw.id.empty()) {
      std::string_view base = BaseName(file.path);
      base.remove_suffix(6);  // ".plist"
      sw.id = std::string(base);
    }
    sw.name = sw.id;
    sw.location = job.StringAt("Program");
    if (sw.location.empty()) {
      if (const PlistValue* args = job.Find("ProgramArguments")) {
        if (!args->items.empty() && args->items[0].is_string()) {
          sw.location = args->items[0].text;
        }
      }
    }
    sw.state = SoftwareState::kResidue;
    sw.source = file.path;
    sw.user = ProfileUser(file.path);
    sink.Add(std::move(sw));
  }
};

}  // namespace

std::unique_ptr<Collector> MakeMacosLaunchdCollector() {
  return std::make_unique<MacosLaunchdCollector>();
}

}  // namespace contraband
