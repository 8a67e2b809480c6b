// Disk images through The Sleuth Kit: the real images of the corpus (what TSK
// says is in them was checked with fls/mmls/fsstat), images the test builds
// with mkfs.ext4 -d and mkntfs + ntfs-3g, and damaged copies of both.
#include <sys/xattr.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "common/sha256.h"
#include "evidence/image/disk_image_source.h"
#include "evidence/source.h"
#include "formats/parse_error.h"
#include "formats/qcow2.h"
#include "support/test_support.h"

using namespace contraband;
using namespace contraband::testing;

namespace {

#define CORPUS_IMAGE(var, rel)                                         \
  const std::optional<std::string> var##_path =                        \
      CorpusPath(std::string("disk_images/") + rel);                   \
  if (!var##_path) {                                                   \
    WARN("corpus image disk_images/" << rel << " is absent: skipped"); \
    return;                                                            \
  }                                                                    \
  const std::string var = *var##_path

OpenedEvidence MustOpen(const std::string& path, bool hash = false) {
  OpenRequest request;
  request.hash = hash;
  std::optional<OpenedEvidence> ev = TryOpenDiskImage(path, request);
  INFO(path);
  REQUIRE(ev);
  return std::move(*ev);
}

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

std::string Chains(const OpenedEvidence& ev) {
  std::string out;
  for (const EvidenceVolume& v : ev.volumes) {
    out += (out.empty() ? "" : ", ") + v.name + "=" + v.chain;
  }
  return out;
}

std::string Messages(const OpenedEvidence& ev) {
  std::string out;
  for (const OpenWarning& w : ev.warnings)
    out += "[" + w.path + "] " + w.message + "\n";
  return out;
}

// Tools a test needs: missing ones fail it (CI installs them).
void RequireTools(std::initializer_list<const char*> tools,
                  const char* package) {
  for (const char* t : tools) {
    INFO("the test needs " << t << " (Debian package " << package << ")");
    REQUIRE(HaveTool(t));
  }
}

void Sh(const std::string& script) {
  RunResult r = Run("bash -c " + ShellQuote("set -e\n" + script));
  INFO(script << "\nstdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == 0);
}

std::string ReadPrefix(const std::string& path, size_t n) {
  std::ifstream in(path, std::ios::binary);
  std::string buf(n, '\0');
  in.read(buf.data(), static_cast<std::streamsize>(n));
  buf.resize(static_cast<size_t>(in.gcount()));
  return buf;
}

// The dfvfs/plaso test filesystem: a folder, two files, a relative link.
void CheckDfvfsTree(Vfs& vfs) {
  CHECK(Names(vfs, "/") == std::vector<std::string>{"a_directory", "a_link",
                                                    "lost+found",
                                                    "passwords.txt"});
  CHECK(Names(vfs, "/a_directory") ==
        std::vector<std::string>{"a_file", "another_file"});
  const std::string passwords = vfs.Read("/passwords.txt", 1 << 20);
  CHECK(passwords.rfind("place,user,password\n", 0) == 0);
  CHECK(vfs.Read("/a_directory/a_file", 1 << 20) ==
        "This is a text file.\n\nWe should be able to parse it.\n");
  // a_link -> a_directory/another_file: listed as a link, followed by Stat
  // and Read.
  CHECK(TypeIn(vfs, "/", "a_link") == FileType::kSymlink);
  std::optional<FileInfo> link = vfs.Stat("/a_link");
  REQUIRE(link);
  CHECK(link->type == FileType::kRegular);
  CHECK(vfs.Read("/a_link", 1 << 20) ==
        vfs.Read("/a_directory/another_file", 1 << 20));
}

}  // namespace

TEST_CASE("ext2 in E01, VMDK, VHD and raw images reads the same tree",
          "[disk]") {
  struct Case {
    const char* rel;
    const char* format;
  };
  for (Case c : {Case{"dfvfs/ext2.E01", "ewf"}, Case{"dfvfs/ext2.vmdk", "vmdk"},
                 Case{"dfvfs/ext2.vhd", "vhd"}}) {
    CORPUS_IMAGE(path, c.rel);
    {
      INFO(c.rel);
      OpenedEvidence ev = MustOpen(path);
      CHECK(ev.kind == "disk-image");
      CHECK(ev.format == c.format);
      CHECK(ev.warnings.empty());
      REQUIRE(ev.volumes.size() == 1);
      CHECK(ev.volumes[0].name == "");  // a bare filesystem, no table
      CHECK(ev.volumes[0].chain == std::string(c.format) + " > ext2");
      // The media size (4 MiB; the VHD adds its CHS rounding), not the
      // container file's size.
      CHECK(ev.size >= 4194304);
      CHECK(ev.size <= 4212736);
      Vfs& vfs = *ev.volumes[0].vfs;
      CheckDfvfsTree(vfs);
      std::optional<FileInfo> pw = vfs.Stat("/passwords.txt");
      REQUIRE(pw);
      CHECK(pw->uid == 1000);  // from the inode
      CHECK(pw->mtime > 1600000000);
    }
  }
}

TEST_CASE("raw images: deleted names are not listed, reads are bounded",
          "[disk]") {
  CORPUS_IMAGE(imynd, "dfvfs/imynd.dd");
  CORPUS_IMAGE(syslog, "plaso/syslog_image.dd");
  OpenedEvidence ev = MustOpen(imynd);
  CHECK(ev.format == "raw");
  CHECK(ev.size == 102400);
  REQUIRE(ev.volumes.size() == 1);
  Vfs& vfs = *ev.volumes[0].vfs;
  CheckDfvfsTree(vfs);  // .another_file.swp and another_file~ are deleted
  CHECK_FALSE(vfs.Stat("/a_directory/another_file~"));
  CHECK_THROWS_AS(vfs.Read("/passwords.txt", 10), EvidenceError);
  CHECK_THROWS_AS(vfs.Read("/a_directory", 1 << 20), EvidenceError);
  CHECK_THROWS_AS(vfs.List("/passwords.txt"), EvidenceError);
  CHECK_THROWS_AS(vfs.Read("/nothing/here", 1 << 20), EvidenceError);
  const uint64_t before = vfs.bytes_read();
  vfs.Read("/a_directory/a_file", 1 << 20);
  CHECK(vfs.bytes_read() - before == 53);

  // In syslog_image.dd everything but logs/ was deleted.
  OpenedEvidence sys = MustOpen(syslog);
  REQUIRE(sys.volumes.size() == 1);
  CHECK(Names(*sys.volumes[0].vfs, "/") == std::vector<std::string>{"logs"});
  CHECK(Names(*sys.volumes[0].vfs, "/logs") ==
        std::vector<std::string>{"hidden.zip", "sys.tgz"});
}

TEST_CASE("HFS+, ISO9660 and FAT images, case-insensitive lookups", "[disk]") {
  CORPUS_IMAGE(hfs, "dfvfs/hfsplus.raw");
  CORPUS_IMAGE(iso, "dfvfs/iso9660.raw");
  CORPUS_IMAGE(fat, "velociraptor/fat_very_small.dd");

  OpenedEvidence h = MustOpen(hfs);
  REQUIRE(h.volumes.size() == 1);
  CHECK(h.volumes[0].chain == "raw > hfs+");
  Vfs& hv = *h.volumes[0].vfs;
  CHECK(hv.Read("/passwords.txt", 1 << 20).rfind("place,user,password", 0) ==
        0);
  // HFS+ ignores case; its link keeps the target in the data fork.
  CHECK(hv.Read("/A_DIRECTORY/A_File", 1 << 20) ==
        hv.Read("/a_directory/a_file", 1 << 20));
  CHECK(TypeIn(hv, "/", "a_link") == FileType::kSymlink);
  CHECK(hv.Read("/a_link", 1 << 20) ==
        hv.Read("/a_directory/another_file", 1 << 20));
  CHECK(hv.Stat("/a_directory")->uid >= 0);

  // A bare ISO 9660 image is left to the archive opener unless --as says
  // disk-image.
  CHECK_FALSE(TryOpenDiskImage(iso, {}));
  CHECK(OpenEvidence(iso, {}).kind == "archive");
  OpenRequest as_image;
  as_image.as_kind = "disk-image";
  std::optional<OpenedEvidence> iso_ev = TryOpenDiskImage(iso, as_image);
  REQUIRE(iso_ev);
  OpenedEvidence i = std::move(*iso_ev);
  REQUIRE(i.volumes.size() == 1);
  CHECK(i.volumes[0].chain == "raw > iso9660");
  Vfs& iv = *i.volumes[0].vfs;
  CHECK(Names(iv, "/") ==
        std::vector<std::string>{"A_DIRECTORY", "LOST_FOUND", "PASSWORDS.TXT"});
  CHECK(iv.Read("/PASSWORDS.TXT", 1 << 20).rfind("place,user,password", 0) ==
        0);
  CHECK(iv.Stat("/a_directory/a_file"));

  OpenedEvidence f = MustOpen(fat);
  REQUIRE(f.volumes.size() == 1);
  CHECK(f.volumes[0].chain == "raw > fat12");
  Vfs& fv = *f.volumes[0].vfs;
  // TSK's virtual $MBR, $FAT1, $FAT2 and $OrphanFiles are not listed.
  CHECK(Names(fv, "/") == std::vector<std::string>{"a"});
  CHECK(fv.Read("/a/b/hello.txt", 1 << 20) == "hello world\n");
  CHECK(fv.Read("/A/B/HELLO.TXT", 1 << 20) == "hello world\n");
  CHECK(fv.Stat("/a/b/hello.txt")->uid == -1);  // FAT records no owner
}

TEST_CASE("NTFS in an E01 and in a GPT VHDX", "[disk]") {
  CORPUS_IMAGE(e01, "velociraptor/partition_image.E01");
  CORPUS_IMAGE(zip, "velociraptor/test.vhdx.zip");
  OpenedEvidence ev = MustOpen(e01);
  CHECK(ev.format == "ewf");
  CHECK(ev.size == 8388608);
  REQUIRE(ev.volumes.size() == 1);
  CHECK(ev.volumes[0].chain == "ewf > ntfs");
  Vfs& vfs = *ev.volumes[0].vfs;
  CHECK(Names(vfs, "/Users/Administrator") ==
        std::vector<std::string>{"NTUser.dat"});
  std::optional<FileInfo> hive = vfs.Stat("/users/ADMINISTRATOR/ntuser.DAT");
  REQUIRE(hive);
  CHECK(hive->type == FileType::kRegular);
  CHECK(hive->uid == -1);
  // (the sample's "hive" is a short text file)
  CHECK(vfs.Read("/Users/Administrator/NTUSER.DAT", 64 << 20) == "hello \r\n");
  const std::vector<std::string> root = Names(vfs, "/");
  CHECK(std::is_sorted(root.begin(), root.end()));
  CHECK(std::count(root.begin(), root.end(), "$OrphanFiles") == 0);

  RequireTools({"unzip"}, "unzip");
  TempDir dir;
  Sh("cd " + ShellQuote(dir.path()) + " && unzip -q " + ShellQuote(zip));
  OpenedEvidence vhdx = MustOpen(dir.path() + "/test.vhdx");
  CHECK(vhdx.format == "vhdx");
  CHECK(vhdx.size == 5242880);
  CHECK(Chains(vhdx) == "p1=vhdx > gpt > ntfs");
  CHECK(vhdx.volumes[0].vfs->Stat("/Users/Administrator/Secret.txt.txt"));
}

TEST_CASE("MBR with an extended partition: numbered as an examiner does",
          "[disk]") {
  CORPUS_IMAGE(path, "plaso/tsk_volume_system.raw");
  OpenedEvidence ev = MustOpen(path);
  // mmls: 000:000 Linux at sector 1 (zeroed), 001:000 Linux at sector 352
  // inside the extended partition (ext2). The second real partition is p2.
  CHECK(Chains(ev) == "p2=raw > mbr > ext2");
  REQUIRE(ev.warnings.size() == 1);
  CHECK(ev.warnings[0].path == "p1");
  CHECK(ev.warnings[0].message.find("no filesystem") != std::string::npos);
  CHECK(Names(*ev.volumes[0].vfs, "/") ==
        std::vector<std::string>{"lost+found"});
}

TEST_CASE("GPT with ext4, exFAT, FAT32 and NTFS partitions", "[disk]") {
  CORPUS_IMAGE(qcow, "scalibr/valid-ext-exfat-fat32-ntfs.qcow2");
  RequireTools({"qemu-img"}, "qemu-utils");
  TempDir dir;
  const std::string raw = dir.path() + "/disk.raw";
  Sh("qemu-img convert -O raw " + ShellQuote(qcow) + " " + ShellQuote(raw));
  // Compressed copies, zlib and zstd, as qemu-img writes them.
  const std::string zlib = dir.path() + "/zlib.qcow2";
  const std::string zstd = dir.path() + "/zstd.qcow2";
  Sh("qemu-img convert -c -O qcow2 " + ShellQuote(raw) + " " + ShellQuote(zlib));
  Sh("qemu-img convert -c -O qcow2 -o compression_type=zstd " +
     ShellQuote(raw) + " " + ShellQuote(zstd));
  // The QCOW2 through our reader, plain and compressed, and its raw twin
  // made by qemu-img: the same partitions with the same files.
  for (const std::string& path : {qcow, zlib, zstd, raw}) {
    const std::string format = path == raw ? "raw" : "qcow2";
    OpenedEvidence ev = MustOpen(path);
    INFO(path);
    CHECK(ev.format == format);
    CHECK(Chains(ev) == "p1=" + format + " > gpt > ext4, p2=" + format +
                            " > gpt > exfat, p3=" + format +
                            " > gpt > fat32, p4=" + format + " > gpt > ntfs");
    CHECK(ev.warnings.empty());
    for (size_t i = 0; i < ev.volumes.size(); ++i) {
      const std::string key = "/private-key" + std::to_string(i + 1) + ".pem";
      INFO(ev.volumes[i].chain << " " << key);
      std::optional<FileInfo> info = ev.volumes[i].vfs->Stat(key);
      REQUIRE(info);
      CHECK(ev.volumes[i].vfs->Read(key, 1 << 20).find("PRIVATE KEY") !=
            std::string::npos);
    }
  }
}

TEST_CASE("Windows paths find their files whatever their case", "[disk]") {
  CORPUS_IMAGE(qcow, "dfvfs/windows_volume.qcow2");
  RequireTools({"qemu-img"}, "qemu-utils");
  TempDir dir;
  const std::string raw = dir.path() + "/volume.raw";
  Sh("qemu-img convert -O raw " + ShellQuote(qcow) + " " + ShellQuote(raw));
  OpenedEvidence ev = MustOpen(raw);
  CHECK(Chains(ev) == "=raw > ntfs");
  CHECK(Chains(MustOpen(qcow)) == "=qcow2 > ntfs");
  Vfs& vfs = *ev.volumes[0].vfs;
  CHECK(vfs.Stat("/Windows/System32/config/syslog"));
  CHECK(vfs.Stat("/WINDOWS/system32/CONFIG/SysLog"));
  // Globs match in any case and name the file as the volume spells it.
  CHECK(vfs.fold_case());
  CHECK(Glob(vfs, "/windows/system32/config/*") ==
        std::vector<std::string>{"/Windows/System32/config/syslog"});
  CHECK(Glob(vfs, "/windows/system32/config/SYSLOG") ==
        std::vector<std::string>{"/Windows/System32/config/syslog"});
}

namespace {

std::string Utf16(const std::string& ascii) {
  std::string out;
  for (char c : ascii) {
    out.push_back(c);
    out.push_back('\0');
  }
  return out;
}

void Le16(std::string& s, uint16_t v) {
  s.push_back(static_cast<char>(v & 0xff));
  s.push_back(static_cast<char>(v >> 8));
}
void Le32(std::string& s, uint32_t v) {
  Le16(s, static_cast<uint16_t>(v & 0xffff));
  Le16(s, static_cast<uint16_t>(v >> 16));
}

// A REPARSE_DATA_BUFFER for a symbolic link (0xA000000C) or junction
// (0xA0000003), as Windows writes them.
std::string ReparseData(uint32_t tag, const std::string& target,
                        bool relative) {
  const std::string sub = Utf16(target), print = Utf16(target);
  std::string body;
  Le16(body, 0);
  Le16(body, static_cast<uint16_t>(sub.size()));
  Le16(body, static_cast<uint16_t>(sub.size() + 2));
  Le16(body, static_cast<uint16_t>(print.size()));
  if (tag == 0xA000000C) Le32(body, relative ? 1 : 0);
  body += sub + std::string(2, '\0') + print + std::string(2, '\0');
  std::string out;
  Le32(out, tag);
  Le16(out, static_cast<uint16_t>(body.size()));
  Le16(out, 0);
  return out + body;
}

}  // namespace

TEST_CASE("NTFS built by ntfs-3g: case, symbolic links and junctions",
          "[disk]") {
  RequireTools({"mkntfs", "ntfs-3g"}, "ntfs-3g");
  TempDir dir;
  const std::string img = dir.path() + "/ntfs.img", mnt = dir.path() + "/mnt";
  Sh("cd " + ShellQuote(dir.path()) +
     " && truncate -s 16M ntfs.img && mkntfs -F -q -f ntfs.img >/dev/null 2>&1"
     " && mkdir mnt && ntfs-3g ntfs.img mnt"
     " && mkdir -p mnt/WINDOWS/system32/config mnt/Users/Public mnt/junction"
     " mnt/offvolume mnt/loop"
     " && printf regf > mnt/WINDOWS/system32/config/SOFTWARE"
     " && echo pub > mnt/Users/Public/x.txt && touch mnt/rel.lnk mnt/abs.lnk");
  struct Link {
    const char* path;
    uint32_t tag;
    const char* target;
    bool relative;
  };
  bool set_ok = true;
  for (Link l :
       {Link{"/junction", 0xA0000003, "\\??\\C:\\Users", false},
        Link{"/offvolume", 0xA0000003,
             "\\??\\Volume{01234567-89ab-cdef-0123-456789abcdef}\\", false},
        Link{"/loop", 0xA0000003, "\\??\\C:\\loop", false},
        Link{"/rel.lnk", 0xA000000C, "WINDOWS\\system32\\config\\SOFTWARE",
             true},
        Link{"/abs.lnk", 0xA000000C, "\\??\\C:\\Users\\Public\\x.txt",
             false}}) {
    const std::string data = ReparseData(l.tag, l.target, l.relative);
    set_ok &= setxattr((mnt + l.path).c_str(), "system.ntfs_reparse_data",
                       data.data(), data.size(), 0) == 0;
  }
  Sh("umount " + ShellQuote(mnt));
  REQUIRE(set_ok);

  OpenedEvidence ev = MustOpen(img);
  REQUIRE(Chains(ev) == "=raw > ntfs");
  Vfs& vfs = *ev.volumes[0].vfs;
  CHECK(vfs.Read("/Windows/System32/config/SOFTWARE", 1 << 20) == "regf");
  // Found in any case, named as the volume spells it.
  CHECK(Glob(vfs, "/Windows/System32/config/SOFTWARE") ==
        std::vector<std::string>{"/WINDOWS/system32/config/SOFTWARE"});
  // Links are links in listings, so ** never descends a junction loop.
  CHECK(TypeIn(vfs, "/", "junction") == FileType::kSymlink);
  CHECK(TypeIn(vfs, "/", "rel.lnk") == FileType::kSymlink);
  CHECK(TypeIn(vfs, "/", "offvolume") == FileType::kOther);
  CHECK(vfs.Read("/junction/Public/x.txt", 1 << 20) == "pub\n");
  CHECK(vfs.Read("/rel.lnk", 1 << 20) == "regf");
  CHECK(vfs.Read("/abs.lnk", 1 << 20) == "pub\n");
  CHECK_FALSE(vfs.Stat("/offvolume/x"));
  CHECK_FALSE(vfs.Stat("/loop/x"));  // a junction to itself: a loop, no hang
  CHECK(Glob(vfs, "/**/x.txt") ==
        std::vector<std::string>{"/Users/Public/x.txt"});
}

TEST_CASE("ext4 links stay inside the image", "[disk]") {
  RequireTools({"mkfs.ext4"}, "e2fsprogs");
  TempDir dir;
  Sh("cd " + ShellQuote(dir.path()) +
     " && mkdir -p root/etc root/var/lib/dpkg root/deep/er"
     " && echo image-hostname > root/etc/hostname && echo s > "
     "root/var/lib/dpkg/status"
     " && ln -s /etc/hostname root/abs && ln -s ../../../../../../etc/hostname "
     "root/deep/er/esc"
     " && ln -s /etc/" +
     [] {
       std::string dots;
       for (int i = 0; i < 40; ++i) dots += "./";
       return dots;
     }() +
     "hostname root/slow"
     " && ln -s loop2 root/loop1 && ln -s loop1 root/loop2 && ln -s /var "
     "root/varlink"
     " && truncate -s 8M fs.img && mkfs.ext4 -q -F -d root fs.img");
  OpenedEvidence ev = MustOpen(dir.path() + "/fs.img");
  REQUIRE(Chains(ev) == "=raw > ext4");
  Vfs& vfs = *ev.volumes[0].vfs;
  CHECK(vfs.Read("/abs", 100) == "image-hostname\n");
  CHECK(vfs.Read("/deep/er/esc", 100) == "image-hostname\n");
  CHECK(vfs.Read("/slow", 100) ==
        "image-hostname\n");  // target kept in a block
  CHECK(vfs.Read("/varlink/lib/dpkg/status", 100) == "s\n");
  CHECK_FALSE(vfs.Stat("/loop1"));
  CHECK_THROWS_AS(vfs.Read("/loop1", 100), EvidenceError);
  CHECK(Glob(vfs, "/var*/lib/dpkg/status") ==
        std::vector<std::string>{"/var/lib/dpkg/status",
                                 "/varlink/lib/dpkg/status"});
  CHECK(vfs.Stat("/etc/hostname")->uid == 0);
  // ext is case-sensitive.
  CHECK_FALSE(vfs.Stat("/ETC/hostname"));
}

TEST_CASE("what is not a disk image is not claimed", "[disk]") {
  TempDir dir;
  const std::string text = dir.Write("notes.txt", "just some text\n");
  const std::string empty = dir.Write("empty", "");
  const std::string zeros = dir.Write("zeros.bin", std::string(1 << 20, '\0'));
  CHECK_FALSE(TryOpenDiskImage(text, {}));
  CHECK_FALSE(TryOpenDiskImage(empty, {}));
  CHECK_FALSE(TryOpenDiskImage(zeros, {}));
  CHECK_FALSE(TryOpenDiskImage(dir.path(), {}));
  RequireTools({"tar"}, "tar");
  Sh("cd " + ShellQuote(dir.path()) + " && tar cf a.tar notes.txt zeros.bin");
  CHECK_FALSE(TryOpenDiskImage(dir.path() + "/a.tar", {}));
  CORPUS_IMAGE(ova, "scalibr/valid.ova");
  CHECK_FALSE(TryOpenDiskImage(ova, {}));
  // A file with an E01's magic that libewf refuses is an unreadable image.
  const std::string fake =
      dir.Write("fake.E01", std::string("EVF\x09\x0d\x0a\xff\x00", 8) +
                                std::string(100, 'x'));
  CHECK_THROWS_AS(TryOpenDiskImage(fake, {}), EvidenceError);
  // The chain finds disk images by content, whatever their name...
  CORPUS_IMAGE(raw, "dfvfs/imynd.dd");
  const std::string renamed = dir.path() + "/evidence.bin";
  std::filesystem::copy_file(raw, renamed);
  OpenedEvidence ev = OpenEvidence(renamed, {});
  CHECK(ev.kind == "disk-image");
  CHECK(ev.format == "raw");
  // ...but libewf finds an E01's segments by its name's extension.
  CORPUS_IMAGE(e01, "plaso/image.E01");
  std::filesystem::copy_file(e01, dir.path() + "/evidence.E01");
  CHECK(OpenEvidence(dir.path() + "/evidence.E01", {}).format == "ewf");
  std::filesystem::copy_file(e01, dir.path() + "/evidence.img");
  CHECK_THROWS_WITH(OpenEvidence(dir.path() + "/evidence.img", {}),
                    Catch::Contains("keeps its original name"));
}

TEST_CASE("split raw images and --hash", "[disk]") {
  CORPUS_IMAGE(imynd, "dfvfs/imynd.dd");
  CORPUS_IMAGE(e01, "dfvfs/ext2.E01");
  TempDir dir;
  Sh("cd " + ShellQuote(dir.path()) +
     " && split -b 40960 -d -a 3 --numeric-suffixes=1 " + ShellQuote(imynd) +
     " disk.");
  OpenedEvidence ev = MustOpen(dir.path() + "/disk.001", /*hash=*/true);
  CHECK(ev.format == "raw");
  CHECK(ev.size == 102400);  // all three segments
  REQUIRE(ev.volumes.size() == 1);
  CheckDfvfsTree(*ev.volumes[0].vfs);
  // The segments hashed in order: the hash of the whole disk.
  CHECK(ev.sha256 == Sha256::Of(ReadHostFile(imynd)));

  OpenedEvidence e = MustOpen(e01, /*hash=*/true);
  CHECK(e.sha256 == Sha256::Of(ReadHostFile(e01)));
  CHECK(MustOpen(e01).sha256.empty());
}

TEST_CASE("truncated and corrupt images end in warnings, not crashes",
          "[disk]") {
  CORPUS_IMAGE(qcow, "scalibr/valid-ext-exfat-fat32-ntfs.qcow2");
  CORPUS_IMAGE(e01, "dfvfs/ext2.E01");
  CORPUS_IMAGE(vmdk, "dfvfs/ext2.vmdk");
  RequireTools({"qemu-img"}, "qemu-utils");
  RequireTools({"sfdisk"}, "fdisk");
  RequireTools({"mkfs.ext4"}, "e2fsprogs");
  TempDir dir;
  const std::string raw = dir.path() + "/disk.raw";
  Sh("qemu-img convert -O raw " + ShellQuote(qcow) + " " + ShellQuote(raw));

  SECTION("a raw disk cut inside its third partition") {
    // p3 spans sectors 262144-393215: keep up to sector 300000.
    Sh("truncate -s " + std::to_string(300000ull * 512) + " " +
       ShellQuote(raw));
    OpenedEvidence ev = MustOpen(raw);
    INFO(Messages(ev));
    CHECK(ev.volumes.size() >= 2);
    CHECK(ev.volumes[0].vfs->Stat("/private-key1.pem"));
    const std::string msgs = Messages(ev);
    CHECK(msgs.find("[p3]") != std::string::npos);
    CHECK(msgs.find("[p4] p4") != std::string::npos);
    CHECK(msgs.find("starts past the end") != std::string::npos);
    // Whatever opened can be walked; reads past the end fail as errors.
    for (EvidenceVolume& v : ev.volumes) {
      for (const std::string& p : Glob(*v.vfs, "/**/*")) {
        try {
          v.vfs->Read(p, 1 << 20);
        } catch (const EvidenceError&) {
        }
      }
    }
  }
  SECTION("a GPT whose primary header is overwritten") {
    Sh("printf 'XXXXXXXX' | dd of=" + ShellQuote(raw) +
       " bs=1 seek=512 conv=notrunc status=none");
    OpenedEvidence ev = MustOpen(raw);
    INFO(Messages(ev));
    // TSK falls back to the backup GPT at the end of the disk, or reads the
    // protective MBR; either way the scan goes on with a warning.
    CHECK_FALSE(ev.warnings.empty());
  }
  SECTION("an MBR disk cut before its second partition") {
    // TSK refuses a table whose first partitions start past the end of the
    // image; the opener looks again past the end and reads p1.
    Sh("cd " + ShellQuote(dir.path()) +
       " && truncate -s 64M mbr.raw"
       " && printf 'label: dos\\n2048,16384,83\\n100000,2048,83\\n' | sfdisk "
       "-q mbr.raw"
       " && mkdir -p root/etc && echo x > root/etc/hostname"
       " && truncate -s 8M fs.img && mkfs.ext4 -q -F -d root fs.img"
       " && dd if=fs.img of=mbr.raw bs=1M seek=1 conv=notrunc status=none"
       " && truncate -s 10M mbr.raw");
    OpenedEvidence ev = MustOpen(dir.path() + "/mbr.raw");
    INFO(Messages(ev));
    CHECK(Chains(ev) == "p1=raw > mbr > ext4");
    CHECK(ev.volumes[0].vfs->Read("/etc/hostname", 100) == "x\n");
    CHECK(Messages(ev).find("[p2] p2 (\"Linux (0x83)\", sectors 100000-102047) "
                            "starts past the end") != std::string::npos);
  }
  SECTION("an E01 cut in half") {
    const std::string cut = dir.Write("half.E01", ReadPrefix(e01, 6000));
    try {
      std::optional<OpenedEvidence> ev = TryOpenDiskImage(cut, {});
      if (ev) {
        for (EvidenceVolume& v : ev->volumes) Glob(*v.vfs, "/**/*");
      }
    } catch (const EvidenceError& e) {
      CHECK(std::string(e.what()).find("E01") != std::string::npos);
    }
  }
  SECTION("a VMDK cut short") {
    const std::string cut = dir.Write("cut.vmdk", ReadPrefix(vmdk, 70000));
    try {
      std::optional<OpenedEvidence> ev = TryOpenDiskImage(cut, {});
      if (ev) {
        for (EvidenceVolume& v : ev->volumes) {
          for (const std::string& p : Glob(*v.vfs, "/**/*")) {
            try {
              v.vfs->Read(p, 1 << 20);
            } catch (const EvidenceError&) {
            }
          }
        }
      }
    } catch (const EvidenceError&) {
    }
  }
}

TEST_CASE("a BitLocker partition without a key is a warning, the rest is read",
          "[disk][bitlocker]") {
  // No tool on Linux makes a BitLocker volume: p2 gets a boot sector with
  // BitLocker's signature and nothing behind it, which libbde refuses.
  RequireTools({"sgdisk"}, "gdisk");
  RequireTools({"mkfs.ext4"}, "e2fsprogs");
  TempDir dir;
  dir.Write("root/etc/hostname", "pc\n");
  Sh("cd " + ShellQuote(dir.path()) + R"(
truncate -s 8M fs.img && mkfs.ext4 -q -F -d root fs.img
truncate -s 20M disk.raw
sgdisk -o -n 1:2048:+8M -n 2:0:+8M -t 2:0700 disk.raw >/dev/null
dd if=fs.img of=disk.raw bs=1M seek=1 conv=notrunc status=none
printf '\xeb\x58\x90-FVE-FS-' | dd of=disk.raw bs=1 seek=$((18432*512)) conv=notrunc status=none
)");
  OpenedEvidence ev = MustOpen(dir.path() + "/disk.raw");
  CHECK(Chains(ev) == "p1=raw > gpt > ext4");
  std::string warnings;
  for (const OpenWarning& w : ev.warnings) warnings += w.path + ": " + w.message + "\n";
  INFO(warnings);
  REQUIRE(ev.warnings.size() == 1);
  CHECK(ev.warnings[0].path == "p2");
  CHECK(ev.warnings[0].message.find("encrypted with BitLocker") !=
        std::string::npos);
  CHECK(ev.volumes[0].vfs->Read("/etc/hostname", 100) == "pc\n");
}

TEST_CASE("damaged and unsupported QCOW2 headers are refused with a reason",
          "[disk][qcow2]") {
  CORPUS_IMAGE(qcow, "dfvfs/ext2.qcow2");
  const std::string good = ReadPrefix(qcow, 4096);
  const uint64_t file_size = std::filesystem::file_size(qcow);
  Qcow2Header h = ParseQcow2Header(good, file_size);
  CHECK(h.version == 3);
  CHECK(h.size == 4u << 20);
  CHECK(h.cluster_size() == 65536);
  // Big-endian fields of the header (qemu's docs/interop/qcow2.txt).
  auto with = [&](size_t offset, std::string_view bytes) {
    std::string s = good;
    s.replace(offset, bytes.size(), bytes);
    return s;
  };
  using namespace std::string_view_literals;
  struct Case {
    std::string head;
    const char* says;
  };
  for (const Case& c : {
           Case{with(20, "\0\0\0\x1e"sv), "cluster size"},
           Case{with(32, "\0\0\0\x01"sv), "encrypted"},
           Case{with(36, "\0\0\0\0"sv), "L1 table has 0 entries"},
           Case{with(40, "\0\0\0\0\x7f\0\0\0"sv), "L1 table lies outside"},
           Case{with(72, "\0\0\0\0\0\0\0\x04"sv), "external file"},
           Case{with(72, "\0\0\0\0\0\0\0\x10"sv), "extended L2"},
           Case{with(4, "\0\0\0\x01"sv), "version 1"},
           Case{good.substr(0, 50), "too short"},
       }) {
    INFO(c.says);
    try {
      ParseQcow2Header(c.head, file_size);
      FAIL("accepted");
    } catch (const ParseError& e) {
      const std::string what = e.what();
      CHECK((what.find(c.says) != std::string::npos ||
             std::string(c.says) == "too short"));
    }
  }
  // A truncated image with compressed clusters (fuzz_disk_image found that
  // libqcow overran a buffer on it) opens and reads nothing, with a warning.
  const std::string crash = std::string(SOURCE_DIR) +
                            "/tests/fuzz/regressions/fuzz_disk_image/"
                            "libqcow-compressed-cluster-overrun";
  OpenedEvidence ev = MustOpen(crash);
  CHECK(ev.format == "qcow2");
  CHECK(ev.volumes.empty());
  CHECK_FALSE(ev.warnings.empty());
}
