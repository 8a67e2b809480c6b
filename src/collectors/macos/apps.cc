// macos-apps: application bundles on a Mac, as Finder and `mdls` know them:
//   *.app in /Applications and one folder below it (Utilities, a vendor's
//   folder), in each /Users/<user>/Applications, in /System/Applications
//   (Apple's own: inventory), bundles inside those bundles'
//   Contents/Library (login items, helpers), and bundles a vendor keeps
//   under /Library/Application Support down to kSupportDepth folders
//   (Kaspersky: "Kaspersky Lab/KAV/Applications/...").
// Per bundle: Contents/Info.plist (XML or binary) gives the bundle id, name
// and version; its CFBundleExecutable names the main executable in
// Contents/MacOS, whose code signature gives the Team ID (CodeDirectory),
// signing identifier, and the CMS leaf certificate (CN, O, SHA-256). Only
// the Mach-O's load commands and signature are read (FileRequest::ranges).
//
// The scan core hands files over in path order, and "Contents/Info.plist"
// sorts before "Contents/MacOS/...", so each bundle's plist is known when
// its executables arrive; the rows are emitted in Finish.
//
// The record: ecosystem "macos"; id = CFBundleIdentifier (the bundle folder's
// name when the plist has none, with a warning); name = CFBundleDisplayName,
// else CFBundleName, else the folder's name; version =
// CFBundleShortVersionString, else CFBundleVersion; signer.team_id = the
// CodeDirectory's team id (never a certificate's OU: a self-signed
// certificate can carry any OU); signer.subject = the leaf's CN;
// signer.cert_sha256; publisher = the leaf's O; location = the bundle;
// source = its Info.plist; user = the profile folder for ~/Applications.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/collector.h"
#include "collectors/macos/code_signature.h"
#include "collectors/profile_user.h"
#include "formats/macho_signature.h"
#include "formats/parse_error.h"
#include "formats/plist.h"

namespace contraband {
namespace {

// Folders below /Library/Application Support a bundle may be in:
// "Kaspersky Lab/KAV/Applications/Kaspersky Anti-Virus.app" is 3.
constexpr int kSupportDepth = 4;
constexpr uint64_t kMaxInfoPlistBytes = 4ull << 20;
// An archive keeps entries up to this for ranges reads (see
// windows-executables).
constexpr uint64_t kMaxKeptBytes = 256ull << 20;
constexpr size_t kMaxBundles = 20000;

constexpr std::string_view kContents = "/Contents/";

struct Bundle {
  std::string plist_path;
  std::string executable;  // CFBundleExecutable
  Software software;
  bool signature_read = false;
};

// "/x/Foo.app/Contents/Info.plist" -> "/x/Foo.app" (the last ".app/Contents/"
// in the path: a nested bundle belongs to itself, not its host).
std::string BundleOf(std::string_view path) {
  const size_t at = path.rfind(".app/Contents/");
  if (at == std::string_view::npos) return {};
  return std::string(path.substr(0, at + 4));
}

class MacosAppsCollector : public Collector {
 public:
  std::vector<FileRequest> Requests() const override {
    std::vector<std::string> bundles;
    for (std::string_view root :
         {"/Applications", "/Users/*/Applications", "/System/Applications"}) {
      const std::string r(root);
      bundles.push_back(r + "/*.app");
      bundles.push_back(r + "/*/*.app");
    }
    std::string support = "/Library/Application Support";
    for (int depth = 0; depth <= kSupportDepth; ++depth) {
      support += "/*";
      bundles.push_back(support + ".app");
    }
    // Bundles inside bundles: Contents/Library/<kind>/X.app.
    const size_t outer = bundles.size();
    for (size_t i = 0; i < outer; ++i) {
      bundles.push_back(bundles[i] + "/Contents/Library/*/*.app");
    }
    std::vector<FileRequest> out;
    for (const std::string& b : bundles) {
      out.push_back({b + "/Contents/Info.plist", kMaxInfoPlistBytes});
      FileRequest exe{b + "/Contents/MacOS/*", kMaxKeptBytes};
      exe.ranges = true;
      out.push_back(exe);
    }
    return out;
  }

  void Collect(const EvidenceFile& file, CollectorSink& sink) override {
    const std::string bundle = BundleOf(file.path);
    if (bundle.empty()) return;
    const std::string_view rest =
        std::string_view(file.path).substr(bundle.size() + kContents.size());
    if (rest == "Info.plist") {
      ReadInfoPlist(bundle, file, sink);
    } else if (rest.substr(0, 6) == "MacOS/") {
      ReadExecutable(bundle, rest.substr(6), file, sink);
    }
  }

  void Finish(CollectorSink& sink) override {
    for (auto& [path, bundle] : bundles_) sink.Add(std::move(bundle.software));
    bundles_.clear();
  }

 private:
  void ReadInfoPlist(const std::string& bundle, const EvidenceFile& file,
                     CollectorSink& sink) {
    if (bundles_.size() >= kMaxBundles) {
      if (!warned_full_) {
        sink.Warn(file.path, "over " + std::to_string(kMaxBundles) +
                                 " bundles: this and the rest were not read");
        warned_full_ = true;
      }
      return;
    }
    const PlistValue info = ParsePlistDict(file.data, "Info.plist");  // throws: a warning
    std::string folder(BaseName(bundle));
    folder.resize(folder.size() - 4);  // ".app"
    Bundle b;
    b.plist_path = file.path;
    b.executable = info.StringAt("CFBundleExecutable");
    Software& sw = b.software;
    sw.ecosystem = "macos";
    sw.id = info.StringAt("CFBundleIdentifier");
    if (sw.id.empty()) {
      sink.Warn(file.path,
                "no CFBundleIdentifier: the bundle is reported by its "
                "folder's name");
      sw.id = folder;
    }
    sw.name = info.StringAt("CFBundleDisplayName");
    if (sw.name.empty()) sw.name = info.StringAt("CFBundleName");
    if (sw.name.empty()) sw.name = folder;
    sw.version = info.StringAt("CFBundleShortVersionString");
    if (sw.version.empty()) sw.version = info.StringAt("CFBundleVersion");
    sw.location = bundle;
    sw.source = file.path;
    sw.user = ProfileUser(bundle);
    bundles_[bundle] = std::move(b);
  }

  void ReadExecutable(const std::string& bundle, std::string_view name,
                      const EvidenceFile& file, CollectorSink& sink) {
    auto it = bundles_.find(bundle);
    if (it == bundles_.end() || it->second.signature_read) return;
    Bundle& b = it->second;
    // Without CFBundleExecutable macOS runs the file named like the bundle.
    std::string want = b.executable;
    if (want.empty()) {
      want = std::string(BaseName(bundle));
      want.resize(want.size() - 4);
    }
    if (name != want || !file.read_at) return;
    b.signature_read = true;
    const MachOFile macho = ParseMachO(file.read_at, file.info.size);
    for (const std::string& problem : macho.problems) {
      sink.Warn(file.path, problem);
    }
    const MachOSignature* sig = macho.Primary();
    if (!sig) return;
    ApplyCodeSignature(*sig, b.software);
  }

  std::map<std::string, Bundle> bundles_;
  bool warned_full_ = false;
};

}  // namespace

std::unique_ptr<Collector> MakeMacosAppsCollector() {
  return std::make_unique<MacosAppsCollector>();
}

}  // namespace contraband
