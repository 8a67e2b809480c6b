// android-apk: apps known by their APK files. Installed apps are
// /data/app/<pkg-…>/base.apk (Android ≤ 10) and /data/app/~~<…>/<pkg-…>/
// base.apk (11+), and the preinstalled ones under /system/app,
// /system/priv-app, /product/app, /product/priv-app (ecosystem "android");
// loose .apk files and the split-APK bundles .apks, .xapk, .apkm elsewhere
// (a phone's Download folder, a PC's Downloads) are ecosystem "installer".
//
// Only what is needed is read (FileRequest::ranges): the zip's end of
// central directory, the central directory, the APK Signing Block and the
// AndroidManifest.xml entry, never the whole APK. A bundle is a zip of
// APKs: its base APK is read in place when stored, else inflated in memory
// up to kMaxInnerApkBytes.
//
// The record: id = package, version = versionName (versionCode when there
// is none), name = the application label (a resource reference stays
// "@0x7f…"), signer.cert_sha256 / subject / cert_lineage from the signature,
// source = the APK (or bundle), location = the app's folder (installed) or
// the file (loose).
#include <string>
#include <string_view>
#include <vector>

#include "collectors/collector.h"
#include "common/wildcard.h"
#include "formats/apk_signature.h"
#include "formats/apk_zip.h"
#include "formats/axml.h"
#include "formats/parse_error.h"

namespace contraband {
namespace {

// An archive is read once and keeps what collectors may read: entries over
// this are listed but not kept.
constexpr uint64_t kMaxKeptBytes = 512ull << 20;
// A deflated APK inside a bundle is inflated in memory up to this.
constexpr uint64_t kMaxInnerApkBytes = 128ull << 20;
// Folders below a loose-file root an APK may be in.
constexpr int kMaxDepth = 3;
// At the evidence's top only one folder down: a host's /proc, /sys and
// /usr are not walked for APKs.
constexpr int kMaxTopDepth = 1;
// APKs read per volume; more is warned about.
constexpr size_t kMaxApks = 20000;

constexpr std::string_view kInstalledPatterns[] = {
    "/data/app/*/base.apk",    "/data/app/*/*/base.apk",
    "/system/app/*/*.apk",     "/system/priv-app/*/*.apk",
    "/product/app/*/*.apk",    "/product/priv-app/*/*.apk",
    "/system_ext/app/*/*.apk", "/system_ext/priv-app/*/*.apk",
    "/vendor/app/*/*.apk"};
// Roots of loose files: the evidence's top (a folder of downloads, a
// phone's shared storage extracted alone) and the shared storage and home
// folders of a phone or PC.
constexpr std::string_view kLooseRoots[] = {
    "",        "/data/media/*", "/storage/emulated/*",
    "/sdcard", "/Users/*",      "/home/*"};
constexpr std::string_view kLooseExtensions[] = {".apk", ".apks", ".xapk",
                                                 ".apkm"};

bool EndsWithNoCase(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         AsciiLower(s.substr(s.size() - suffix.size())) == suffix;
}

bool IsInstalledPath(std::string_view path) {
  for (std::string_view pattern : kInstalledPatterns) {
    if (WildcardMatch(pattern, path)) return true;
  }
  return false;
}

std::string_view DirName(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos || slash == 0 ? path.substr(0, 1)
                                                       : path.substr(0, slash);
}

// The user a loose file belongs to: Android's user id under /data/media/N
// or /storage/emulated/N, a PC's profile name.
std::string LooseUser(std::string_view path) {
  for (std::string_view root :
       {"/data/media/", "/storage/emulated/", "/Users/", "/home/"}) {
    if (path.substr(0, root.size()) != root) continue;
    std::string_view rest = path.substr(root.size());
    const size_t slash = rest.find('/');
    if (slash != std::string_view::npos)
      return std::string(rest.substr(0, slash));
  }
  return {};
}

struct ApkFacts {
  AxmlManifest manifest;
  ApkSignature signature;
};

const ZipEntry* FindEntry(const ZipCentralDirectory& dir,
                          std::string_view name) {
  for (const ZipEntry& e : dir.entries) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

// Manifest and signature of the APK read through `read_at`.
ApkFacts ReadApk(const ZipReadAt& read_at, uint64_t size) {
  const ZipCentralDirectory dir = ReadZipCentralDirectory(read_at, size);
  const ZipEntry* manifest = FindEntry(dir, "AndroidManifest.xml");
  if (!manifest) throw ParseError("no AndroidManifest.xml entry");
  ApkFacts out;
  out.manifest =
      ParseAxmlManifest(ReadZipEntry(read_at, size, *manifest, kMaxAxmlBytes));
  out.signature = ReadApkSignature(read_at, size, dir);
  return out;
}

// The base APK of a bundle: "base.apk" (.apks, .apkm), else the one APK at
// the top that is not a config split (.xapk names it after the package).
const ZipEntry* FindBaseApk(const ZipCentralDirectory& dir) {
  if (const ZipEntry* base = FindEntry(dir, "base.apk")) return base;
  for (const ZipEntry& e : dir.entries) {
    if (e.name.find('/') != std::string::npos ||
        !EndsWithNoCase(e.name, ".apk"))
      continue;
    if (e.name.rfind("split_", 0) == 0 || e.name.rfind("config.", 0) == 0)
      continue;
    return &e;
  }
  return nullptr;
}

class AndroidApkCollector : public Collector {
 public:
  std::vector<FileRequest> Requests() const override {
    std::vector<FileRequest> out;
    for (std::string_view pattern : kInstalledPatterns) {
      FileRequest r{std::string(pattern), kMaxKeptBytes};
      r.ranges = true;
      out.push_back(r);
    }
    for (std::string_view root : kLooseRoots) {
      std::string dir(root);
      const int max_depth = root.empty() ? kMaxTopDepth : kMaxDepth;
      for (int depth = 0; depth <= max_depth; ++depth) {
        for (std::string_view ext : kLooseExtensions) {
          FileRequest r{dir + "/*" + std::string(ext), kMaxKeptBytes};
          r.ranges = true;
          out.push_back(r);
        }
        dir += "/*";
      }
    }
    return out;
  }

  void Collect(const EvidenceFile& file, CollectorSink& sink) override {
    if (++seen_ > kMaxApks) {
      if (seen_ == kMaxApks + 1) {
        sink.Warn(file.path, "over " + std::to_string(kMaxApks) +
                                 " APK files: this and the rest were not read");
      }
      return;
    }
    if (!file.read_at) return;
    const bool installed = IsInstalledPath(file.path);
    ApkFacts facts;
    if (EndsWithNoCase(file.path, ".apk")) {
      facts = ReadApk(file.read_at, file.info.size);  // throws
    } else {
      facts = ReadBundle(file, sink);
    }
    for (const std::string& problem : facts.signature.problems) {
      sink.Warn(file.path, problem);
    }
    const AxmlManifest& m = facts.manifest;
    Software sw;
    sw.ecosystem = installed ? "android" : "installer";
    sw.id = m.package;
    sw.version = m.version_name.empty() ? m.version_code : m.version_name;
    sw.name = m.label;
    sw.signer.cert_sha256 = facts.signature.cert_sha256;
    sw.signer.subject = facts.signature.subject;
    sw.signer.cert_lineage = facts.signature.lineage_sha256;
    sw.source = file.path;
    sw.location = installed ? std::string(DirName(file.path)) : file.path;
    if (!installed) sw.user = LooseUser(file.path);
    sink.Add(std::move(sw));
  }

 private:
  ApkFacts ReadBundle(const EvidenceFile& file, CollectorSink& sink) {
    const ZipCentralDirectory dir =
        ReadZipCentralDirectory(file.read_at, file.info.size);
    const ZipEntry* base = FindBaseApk(dir);
    if (!base) throw ParseError("the bundle holds no base APK");
    if (base->method == 0 && !(base->flags & 1)) {
      // Stored: the inner APK is read in place, a window on the bundle.
      const uint64_t start =
          ZipEntryDataOffset(file.read_at, file.info.size, *base);
      const uint64_t size = base->compressed_size;
      const ZipReadAt& outer = file.read_at;
      const ZipReadAt inner = [&outer, start, size](uint64_t offset,
                                                    uint64_t length) {
        if (offset >= size) return std::string();
        return outer(start + offset, std::min(length, size - offset));
      };
      return ReadApk(inner, size);
    }
    if (base->uncompressed_size > kMaxInnerApkBytes) {
      sink.Warn(file.path, base->name + " is compressed and " +
                               std::to_string(base->uncompressed_size) +
                               " bytes, over the " +
                               std::to_string(kMaxInnerApkBytes) +
                               "-byte limit for reading it in memory");
      throw ParseError("the base APK " + base->name + " was not read");
    }
    const std::string bytes =
        ReadZipEntry(file.read_at, file.info.size, *base, kMaxInnerApkBytes);
    return ReadApk(ZipReadAtBytes(bytes), bytes.size());
  }

  size_t seen_ = 0;
};

}  // namespace

std::unique_ptr<Collector> MakeAndroidApkCollector() {
  return std::make_unique<AndroidApkCollector>();
}

}  // namespace contraband
