// dpkg: /var/lib/dpkg/status (one stanza per package, with a Status field) and
// distroless images' /var/lib/dpkg/status.d/<pkg> (one stanza, no Status).
#include <string_view>

#include "collectors/collector.h"
#include "formats/deb_control.h"

namespace contraband {
namespace {

constexpr std::string_view kStatusFile = "/var/lib/dpkg/status";

struct DpkgStatus {
  bool known = false;
  SoftwareState state = SoftwareState::kInstalled;
  bool skip = false;  ///< "not-installed": nothing of the package is left
};

// Status is "want flag status". The third word says what is on disk:
// installed and the two trigger states are configured packages; config-files
// means only conffiles remain; unpacked, half-installed and half-configured
// are interrupted installs or removals whose files may be partly present.
// They are reported as residue so an examiner sees them, but never as
// installed (only a completed install is "installed" for the verdict).
DpkgStatus InterpretStatus(std::string_view value) {
  // The third whitespace-separated word; no stream per record (hot path).
  std::string_view status;
  for (int word = 0; word < 3; ++word) {
    size_t b = value.find_first_not_of(" \t");
    if (b == std::string_view::npos) {
      status = {};
      break;
    }
    value.remove_prefix(b);
    size_t e = value.find_first_of(" \t");
    status = value.substr(0, e);
    value.remove_prefix(e == std::string_view::npos ? value.size() : e);
  }
  DpkgStatus out;
  if (status.empty()) return out;
  out.known = true;
  if (status == "installed" || status == "triggers-awaited" ||
      status == "triggers-pending") {
    out.state = SoftwareState::kInstalled;
  } else if (status == "not-installed") {
    out.skip = true;
  } else {
    out.state = SoftwareState::kResidue;
  }
  return out;
}

bool IsCompanionFile(std::string_view path) {
  for (std::string_view suffix : {".md5sums", ".conffiles", ".list"}) {
    if (path.size() > suffix.size() &&
        path.substr(path.size() - suffix.size()) == suffix) {
      return true;
    }
  }
  return false;
}

class DpkgCollector : public Collector {
 public:
  std::vector<FileRequest> Requests() const override {
    // The status file may list millions of packages: streamed, one stanza
    // at a time. A status.d entry is one package.
    FileRequest status{std::string(kStatusFile), 512ull << 20};
    status.stream = true;
    return {status, {"/var/lib/dpkg/status.d/*", 16ull << 20}};
  }

  void Collect(const EvidenceFile& file, CollectorSink& sink) override {
    const bool status_d = file.path != kStatusFile;
    // status.d also holds <pkg>.md5sums companions: not control stanzas.
    // (Package names may contain dots, so only known suffixes are skipped.)
    if (status_d && IsCompanionFile(file.path)) return;
    ControlStreamParser parser([&](ControlStanza& stanza) {
      AddStanza(file, stanza, status_d, sink);
    });
    file.ReadChunks([&](std::string_view chunk) { parser.Feed(chunk); });
    parser.Finish();
  }

 private:
  static void AddStanza(const EvidenceFile& file, const ControlStanza& stanza,
                        bool status_d, CollectorSink& sink) {
    const std::string where = "stanza at line " + std::to_string(stanza.line);
    const std::string* package = stanza.Get("Package");
    if (package == nullptr || package->empty()) {
      sink.Warn(file.path,
                where +
                    (stanza.error.empty()
                         ? ""
                         : " is damaged (" + stanza.error + ") and") +
                    " has no Package field; skipped");
      return;
    }
    const std::string* status = stanza.Get("Status");
    // A damaged stanza (a cut-off file, a garbled line) still proves what
    // its intact fields say: a package whose Status before the damage says
    // installed is reported, with a warning, rather than lost.
    if (!stanza.error.empty()) {
      if (status == nullptr && !status_d) {
        sink.Warn(file.path, where + " (" + *package + ") is damaged: " +
                                 stanza.error +
                                 ", and no Status precedes the damage; skipped");
        return;
      }
      sink.Warn(file.path, where + " (" + *package + ") is damaged: " +
                               stanza.error +
                               "; only the fields before the damage were read");
    }
    DpkgStatus st;
    if (status != nullptr) {
      st = InterpretStatus(*status);
      if (!st.known) {
        sink.Warn(file.path, where + " (" + *package +
                                 "): unreadable Status \"" + *status +
                                 "\"; skipped");
        return;
      }
    } else if (status_d) {
      st.state = SoftwareState::kInstalled;  // distroless: presence = installed
    } else {
      sink.Warn(file.path, where + " (" + *package +
                               ") has no Status field, so whether it is "
                               "installed is unknown; skipped");
      return;
    }
    if (st.skip) return;

    Software sw;
    sw.ecosystem = "dpkg";
    sw.id = *package;
    sw.name = *package;
    if (const std::string* v = stanza.Get("Version")) sw.version = *v;
    if (const std::string* a = stanza.Get("Architecture")) sw.arch = *a;
    if (const std::string* m = stanza.Get("Maintainer")) sw.publisher = *m;
    sw.state = st.state;
    if (sw.version.empty() && stanza.error.empty()) {
      sink.Warn(file.path, where + " (" + *package +
                               ") has no Version field; reported without one");
    }
    sink.Add(std::move(sw));
  }
};

}  // namespace

std::unique_ptr<Collector> MakeDpkgCollector() {
  return std::make_unique<DpkgCollector>();
}

}  // namespace contraband
