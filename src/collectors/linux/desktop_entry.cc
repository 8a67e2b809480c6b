// Desktop launchers, system-wide and per user. Each becomes an `installer`
// record located at the program its Exec runs, so the catalog's install
// locations (/opt/Telegram/Telegram) recognise software that no package
// manager knows about, and a per-user launcher names its user.
#include "collectors/collector.h"
#include "formats/desktop_entry.h"

namespace contraband {
namespace {

class DesktopEntryCollector : public Collector {
 public:
  std::vector<FileRequest> Requests() const override {
    std::vector<FileRequest> out;
    for (const char* dir :
         {"/usr/share/applications", "/usr/local/share/applications",
          "/home/*/.local/share/applications",
          "/root/.local/share/applications"}) {
      out.push_back({std::string(dir) + "/*.desktop", 1u << 20});
    }
    return out;
  }

  void Collect(const EvidenceFile& file, CollectorSink& sink) override {
    DesktopEntry entry = ParseDesktopEntry(file.data);
    const std::string program = entry.Program();
    if (program.empty()) return;  // a link or folder entry: runs nothing
    Software sw;
    sw.ecosystem = "installer";
    sw.id = std::string(BaseName(file.path));
    sw.name = entry.name.empty() ? sw.id : entry.name;
    sw.location = program;
    sw.user = sink.OwnerOf(file.path);
    sink.Add(std::move(sw));
  }
};

}  // namespace

std::unique_ptr<Collector> MakeDesktopEntryCollector() {
  return std::make_unique<DesktopEntryCollector>();
}

}  // namespace contraband
