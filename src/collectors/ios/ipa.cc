// ios-ipa: iPhone app files (.ipa, a zip with Payload/<Name>.app/), loose at
// the evidence's top and one folder down (a single .ipa given as evidence
// is put there by the archive reader), in a Mac's or PC's user folders
// (/Users/<user>/<folder>/, /home/<user>/<folder>/), and in an iPhone's
// shared media (private/var/mobile/Media/...). Ecosystem "installer", like
// loose APKs: the file could be installed, it is not proof it was.
// Per file, read in place (FileRequest::ranges): the zip's central
// directory, Payload/<Name>.app/Info.plist (bundle id, name, version),
// iTunesMetadata.plist at the top (store downloads: seller, Apple ID), and
// the main executable's code signature (Team ID): in place when stored,
// inflated in memory up to kMaxInnerExecutableBytes when deflated.
#include <string>
#include <string_view>
#include <vector>

#include "collectors/collector.h"
#include "collectors/ios/ios_app.h"
#include "collectors/ios/private_var.h"
#include "collectors/macos/code_signature.h"
#include "common/text.h"
#include "formats/apk_zip.h"
#include "formats/macho_signature.h"
#include "formats/parse_error.h"
#include "formats/plist.h"

namespace contraband {
namespace {

constexpr uint64_t kMaxKeptBytes = 1ull << 30;
constexpr uint64_t kMaxPlistBytes = 4ull << 20;
constexpr uint64_t kMaxInnerExecutableBytes = 256ull << 20;
constexpr size_t kMaxIpas = 20000;

constexpr std::string_view kRoots[] = {"",
                                       "/*",
                                       "/Users/*/*",
                                       "/home/*/*",
                                       "/private/var/mobile/Media",
                                       "/private/var/mobile/Media/*"};

// "Payload/X.app/Info.plist" -> "Payload/X.app/" (one .app right under
// Payload), else "".
std::string_view AppFolderOf(std::string_view name) {
  constexpr std::string_view kPayload = "Payload/";
  if (name.substr(0, kPayload.size()) != kPayload) return {};
  const size_t slash = name.find('/', kPayload.size());
  if (slash == std::string_view::npos) return {};
  const std::string_view folder = name.substr(0, slash + 1);
  if (folder.size() < kPayload.size() + 6 ||
      folder.substr(folder.size() - 5) != ".app/") {
    return {};
  }
  return folder;
}

const ZipEntry* Entry(const ZipCentralDirectory& dir, std::string_view name) {
  for (const ZipEntry& e : dir.entries) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

class IosIpaCollector : public Collector {
 public:
  std::vector<FileRequest> Requests() const override {
    std::vector<FileRequest> out;
    for (std::string_view root : kRoots) {
      for (std::string_view ext : {"/*.ipa", "/*.IPA"}) {
        FileRequest r{std::string(root) + std::string(ext), kMaxKeptBytes};
        r.ranges = true;
        out.push_back(r);
      }
    }
    return out;
  }

  void Collect(const EvidenceFile& file, CollectorSink& sink) override {
    if (!file.read_at || file.info.type != FileType::kRegular) return;
    if (++seen_ > kMaxIpas) {
      if (seen_ == kMaxIpas + 1) {
        sink.Warn(file.path, "over " + std::to_string(kMaxIpas) +
                                 " IPA files: this and the rest were not read");
      }
      return;
    }
    const ZipCentralDirectory dir =
        ReadZipCentralDirectory(file.read_at, file.info.size);  // throws
    std::string_view app;
    const ZipEntry* info_entry = nullptr;
    for (const ZipEntry& e : dir.entries) {
      const std::string_view folder = AppFolderOf(e.name);
      if (!folder.empty() && e.name.size() == folder.size() + 10 &&
          std::string_view(e.name).substr(folder.size()) == "Info.plist") {
        app = folder;
        info_entry = &e;
        break;
      }
    }
    if (!info_entry) {
      throw ParseError("no Payload/<Name>.app/Info.plist: not an iPhone app");
    }
    const PlistValue info = ParsePlistDict(
        ReadZipEntry(file.read_at, file.info.size, *info_entry, kMaxPlistBytes),
        "Info.plist");
    std::string folder_name(app.substr(8, app.size() - 8 - 5));
    Software sw = IosAppFromInfo(info, folder_name);
    sw.ecosystem = "installer";
    if (sw.id.empty()) {
      sink.Warn(file.path, "no CFBundleIdentifier in " + info_entry->name);
    }
    sw.source = file.path;
    sw.location = file.path;
    if (const ZipEntry* meta = Entry(dir, "iTunesMetadata.plist")) {
      try {
        ApplyItunesMetadata(
            ReadItunesMetadata(ParsePlist(ReadZipEntry(
                file.read_at, file.info.size, *meta, kMaxPlistBytes))),
            sw);
      } catch (const ParseError& e) {
        sink.Warn(file.path, std::string("iTunesMetadata.plist: ") + e.what());
      }
    }
    std::string exe = info.StringAt("CFBundleExecutable");
    if (exe.empty()) exe = folder_name;
    if (const ZipEntry* e = Entry(dir, std::string(app) + exe)) {
      try {
        ReadSignature(file, *e, sw, sink);
      } catch (const ParseError& err) {
        sink.Warn(file.path, e->name + ": " + err.what());
      }
    }
    sink.Add(std::move(sw));
  }

 private:
  static void ReadSignature(const EvidenceFile& file, const ZipEntry& e,
                            Software& sw, CollectorSink& sink) {
    MachOFile macho;
    if (e.method == 0 && !(e.flags & 1)) {
      // Stored: the executable is read in place, a window on the zip.
      const uint64_t start =
          ZipEntryDataOffset(file.read_at, file.info.size, e);
      const uint64_t size = e.compressed_size;
      const MachOReadAt& outer = file.read_at;
      macho = ParseMachO(
          [&outer, start, size](uint64_t offset, uint64_t length) {
            if (offset >= size) return std::string();
            return outer(start + offset, std::min(length, size - offset));
          },
          size);
    } else if (e.uncompressed_size > kMaxInnerExecutableBytes) {
      sink.Warn(file.path, e.name + " is compressed and " +
                               std::to_string(e.uncompressed_size) +
                               " bytes, over the " +
                               std::to_string(kMaxInnerExecutableBytes) +
                               "-byte limit for reading it in memory: its "
                               "signature (Team ID) was not read");
      return;
    } else {
      macho = ParseMachOBytes(ReadZipEntry(file.read_at, file.info.size, e,
                                           kMaxInnerExecutableBytes));
    }
    for (const std::string& problem : macho.problems) {
      sink.Warn(file.path, e.name + ": " + problem);
    }
    if (const MachOSignature* sig = macho.Primary()) ApplyCodeSignature(*sig, sw);
  }

  size_t seen_ = 0;
};

}  // namespace

std::unique_ptr<Collector> MakeIosIpaCollector() {
  // Media also under /var/mobile/Media in extractions without private/.
  return WithPrivateVarAlias(std::make_unique<IosIpaCollector>());
}

}  // namespace contraband
