// XFS and APFS through libfsxfs and libfsapfs. The XFS image is built here
// with mkfs.xfs from a prototype file; the APFS container with mkapfs, which
// can only make an empty one (filling it needs the apfs kernel module, which
// this machine lacks), so the System/Data join is tested over MemoryVfs.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <ctime>
#include <filesystem>
#include <map>

#include "evidence/filesystem/apfs_vfs.h"
#include "evidence/filesystem/firmlink_vfs.h"
#include "evidence/memory_vfs.h"
#include "evidence/filesystem/xfs_vfs.h"
#include "support/test_support.h"

using namespace contraband;
using namespace contraband::testing;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> Names(Vfs& vfs, const std::string& dir) {
  std::vector<std::string> out;
  for (const DirEntry& e : vfs.List(dir)) out.push_back(e.name);
  return out;
}

FileType TypeIn(Vfs& vfs, const std::string& dir, const std::string& name) {
  for (const DirEntry& e : vfs.List(dir)) {
    if (e.name == name) return e.type;
  }
  FAIL("no " << name << " in " << dir);
  return FileType::kOther;
}

void RequireTool(const char* tool, const char* package) {
  INFO("the test needs " << tool << " (Debian package " << package << ")");
  REQUIRE(HaveTool(tool));
}

void Sh(const std::string& script) {
  RunResult r = Run("bash -c " + ShellQuote("set -e\n" + script));
  INFO(script << "\nstdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == 0);
}

// An xfsprogs prototype file (mkfs.xfs(8), PROTOTYPE) for the tree under
// `dir`: folders, regular files (copied from the host) and symlinks, with
// their owners. Names must not hold spaces or colons (the format's limits).
void ProtoEntries(const fs::path& dir, std::string& out) {
  std::vector<fs::path> entries;
  for (const auto& e : fs::directory_iterator(dir)) entries.push_back(e.path());
  std::sort(entries.begin(), entries.end());
  for (const fs::path& p : entries) {
    struct stat st {};
    REQUIRE(lstat(p.c_str(), &st) == 0);
    const std::string owner =
        std::to_string(st.st_uid) + " " + std::to_string(st.st_gid);
    const std::string name = p.filename().string();
    if (S_ISLNK(st.st_mode)) {
      out +=
          name + " l--777 " + owner + " " + fs::read_symlink(p).string() + "\n";
    } else if (S_ISDIR(st.st_mode)) {
      out += name + " d--755 " + owner + "\n";
      ProtoEntries(p, out);
      out += "$\n";
    } else {
      out += name + " ---644 " + owner + " " + p.string() + "\n";
    }
  }
}

std::string XfsProtofile(const fs::path& dir) {
  std::string out = "contraband-test\n0 0\nd--755 0 0\n";
  ProtoEntries(dir, out);
  out += "$\n";
  return out;
}

// 2.5 MiB that differ at every offset, so a misplaced chunk shows.
std::string BigData() {
  std::string s;
  for (uint32_t i = 0; s.size() < (5u << 19); ++i) {
    s += std::to_string(i * 2654435761u) + "\n";
  }
  s.resize(5u << 19);
  return s;
}

const char kDpkgStatus[] =
    "Package: zoom\n"
    "Status: install ok installed\n"
    "Architecture: amd64\n"
    "Version: 5.17.11.3835\n"
    "Description: Zoom Cloud Meetings\n";

// A tree with what a scan meets: dpkg's status, links of every kind, a
// nested folder, a file larger than one read chunk, a file owned by uid
// 1000. The escaping links name /etc/passwd, which the image holds too.
struct XfsImage {
  TempDir dir;
  std::string image;
  int64_t built_at = 0;
};

XfsImage BuildXfsImage(const std::string& mkfs_options = "") {
  RequireTool("mkfs.xfs", "xfsprogs");
  XfsImage x;
  const std::string root = x.dir.path() + "/root";
  x.dir.Write("root/var/lib/dpkg/status", kDpkgStatus);
  x.dir.Write("root/etc/passwd", "root:x:0:0:evidence root:/root:/bin/sh\n");
  x.dir.Write("root/opt/zoom/zoom", "ELF zoom binary\n");
  x.dir.Write("root/opt/zoom/lib/nested/deep/libzoom.so", "deep library\n");
  x.dir.Write("root/opt/zoom/big.bin", BigData());
  x.dir.Write("root/home/alice/notes.txt", "alice's notes\n");
  REQUIRE(chown((root + "/home/alice/notes.txt").c_str(), 1000, 1000) == 0);
  fs::create_directories(root + "/usr/bin");
  fs::create_symlink("/opt/zoom/zoom", root + "/usr/bin/zoom");  // absolute
  fs::create_symlink("../opt/zoom", root + "/usr/zoomdir");      // relative
  fs::create_symlink("/../../etc/passwd", root + "/opt/zoom/escape_abs");
  fs::create_symlink("../../../../../../etc/passwd",
                     root + "/opt/zoom/escape_rel");
  fs::create_symlink("/nowhere/at/all", root + "/opt/zoom/dangling");
  fs::create_symlink("loop_b", root + "/opt/zoom/loop_a");
  fs::create_symlink("loop_a", root + "/opt/zoom/loop_b");
  const std::string proto = x.dir.Write("proto.txt", XfsProtofile(root));
  x.image = x.dir.path() + "/xfs.img";
  x.built_at = static_cast<int64_t>(std::time(nullptr));
  // xfsprogs 6.1 refuses filesystems under 300 MiB; the file stays sparse
  // apart from the log mkfs zeroes.
  Sh("truncate -s 300M " + ShellQuote(x.image) + " && mkfs.xfs -q -f " +
     mkfs_options + " -p " + ShellQuote(proto) + " " + ShellQuote(x.image));
  return x;
}

// A MemoryVfs that also answers about links without following them (as
// InodeTreeVfs does), so the join can follow a link across volumes.
class LinkingMemoryVfs : public MemoryVfs, public LinkLookup {
 public:
  LinkingMemoryVfs& Link(const std::string& path, const std::string& target) {
    AddSymlink(path, target);
    links_[path] = target;
    return *this;
  }
  std::optional<FileInfo> Lstat(const std::string& path) override {
    if (links_.count(path)) return FileInfo{FileType::kSymlink, 0, 0, 0};
    return Stat(path);  // link-free, so the same as not following
  }
  std::string ReadLink(const std::string& path) override {
    return links_.at(path);
  }

 private:
  std::map<std::string, std::string> links_;
};

const char kFirmlinks[] =
    "/Applications\tApplications\n"
    "/Users\tUsers\n"
    "this line has no tab\n"
    "relative/system\tpath\n"
    "/\tUsers\n"
    "/Library\t\n"
    "/private\tprivate\r\n"
    "/opt\topt\n";  // no /opt on the Data volume: the System one shows

// A macOS 10.15+ install, as its two volumes hold it.
std::unique_ptr<FirmlinkVfs> MacJoin() {
  auto system = std::make_unique<LinkingMemoryVfs>();
  system->AddFile("/System/Library/CoreServices/SystemVersion.plist",
                  "<plist>10.15</plist>");
  system->AddFile("/usr/share/firmlinks", kFirmlinks);
  system->AddFile("/bin/ls", "ls");
  system->AddDir("/Applications");  // covered by the firmlink
  system->AddFile("/Applications/Hidden.app/Contents/Info.plist", "hidden");
  system->AddDir("/Users");
  system->AddFile("/Library/Keep/system.txt", "system library");
  system->AddFile("/opt/tool", "system opt");
  system->Link("/etc", "private/etc");
  auto data = std::make_unique<LinkingMemoryVfs>();
  data->AddFile("/Applications/Zoom.app/Contents/Info.plist",
                "<plist>zoom 5.17</plist>");
  data->AddFile("/Users/alice/Library/Preferences/us.zoom.xos.plist", "prefs");
  data->AddFile("/private/etc/hosts", "127.0.0.1 localhost\n");
  data->AddFile("/Library/Data/data.txt", "data library");
  data->Link("/Users/alice/escape", "../../../../../etc/hosts");
  std::vector<Firmlink> links =
      ParseFirmlinks(system->Read("/usr/share/firmlinks", kMaxFirmlinksBytes));
  return std::make_unique<FirmlinkVfs>(std::move(system), std::move(data),
                                       std::move(links));
}

}  // namespace

TEST_CASE("xfs: lists, stats and reads a tree mkfs.xfs built", "[xfs]") {
  XfsImage x = BuildXfsImage();
  auto device = std::make_shared<FileBlockDevice>(x.image);
  CHECK(LooksLikeXfs(*device));
  CHECK_FALSE(LooksLikeApfsContainer(*device));
  std::unique_ptr<Vfs> vfs = OpenXfsVfs(device);
  REQUIRE(vfs);

  CHECK(Names(*vfs, "/") ==
        std::vector<std::string>{"etc", "home", "opt", "usr", "var"});
  CHECK(Names(*vfs, "/opt/zoom") ==
        std::vector<std::string>{"big.bin", "dangling", "escape_abs",
                                 "escape_rel", "lib", "loop_a", "loop_b",
                                 "zoom"});
  CHECK(TypeIn(*vfs, "/opt/zoom", "lib") == FileType::kDirectory);
  CHECK(TypeIn(*vfs, "/opt/zoom", "zoom") == FileType::kRegular);
  CHECK(TypeIn(*vfs, "/usr/bin", "zoom") == FileType::kSymlink);
  CHECK(vfs->Read("/var/lib/dpkg/status", 1 << 20) == kDpkgStatus);
  CHECK(vfs->Read("/opt/zoom/lib/nested/deep/libzoom.so", 1 << 20) ==
        "deep library\n");

  std::optional<FileInfo> status = vfs->Stat("/var/lib/dpkg/status");
  REQUIRE(status);
  CHECK(status->type == FileType::kRegular);
  CHECK(status->size == sizeof kDpkgStatus - 1);
  CHECK(status->uid == 0);
  // xfsprogs 6.1 makes "bigtime" inodes, whose times libfsxfs misreads by
  // decades: the time must be when the image was built.
  CHECK(status->mtime >= x.built_at - 60);
  CHECK(status->mtime <= static_cast<int64_t>(std::time(nullptr)) + 60);
  std::optional<FileInfo> notes = vfs->Stat("/home/alice/notes.txt");
  REQUIRE(notes);
  CHECK(notes->uid == 1000);
  std::optional<FileInfo> folder = vfs->Stat("/opt/zoom/lib/nested");
  REQUIRE(folder);
  CHECK(folder->type == FileType::kDirectory);
  CHECK_FALSE(vfs->Stat("/opt/zoom/absent"));

  // Larger than one read chunk: every byte in place.
  const std::string big = vfs->Read("/opt/zoom/big.bin", 8 << 20);
  CHECK(big.size() == BigData().size());
  CHECK(big == BigData());
}

TEST_CASE("xfs: links resolve inside the filesystem, never on the host",
          "[xfs]") {
  XfsImage x = BuildXfsImage();
  std::unique_ptr<Vfs> vfs =
      OpenXfsVfs(std::make_shared<FileBlockDevice>(x.image));
  // An absolute link restarts at the evidence root; a relative one walks.
  CHECK(vfs->Read("/usr/bin/zoom", 1 << 20) == "ELF zoom binary\n");
  CHECK(Names(*vfs, "/usr/zoomdir/lib") == std::vector<std::string>{"nested"});
  // Both escapes end at the image's /etc/passwd, not the host's.
  const std::string image_passwd = "root:x:0:0:evidence root:/root:/bin/sh\n";
  CHECK(vfs->Read("/opt/zoom/escape_abs", 1 << 20) == image_passwd);
  CHECK(vfs->Read("/opt/zoom/escape_rel", 1 << 20) == image_passwd);
  CHECK(ReadHostFile("/etc/passwd") != image_passwd);
  CHECK_FALSE(vfs->Stat("/opt/zoom/dangling"));
  CHECK_FALSE(vfs->Stat("/opt/zoom/loop_a"));  // a loop is nothing usable
  CHECK_THROWS_AS(vfs->Read("/opt/zoom/loop_a", 1 << 20), EvidenceError);
  CHECK_THROWS_AS(vfs->Read("/opt/zoom/dangling", 1 << 20), EvidenceError);
}

TEST_CASE("xfs: reads are bounded and counted, errors name the path", "[xfs]") {
  XfsImage x = BuildXfsImage();
  std::unique_ptr<Vfs> vfs =
      OpenXfsVfs(std::make_shared<FileBlockDevice>(x.image));
  try {
    vfs->Read("/opt/zoom/big.bin", 1 << 20);
    FAIL("a file over max_bytes was read");
  } catch (const EvidenceError& e) {
    CHECK(std::string(e.what()).find("/opt/zoom/big.bin") != std::string::npos);
    CHECK(std::string(e.what()).find("limit") != std::string::npos);
  }
  CHECK_THROWS_WITH(vfs->Read("/opt/zoom/lib", 1 << 20),
                    Catch::Contains("/opt/zoom/lib") &&
                        Catch::Contains("not a regular file"));
  CHECK_THROWS_WITH(vfs->Read("/opt/nothing", 1 << 20),
                    Catch::Contains("/opt/nothing"));
  CHECK_THROWS_AS(vfs->List("/var/lib/dpkg/status"), EvidenceError);
  CHECK_THROWS_AS(vfs->List("/var/nothing"), EvidenceError);
  CHECK(vfs->files_read() == 0);  // refused reads are not counted
  vfs->Read("/var/lib/dpkg/status", 1 << 20);
  CHECK(vfs->files_read() == 1);
  CHECK(vfs->bytes_read() == sizeof kDpkgStatus - 1);
}

TEST_CASE("xfs: older layouts (no bigtime, or v4 as RHEL 7 made) read too",
          "[xfs]") {
  // bigtime=0: times as seconds and nanoseconds, which libfsxfs decodes.
  // crc=0: the v4 format (deprecated, but what RHEL 7 installed).
  for (const char* options : {"-m bigtime=0", "-m crc=0"}) {
    INFO(options);
    XfsImage x = BuildXfsImage(options);
    std::unique_ptr<Vfs> vfs =
        OpenXfsVfs(std::make_shared<FileBlockDevice>(x.image));
    CHECK(vfs->Read("/var/lib/dpkg/status", 1 << 20) == kDpkgStatus);
    CHECK(vfs->Read("/usr/bin/zoom", 1 << 20) == "ELF zoom binary\n");
    std::optional<FileInfo> status = vfs->Stat("/var/lib/dpkg/status");
    REQUIRE(status);
    CHECK(status->mtime >= x.built_at - 60);
    CHECK(status->mtime <= static_cast<int64_t>(std::time(nullptr)) + 60);
    CHECK(vfs->Stat("/home/alice/notes.txt")->uid == 1000);
  }
}

TEST_CASE("xfs: anything else is refused with libfsxfs's reason", "[xfs]") {
  TempDir dir;
  const std::string junk = dir.Write("junk.img", std::string(1 << 20, 'x'));
  auto device = std::make_shared<FileBlockDevice>(junk);
  CHECK_FALSE(LooksLikeXfs(*device));
  try {
    OpenXfsVfs(device);
    FAIL("junk opened as XFS");
  } catch (const EvidenceError& e) {
    const std::string what = e.what();
    CHECK(what.find("cannot open the XFS filesystem: ") == 0);
    CHECK(what.size() > std::string("cannot open the XFS filesystem: ").size());
  }
}

TEST_CASE("apfs: an empty container mkapfs made has one volume", "[apfs]") {
  RequireTool("mkapfs", "apfsprogs");
  TempDir dir;
  const std::string image = dir.path() + "/apfs.img";
  // mkapfs refuses containers under 128 MiB ("small containers are not
  // supported"); the file stays sparse.
  Sh("truncate -s 128M " + ShellQuote(image) + " && mkapfs -L " +
     ShellQuote("Evidence Disk") + " " + ShellQuote(image));
  auto device = std::make_shared<FileBlockDevice>(image);
  CHECK(LooksLikeApfsContainer(*device));
  CHECK_FALSE(LooksLikeXfs(*device));
  ApfsContainer c = OpenApfsContainer(device);
  CHECK(c.warnings.empty());
  REQUIRE(c.volumes.size() == 1);
  CHECK(c.volumes[0].name == "apfs1");
  CHECK(c.volumes[0].label == "Evidence Disk");
  CHECK(c.volumes[0].chain == "apfs");
  REQUIRE(c.volumes[0].vfs);
  Vfs& vfs = *c.volumes[0].vfs;
  CHECK(vfs.List("/").empty());
  std::optional<FileInfo> root = vfs.Stat("/");
  REQUIRE(root);
  CHECK(root->type == FileType::kDirectory);
  CHECK_FALSE(vfs.Stat("/Users"));
  CHECK_THROWS_AS(vfs.Read("/usr/share/firmlinks", 1 << 16), EvidenceError);
}

TEST_CASE("apfs: anything else is refused with libfsapfs's reason", "[apfs]") {
  TempDir dir;
  const std::string junk = dir.Write("junk.img", std::string(1 << 20, 'x'));
  auto device = std::make_shared<FileBlockDevice>(junk);
  CHECK_FALSE(LooksLikeApfsContainer(*device));
  CHECK_THROWS_WITH(OpenApfsContainer(device),
                    Catch::StartsWith("cannot open the APFS container: "));
}

TEST_CASE("firmlinks: malformed lines are skipped, the file is bounded",
          "[apfs][firmlinks]") {
  std::vector<Firmlink> links = ParseFirmlinks(kFirmlinks);
  std::vector<std::string> got;
  for (const Firmlink& l : links)
    got.push_back(l.system_path + "=" + l.data_path);
  CHECK(got == std::vector<std::string>{"/Applications=/Applications",
                                        "/Users=/Users", "/private=/private",
                                        "/opt=/opt"});
  CHECK(ParseFirmlinks("").empty());
  CHECK(ParseFirmlinks("/Users\tUsers\n/Users\tElsewhere\n").size() == 1);
  // ".." cannot climb out of either volume.
  std::vector<Firmlink> climb = ParseFirmlinks("/a/../../b\t../../c\n");
  REQUIRE(climb.size() == 1);
  CHECK(climb[0].system_path == "/b");
  CHECK(climb[0].data_path == "/c");

  std::string many;
  for (int i = 0; i < 2000; ++i) {
    many += "/f" + std::to_string(i) + "\tf" + std::to_string(i) + "\n";
  }
  CHECK(ParseFirmlinks(many).size() == kMaxFirmlinks);
  std::string huge(kMaxFirmlinksBytes, '#');
  huge += "\n/Users\tUsers\n";  // past the bound: not read
  CHECK(ParseFirmlinks(huge).empty());
  CHECK(DefaultFirmlinks().size() == 18);
}

TEST_CASE("firmlinks: System and Data volumes join into one root",
          "[apfs][firmlinks]") {
  std::unique_ptr<FirmlinkVfs> mac = MacJoin();
  Vfs& vfs = *mac;
  CHECK(Names(vfs, "/") ==
        std::vector<std::string>{"Applications", "Library", "System", "Users",
                                 "bin", "etc", "opt", "private", "usr"});
  CHECK(TypeIn(vfs, "/", "Applications") == FileType::kDirectory);
  CHECK(TypeIn(vfs, "/", "etc") == FileType::kSymlink);
  // Under a firmlink, the Data volume's contents replace the System folder's.
  CHECK(Names(vfs, "/Applications") == std::vector<std::string>{"Zoom.app"});
  CHECK(vfs.Read("/Applications/Zoom.app/Contents/Info.plist", 1 << 20) ==
        "<plist>zoom 5.17</plist>");
  CHECK_FALSE(vfs.Stat("/Applications/Hidden.app"));
  // macOS volumes ignore case by default: so do the firmlinks.
  CHECK(vfs.Read("/APPLICATIONS/Zoom.app/Contents/Info.plist", 1 << 20) ==
        "<plist>zoom 5.17</plist>");
  CHECK(Names(vfs, "/Users/alice/Library/Preferences") ==
        std::vector<std::string>{"us.zoom.xos.plist"});
  // Not firmlinked: the System volume.
  CHECK(vfs.Read("/System/Library/CoreServices/SystemVersion.plist", 100) ==
        "<plist>10.15</plist>");
  CHECK(vfs.Read("/Library/Keep/system.txt", 100) == "system library");
  CHECK_FALSE(vfs.Stat("/Library/Data"));  // its firmlink line is malformed
  CHECK(vfs.Read("/opt/tool", 100) == "system opt");  // no Data /opt

  // The Data volume is also mounted where macOS mounts it.
  CHECK(Names(vfs, "/System") ==
        std::vector<std::string>{"Library", "Volumes"});
  CHECK(Names(vfs, "/System/Volumes") == std::vector<std::string>{"Data"});
  CHECK(Names(vfs, "/System/Volumes/Data/Users/alice") ==
        std::vector<std::string>{"Library", "escape"});
  CHECK(vfs.Read("/System/Volumes/Data/Library/Data/data.txt", 100) ==
        "data library");

  // The System volume's /etc -> private/etc reaches the Data volume's
  // /private/etc, as on a running Mac.
  CHECK(vfs.Read("/etc/hosts", 100) == "127.0.0.1 localhost\n");
  // A link on the Data volume climbing out still lands inside the join.
  CHECK(vfs.Read("/Users/alice/escape", 100) == "127.0.0.1 localhost\n");

  CHECK_THROWS_WITH(
      vfs.Read("/Applications/Zoom.app/Contents/Info.plist", 4),
      Catch::Contains("/Applications/Zoom.app/Contents/Info.plist"));
  CHECK_THROWS_AS(vfs.List("/Applications/Nothing.app"), EvidenceError);
  const uint64_t before = vfs.bytes_read();
  vfs.Read("/Users/alice/Library/Preferences/us.zoom.xos.plist", 100);
  CHECK(vfs.bytes_read() - before == 5);
}

TEST_CASE("firmlinks: over plain Vfs each volume resolves its own links",
          "[apfs][firmlinks]") {
  auto system = std::make_unique<MemoryVfs>();
  system->AddDir("/System/Library");
  system->AddDir("/Applications");
  system->AddSymlink("/etc", "private/etc");
  auto data = std::make_unique<MemoryVfs>();
  data->AddFile("/Applications/Zoom.app/Contents/Info.plist", "zoom");
  data->AddSymlink("/Applications/Latest.app", "Zoom.app");
  data->AddFile("/private/etc/hosts", "hosts");
  FirmlinkVfs vfs(std::move(system), std::move(data),
                  ParseFirmlinks("/Applications\tApplications\n"));
  CHECK(vfs.active().size() == 2);  // /Applications and the Data mount
  CHECK(vfs.Read("/Applications/Latest.app/Contents/Info.plist", 100) ==
        "zoom");
  CHECK(vfs.Read("/System/Volumes/Data/private/etc/hosts", 100) == "hosts");
  // Without link answers from the System volume its /etc stays there.
  CHECK_FALSE(vfs.Stat("/etc/hosts"));
}

namespace {

ApfsVolume Vol(int index, const std::string& label,
               std::unique_ptr<MemoryVfs> vfs) {
  return ApfsVolume{"apfs" + std::to_string(index), label, "apfs",
                    std::move(vfs)};
}

std::unique_ptr<MemoryVfs> SystemVolume(bool with_firmlinks) {
  auto v = std::make_unique<MemoryVfs>();
  v->AddFile("/System/Library/CoreServices/SystemVersion.plist", "14.2");
  v->AddDir("/Applications");
  v->AddDir("/Users");
  if (with_firmlinks) {
    v->AddFile("/usr/share/firmlinks",
               "/Applications\tApplications\n"
               "/Users\tUsers\n");
  }
  return v;
}

std::unique_ptr<MemoryVfs> DataVolume() {
  auto v = std::make_unique<MemoryVfs>();
  v->AddFile("/Applications/Zoom.app/Contents/Info.plist", "zoom");
  v->AddDir("/Users/alice");
  v->AddDir("/private/var/db");
  return v;
}

std::string Summary(const std::vector<ApfsVolume>& volumes) {
  std::string out;
  for (const ApfsVolume& v : volumes) {
    out += (out.empty() ? "" : ", ") + v.name + "=" + v.label + "/" + v.chain;
  }
  return out;
}

}  // namespace

TEST_CASE("apfs: a System volume and its Data volume become one",
          "[apfs][firmlinks]") {
  // As a Mac's container lists them: the Data volume before the System one,
  // with Preboot, Recovery and VM beside them.
  std::vector<ApfsVolume> in;
  auto preboot = std::make_unique<MemoryVfs>();
  preboot->AddDir("/2F1C0C52-6A4E-4B5E-9C61-4D8F9C2E7B11/System/Library");
  in.push_back(Vol(1, "Preboot", std::move(preboot)));
  in.push_back(Vol(2, "Macintosh HD - Data", DataVolume()));
  in.push_back(Vol(3, "Macintosh HD", SystemVolume(true)));
  in.push_back(Vol(4, "Recovery", std::make_unique<MemoryVfs>()));
  std::vector<std::string> warnings;
  std::vector<ApfsVolume> out = JoinSystemAndData(std::move(in), warnings);
  CHECK(warnings.empty());
  CHECK(Summary(out) ==
        "apfs1=Preboot/apfs, apfs3=Macintosh HD/apfs (system + data), "
        "apfs4=Recovery/apfs");
  REQUIRE(out.size() == 3);
  Vfs& mac = *out[1].vfs;
  CHECK(mac.Read("/Applications/Zoom.app/Contents/Info.plist", 100) == "zoom");
  CHECK(Names(mac, "/Users") == std::vector<std::string>{"alice"});
  CHECK(Names(mac, "/System/Volumes/Data/private/var") ==
        std::vector<std::string>{"db"});
  CHECK(mac.Stat("/System/Library/CoreServices/SystemVersion.plist"));
}

TEST_CASE("apfs: pairs found by contents alone, or by names alone",
          "[apfs][firmlinks]") {
  SECTION("renamed volumes: the firmlinks file and the Data contents") {
    std::vector<ApfsVolume> in;
    in.push_back(Vol(1, "Evidence", SystemVolume(true)));
    in.push_back(Vol(2, "Stuff", DataVolume()));
    std::vector<std::string> warnings;
    std::vector<ApfsVolume> out = JoinSystemAndData(std::move(in), warnings);
    CHECK(Summary(out) == "apfs1=Evidence/apfs (system + data)");
    CHECK(warnings.empty());
  }
  SECTION("no firmlinks file: \"X\" and \"X - Data\", macOS's own list") {
    std::vector<ApfsVolume> in;
    in.push_back(Vol(1, "Mac", SystemVolume(false)));
    in.push_back(Vol(2, "Mac - Data", DataVolume()));
    std::vector<std::string> warnings;
    std::vector<ApfsVolume> out = JoinSystemAndData(std::move(in), warnings);
    CHECK(Summary(out) == "apfs1=Mac/apfs (system + data)");
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].find("firmlinks") != std::string::npos);
    REQUIRE(out.size() == 1);
    CHECK(out[0].vfs->Read("/Applications/Zoom.app/Contents/Info.plist", 100) ==
          "zoom");
  }
  SECTION("a Data-like volume without a System volume stays alone") {
    std::vector<ApfsVolume> in;
    in.push_back(Vol(1, "Backup", DataVolume()));
    in.push_back(Vol(2, "Other", SystemVolume(false)));
    std::vector<std::string> warnings;
    std::vector<ApfsVolume> out = JoinSystemAndData(std::move(in), warnings);
    CHECK(Summary(out) == "apfs1=Backup/apfs, apfs2=Other/apfs");
    CHECK(warnings.empty());
  }
}
