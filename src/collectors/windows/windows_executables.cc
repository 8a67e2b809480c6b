// windows-executables: software that left no Uninstall entry (a portable
// Telegram, a copied Zoom folder, an installer waiting in Downloads), known
// by what the executable itself says:
//   *.exe under Program Files, Program Files (x86), ProgramData and each
//   user's AppData\Local, AppData\Roaming, Downloads and Desktop, at most
//   kMaxDepth folders below those: the PE version resource (CompanyName,
//   ProductName, versions, OriginalFilename) and the Authenticode signer
//   (certificate subject CN and O, SHA-256 of the certificate);
//   *.msi in Downloads and Desktop: a loose installer, by name only.
// Only the bytes needed are read (FileRequest::ranges): headers, the version
// resource and the certificate table. Identity, not validity: a signature
// is never verified, so an expired or tampered file still names its signer.
//
// The record: ecosystem "installer"; id = OriginalFilename when the file
// has one (a renamed "setup.exe" still says "ZoomInstallerFull.exe"), else
// the file's name; name = ProductName, else FileDescription; version =
// ProductVersion, else FileVersion; publisher = CompanyName, else the
// signer's O; signer.subject = the signer's CN (its O when there is no CN),
// signer.cert_sha256; location = source = the file; user = the profile
// folder the file is under.
#include <string>
#include <string_view>
#include <vector>

#include "collectors/collector.h"
#include "collectors/profile_user.h"
#include "common/wildcard.h"
#include "formats/parse_error.h"
#include "formats/pe_file.h"

namespace contraband {
namespace {

// Folders below a root an executable may be in: Zoom's bin\Zoom.exe is 2,
// Kaspersky's "Kaspersky Lab\<product>\avp.exe" 2.
constexpr int kMaxDepth = 4;
// Executables parsed per volume; a server with more is warned about.
constexpr size_t kMaxExecutables = 20000;
// An archive is read once and keeps what collectors may read: entries over
// this are listed but not kept (Vfs::ReadRange then says why).
constexpr uint64_t kMaxKeptBytes = 256ull << 20;

constexpr std::string_view kExecutableRoots[] = {
    "/Program Files",         "/Program Files (x86)",     "/ProgramData",
    "/Users/*/AppData/Local", "/Users/*/AppData/Roaming", "/Users/*/Downloads",
    "/Users/*/Desktop"};
constexpr std::string_view kInstallerRoots[] = {"/Users/*/Downloads",
                                                "/Users/*/Desktop"};

bool EndsWithNoCase(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         AsciiLower(s.substr(s.size() - suffix.size())) == suffix;
}

const std::string& FirstOf(const std::string& a, const std::string& b) {
  return a.empty() ? b : a;
}

class WindowsExecutablesCollector : public Collector {
 public:
  std::vector<FileRequest> Requests() const override {
    std::vector<FileRequest> out;
    for (std::string_view root : kExecutableRoots) {
      std::string dir(root);
      for (int depth = 0; depth <= kMaxDepth; ++depth) {
        FileRequest exe{dir + "/*.exe", kMaxKeptBytes};
        exe.ranges = true;
        out.push_back(exe);
        dir += "/*";
      }
    }
    for (std::string_view root : kInstallerRoots) {
      std::string dir(root);
      for (int depth = 0; depth <= kMaxDepth; ++depth) {
        FileRequest msi{dir + "/*.msi", kMaxKeptBytes};
        msi.name_only = true;  // its name is what is reported
        out.push_back(msi);
        dir += "/*";
      }
    }
    return out;
  }

  void Collect(const EvidenceFile& file, CollectorSink& sink) override {
    if (++seen_ > kMaxExecutables) {
      if (seen_ == kMaxExecutables + 1) {
        sink.Warn(file.path,
                  "over " + std::to_string(kMaxExecutables) +
                      " executables and installers: this and the rest were "
                      "not read");
      }
      return;
    }
    const std::string file_name(BaseName(file.path));
    Software sw;
    sw.ecosystem = "installer";
    sw.user = ProfileUser(file.path);
    if (EndsWithNoCase(file.path, ".msi")) {
      sw.id = file_name;
      sw.name = file_name;
      sink.Add(std::move(sw));
      return;
    }
    if (!file.read_at) return;  // not a ranges read: nothing to parse
    const PeFile pe = ParsePeFile(file.read_at, file.info.size);  // throws
    for (const std::string& problem : pe.problems) {
      sink.Warn(file.path, problem);
    }
    const PeVersionInfo& v = pe.version;
    sw.id = FirstOf(v.original_filename, file_name);
    sw.name = FirstOf(v.product_name, v.file_description);
    sw.version = FirstOf(v.product_version, v.file_version);
    if (sw.version.empty()) sw.version = v.fixed_file_version;
    sw.publisher = FirstOf(v.company_name, pe.signer.organization);
    sw.signer.subject = FirstOf(pe.signer.common_name, pe.signer.organization);
    sw.signer.cert_sha256 = pe.signer.cert_sha256;
    sink.Add(std::move(sw));
  }

 private:
  size_t seen_ = 0;
};

}  // namespace

std::unique_ptr<Collector> MakeWindowsExecutablesCollector() {
  return std::make_unique<WindowsExecutablesCollector>();
}

}  // namespace contraband
