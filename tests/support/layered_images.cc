#include "support/layered_images.h"

#include <openssl/evp.h>
#include <sys/stat.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "support/test_support.h"

namespace contraband::testing {

namespace fs = std::filesystem;

namespace {

constexpr uint64_t kMiB = 1ull << 20;

uint64_t RoundUp(uint64_t n, uint64_t unit) {
  return (n + unit - 1) / unit * unit;
}

// "KEY=VALUE" lines of a script's output.
std::map<std::string, std::string> KeyValues(const std::string& out) {
  std::map<std::string, std::string> kv;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    const size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string value = line.substr(eq + 1);
    while (!value.empty() &&
           std::isspace(static_cast<unsigned char>(value.front())))
      value.erase(0, 1);
    while (!value.empty() &&
           std::isspace(static_cast<unsigned char>(value.back())))
      value.pop_back();
    kv[line.substr(0, eq)] = value;
  }
  return kv;
}

uint64_t Number(const std::map<std::string, std::string>& kv,
                const std::string& key) {
  auto it = kv.find(key);
  INFO("no number " << key);
  REQUIRE(it != kv.end());
  return std::stoull(it->second);
}

// Reads `size` bytes at `offset` of a host file.
std::string ReadRange(const std::string& path, uint64_t offset, uint64_t size) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  in.seekg(static_cast<std::streamoff>(offset));
  std::string out(size, '\0');
  in.read(out.data(), static_cast<std::streamsize>(size));
  REQUIRE(static_cast<uint64_t>(in.gcount()) == size);
  return out;
}

void WriteRange(const std::string& path, uint64_t offset,
                const std::string& data) {
  std::fstream out(path, std::ios::binary | std::ios::in | std::ios::out);
  REQUIRE(out);
  out.seekp(static_cast<std::streamoff>(offset));
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  REQUIRE(out.good());
}

// "MK dump:" of `cryptsetup luksDump --dump-master-key`: the key bytes, and
// the payload offset in bytes.
struct LuksKey {
  std::string key;
  uint64_t payload_offset = 0;
};

LuksKey RevealLuksKey(const std::string& luks_image,
                      const std::string& password) {
  TempDir tmp;
  const std::string pw = tmp.Write("pw", password);
  const std::string dump = ShellScript(
      "cryptsetup luksDump --dump-master-key --batch-mode --key-file " +
          ShellQuote(pw) + " " + ShellQuote(luks_image),
      tmp.path());
  LuksKey k;
  const size_t payload = dump.find("Payload offset:");
  const size_t mk = dump.find("MK dump:");
  INFO(dump);
  REQUIRE(payload != std::string::npos);
  REQUIRE(mk != std::string::npos);
  k.payload_offset =
      std::stoull(dump.substr(payload + 15)) * 512;  // in sectors
  std::istringstream hex(dump.substr(mk + 8));
  for (std::string byte; hex >> byte;) {
    if (byte.size() != 2 || !std::isxdigit(static_cast<unsigned char>(byte[0])))
      break;
    k.key += static_cast<char>(std::stoi(byte, nullptr, 16));
  }
  REQUIRE((k.key.size() == 32 || k.key.size() == 64));
  return k;
}

}  // namespace

void RequireTool(const std::string& tool, const std::string& package) {
  INFO("the test needs " << tool << " (Debian package " << package << ")");
  REQUIRE(HaveTool(tool));
}

std::string ShellScript(const std::string& script, const std::string& dir) {
  RunResult r = Run("bash -c " + ShellQuote("set -e\ncd \"$1\"\n" + script) +
                    " x " + ShellQuote(dir));
  INFO(script << "\nexit: " << r.exit_code << "\nstdout: " << r.out
              << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

void WriteDpkgStatusRoot(const std::string& root_dir) {
  std::string status;
  for (auto [name, version] : {std::pair{"kesl", "12.1.0-1297"},
                               {"telegram-desktop", "4.14.9+ds-1"},
                               {"xzoom", "0.3-27"},
                               {"zoom", "6.2.0.1855"}}) {
    status += std::string("Package: ") + name +
              "\nStatus: install ok installed\nPriority: optional\n"
              "Installed-Size: 1\nMaintainer: Test <t@example.org>\n"
              "Architecture: amd64\nVersion: " +
              version + "\nDescription: test package " + name + "\n\n";
  }
  WriteHostFile(root_dir + "/var/lib/dpkg/status", status);
}

// ---------------------------------------------------------------- XFS

namespace {

std::string ProtoMode(const struct stat& st, char type) {
  char perms[8];
  snprintf(perms, sizeof perms, "%03o",
           static_cast<unsigned>(st.st_mode & 0777));
  return std::string(1, type) + ((st.st_mode & S_ISUID) ? 'u' : '-') +
         ((st.st_mode & S_ISGID) ? 'g' : '-') + perms + " " +
         std::to_string(st.st_uid) + " " + std::to_string(st.st_gid);
}

void ProtoToken(const std::string& s) {
  INFO("a protofile token cannot hold white space or a colon: " << s);
  for (char c : s)
    REQUIRE((!std::isspace(static_cast<unsigned char>(c)) && c != ':'));
}

void ProtoDir(const fs::path& dir, std::string& out) {
  std::vector<fs::path> entries;
  for (const auto& e : fs::directory_iterator(dir)) entries.push_back(e.path());
  std::sort(entries.begin(), entries.end());
  for (const fs::path& p : entries) {
    struct stat st {};
    REQUIRE(lstat(p.c_str(), &st) == 0);
    const std::string name = p.filename().string();
    ProtoToken(name);
    if (S_ISLNK(st.st_mode)) {
      const std::string target = fs::read_symlink(p).string();
      ProtoToken(target);
      out += name + " " + ProtoMode(st, 'l') + " " + target + "\n";
    } else if (S_ISDIR(st.st_mode)) {
      out += name + " " + ProtoMode(st, 'd') + "\n";
      ProtoDir(p, out);
      out += "$\n";
    } else if (S_ISREG(st.st_mode)) {
      const std::string source = fs::absolute(p).string();
      ProtoToken(source);
      out += name + " " + ProtoMode(st, '-') + " " + source + "\n";
    }  // devices, fifos and sockets are left out
  }
}

}  // namespace

std::string XfsProtofile(const std::string& root_dir) {
  struct stat st {};
  REQUIRE(lstat(root_dir.c_str(), &st) == 0);
  // A dummy first line (once the boot file), two ignored numbers, then the
  // root folder; "$" closes each folder.
  std::string out = "contraband-test\n0 0\n" + ProtoMode(st, 'd') + "\n";
  ProtoDir(root_dir, out);
  return out + "$\n";
}

void MakeXfsImage(const std::string& root_dir, const std::string& image_path) {
  RequireTool("mkfs.xfs", "xfsprogs");
  RequireTool("xfs_repair", "xfsprogs");
  TempDir tmp;
  const std::string proto = tmp.Write("proto", XfsProtofile(root_dir));
  ShellScript("rm -f " + ShellQuote(image_path) + "\ntruncate -s " +
                  std::to_string(kXfsImageSize) + " " + ShellQuote(image_path) +
                  "\nmkfs.xfs -q -p " + ShellQuote(proto) + " " +
                  ShellQuote(image_path) + "\nxfs_repair -n " +
                  ShellQuote(image_path) + " >/dev/null 2>&1",
              tmp.path());
}

void MakeExt4Image(const std::string& root_dir, const std::string& image_path,
                   uint64_t size) {
  RequireTool("mkfs.ext4", "e2fsprogs");
  ShellScript("rm -f " + ShellQuote(image_path) + "\ntruncate -s " +
                  std::to_string(size) + " " + ShellQuote(image_path) +
                  "\nmkfs.ext4 -q -F -d " + ShellQuote(root_dir) + " " +
                  ShellQuote(image_path) + "\ne2fsck -fn " +
                  ShellQuote(image_path) + " >/dev/null",
              fs::path(image_path).parent_path().string());
}

// ---------------------------------------------------------------- disks

void PutImageAt(const std::string& disk, uint64_t offset,
                const std::string& image) {
  RequireTool("fallocate", "util-linux");
  const uint64_t size = fs::file_size(image);
  REQUIRE(offset % kMiB == 0);
  // Punch the old bytes out, then write only the image's non-zero blocks.
  ShellScript("fallocate -p -o " + std::to_string(offset) + " -l " +
                  std::to_string(size) + " " + ShellQuote(disk) +
                  "\ndd if=" + ShellQuote(image) + " of=" + ShellQuote(disk) +
                  " bs=1M seek=" + std::to_string(offset / kMiB) +
                  " conv=notrunc,sparse status=none\n"
                  "cmp -n " +
                  std::to_string(size) + " -i " + std::to_string(offset) +
                  ":0 " + ShellQuote(disk) + " " + ShellQuote(image),
              fs::path(disk).parent_path().string());
}

std::vector<uint64_t> MakeGptDisk(const std::string& disk_path,
                                  const std::vector<std::string>& images) {
  RequireTool("sgdisk", "gdisk");
  std::vector<uint64_t> offsets;
  std::string sgdisk = "sgdisk -o";
  uint64_t at = kMiB;
  for (size_t i = 0; i < images.size(); ++i) {
    const uint64_t size = RoundUp(fs::file_size(images[i]), kMiB);
    const std::string n = std::to_string(i + 1);
    sgdisk += " -n " + n + ":" + std::to_string(at / 512) + ":+" +
              std::to_string(size / 1024) + "K -t " + n + ":8300";
    offsets.push_back(at);
    at += size;
  }
  ShellScript("rm -f " + ShellQuote(disk_path) + "\ntruncate -s " +
                  std::to_string(at + kMiB) + " " + ShellQuote(disk_path) +
                  "\n" + sgdisk + " " + ShellQuote(disk_path) + " >/dev/null",
              fs::path(disk_path).parent_path().string());
  for (size_t i = 0; i < images.size(); ++i) {
    PutImageAt(disk_path, offsets[i], images[i]);
  }
  return offsets;
}

namespace {

// Shell lines that make lvm see only the loop device $L over the PV, keep
// its configuration (and would keep any backup) in a private folder, and
// never ask the kernel for device-mapper: activation = 0 lets lvcreate write
// the metadata of an LV without activating it.
const std::string kLvmConf = R"sh(mkdir -p lvm
cat > lvm/lvm.conf <<EOF
devices {
  filter = [ "a|^$L\$|", "r|.*|" ]
  global_filter = [ "a|^$L\$|", "r|.*|" ]
  use_devicesfile = 0
  obtain_device_list_from_udev = 0
  hints = "none"
}
global { activation = 0 }
activation { udev_sync = 0 udev_rules = 0 monitoring = 0 }
backup { backup = 0 archive = 0 }
EOF
export LVM_SYSTEM_DIR=$PWD/lvm LVM_SUPPRESS_FD_WARNINGS=1
)sh";

}  // namespace

LvmDisk MakeLvmDisk(const std::string& disk_path, const std::string& root_image,
                    const std::string& home_image) {
  RequireTool("sgdisk", "gdisk");
  RequireTool("losetup", "mount");
  RequireTool("lvm", "lvm2");
  RequireTool("mkfs.ext4", "e2fsprogs");
  constexpr uint64_t kExtent = 4 * kMiB;  // vgcreate's default
  LvmDisk d;
  d.p1_offset = kMiB;
  d.p1_size = 8 * kMiB;
  d.p2_offset = d.p1_offset + d.p1_size;
  d.root_size = fs::file_size(root_image);
  d.home_size = home_image.empty() ? 0 : fs::file_size(home_image);
  // The first extent at 1 MiB (the default), the LVs, one spare extent.
  d.p2_size = kMiB + RoundUp(d.root_size, kExtent) +
              RoundUp(d.home_size, kExtent) + kExtent;

  TempDir work;
  WriteHostFile(work.path() + "/boot/grub/grub.cfg",
                "set timeout=5\nmenuentry 'Linux' {\n  linux /vmlinuz "
                "root=/dev/mapper/vg0-root\n}\n");
  MakeExt4Image(work.path() + "/boot", work.path() + "/p1.img", d.p1_size);

  const std::string lvcreate =
      "lvcreate -q -an -Zn -l " +
      std::to_string(RoundUp(d.root_size, kExtent) / kExtent) +
      " -n root vg0\n" +
      (home_image.empty()
           ? std::string()
           : "lvcreate -q -an -Zn -l " +
                 std::to_string(RoundUp(d.home_size, kExtent) / kExtent) +
                 " -n home vg0\n");
  const std::string script =
      "disk=" + ShellQuote(disk_path) + "\nrm -f \"$disk\"\ntruncate -s " +
      std::to_string(d.p2_offset + d.p2_size + kMiB) +
      " \"$disk\"\n"
      "sgdisk -o -n 1:" +
      std::to_string(d.p1_offset / 512) + ":+" +
      std::to_string(d.p1_size / 1024) +
      "K -t 1:8300 -c 1:boot -n 2:" + std::to_string(d.p2_offset / 512) + ":+" +
      std::to_string(d.p2_size / 1024) +
      "K -t 2:8e00 -c 2:lvm \"$disk\" >/dev/null\n"
      "dd if=p1.img of=\"$disk\" bs=1M seek=1 conv=notrunc,sparse status=none\n"
      "L=$(losetup -f --show --offset " +
      std::to_string(d.p2_offset) + " --sizelimit " +
      std::to_string(d.p2_size) +
      " \"$disk\")\n"
      R"sh(trap 'losetup -d "$L"' EXIT
)sh" + kLvmConf +
      R"sh(pvcreate -q "$L"
vgcreate -q vg0 "$L"
)sh" + lvcreate +
      R"sh(echo "pe_start=$(pvs --noheadings --nosuffix --units b -o pe_start "$L")"
echo "extent_size=$(vgs --noheadings --nosuffix --units b -o vg_extent_size vg0)"
lvs --noheadings -o lv_name,seg_pe_ranges --separator , vg0 | tr -d ' ' |
  sed -E 's|^([a-z]+),[^:]*:([0-9]+)-[0-9]+$|\1_pe=\2|'
)sh";
  std::map<std::string, std::string> kv =
      KeyValues(ShellScript(script, work.path()));
  d.pe_start = Number(kv, "pe_start");
  d.extent_size = Number(kv, "extent_size");
  REQUIRE(d.extent_size == kExtent);
  d.root_offset =
      d.p2_offset + d.pe_start + Number(kv, "root_pe") * d.extent_size;
  PutImageAt(disk_path, d.root_offset, root_image);
  if (!home_image.empty()) {
    d.home_offset =
        d.p2_offset + d.pe_start + Number(kv, "home_pe") * d.extent_size;
    PutImageAt(disk_path, d.home_offset, home_image);
  }

  // What lvm reads back from the finished disk.
  const std::string inspect = "disk=" + ShellQuote(disk_path) +
                              "\nL=$(losetup -r -f --show --offset " +
                              std::to_string(d.p2_offset) + " --sizelimit " +
                              std::to_string(d.p2_size) +
                              " \"$disk\")\n"
                              R"sh(trap 'losetup -d "$L"' EXIT
)sh" + kLvmConf + R"sh(echo "== pvs"
pvs --units b -o pv_name,vg_name,pv_size,pe_start "$L" | sed "s|$L|LOOP|"
echo "== lvs"
lvs --units b -o vg_name,lv_name,lv_size,seg_pe_ranges vg0 | sed "s|$L|LOOP|"
)sh";
  const std::string shown = ShellScript(inspect, work.path());
  const size_t lvs_at = shown.find("== lvs");
  d.pvs = shown.substr(0, lvs_at);
  d.lvs = shown.substr(lvs_at);
  INFO(shown);
  CHECK(d.pvs.find("vg0") != std::string::npos);
  CHECK(d.lvs.find(" root ") != std::string::npos);
  CHECK(d.lvs.find(std::to_string(RoundUp(d.root_size, kExtent)) + "B") !=
        std::string::npos);
  if (!home_image.empty()) CHECK(d.lvs.find(" home ") != std::string::npos);
  return d;
}

// ---------------------------------------------------------------- QCOW2

void ToQcow2(const std::string& raw, const std::string& qcow2,
             Qcow2Compat compat) {
  RequireTool("qemu-img", "qemu-utils");
  const std::string want = compat == Qcow2Compat::kV2 ? "0.10" : "1.1";
  const std::string out = ShellScript(
      "rm -f " + ShellQuote(qcow2) + "\nqemu-img convert -O qcow2 -o compat=" +
          want + " " + ShellQuote(raw) + " " + ShellQuote(qcow2) +
          "\nqemu-img check -q " + ShellQuote(qcow2) +
          "\nqemu-img compare -q " + ShellQuote(qcow2) + " " + ShellQuote(raw) +
          "\nqemu-img info " + ShellQuote(qcow2) + " | grep compat:",
      fs::path(qcow2).parent_path().string());
  INFO(out);
  CHECK(out.find("compat: " + want) != std::string::npos);
}

namespace {

// MakeQcow2Overlay and MakeVmdkOverlay: `format` is qemu's name.
void MakeOverlay(const std::string& format, const std::string& base_raw,
                 const std::string& changed_raw, const std::string& overlay,
                 const std::string& backing_name) {
  RequireTool("qemu-img", "qemu-utils");
  RequireTool("qemu-io", "qemu-utils");
  const std::string dir = fs::path(overlay).parent_path().string();
  const std::string name = fs::path(overlay).filename().string();
  const uint64_t size = fs::file_size(base_raw);
  REQUIRE(fs::file_size(changed_raw) == size);
  // The backing file is the base disk.
  ShellScript("qemu-img compare -q " + ShellQuote(backing_name) + " " +
                  ShellQuote(base_raw) + "\nrm -f " + ShellQuote(name) +
                  "\nqemu-img create -q -f " + format + " -b " +
                  ShellQuote(backing_name) + " -F " + format + " " +
                  ShellQuote(name),
              dir);
  // Every 64 KiB cluster that differs, written into the overlay by qemu-io.
  TempDir clusters;
  constexpr uint64_t kCluster = 64 * 1024;
  std::ifstream base(base_raw, std::ios::binary),
      changed(changed_raw, std::ios::binary);
  REQUIRE(base);
  REQUIRE(changed);
  std::string a(kCluster, '\0'), b(kCluster, '\0');
  const std::string zero(kCluster, '\0');
  std::string commands;
  size_t written = 0;
  for (uint64_t at = 0; at < size; at += kCluster) {
    const uint64_t n = std::min(kCluster, size - at);
    a.resize(n);
    b.resize(n);
    base.read(a.data(), static_cast<std::streamsize>(n));
    changed.read(b.data(), static_cast<std::streamsize>(n));
    if (!base || !changed)
      FAIL("cannot read " << base_raw << " or " << changed_raw);
    if (a == b) continue;
    ++written;
    const std::string range = std::to_string(at) + " " + std::to_string(n);
    if (b.compare(0, n, zero, 0, n) == 0) {
      commands += " -c " + ShellQuote("write -q -z " + range);
    } else {
      const std::string file = clusters.Write(std::to_string(at), b);
      commands += " -c " + ShellQuote("write -q -s " + file + " " + range);
    }
  }
  INFO("no cluster differs between " << base_raw << " and " << changed_raw);
  REQUIRE(written > 0);
  const std::string out = ShellScript(
      "qemu-io -f " + format + commands + " " + ShellQuote(name) +
          "\nqemu-img check -q " + ShellQuote(name) + "\nqemu-img compare -q " +
          ShellQuote(name) + " " + ShellQuote(changed_raw) +
          "\nqemu-img map --output=json " + ShellQuote(name) +
          " | grep -c '\"depth\": 1, .*\"data\": true' | sed "
          "s/^/from_backing=/",
      dir);
  CHECK(Qcow2BackingName(overlay) == backing_name);
  // Some of the overlay's data comes from its backing file.
  auto kv = KeyValues(out);
  INFO(out);
  CHECK(Number(kv, "from_backing") > 0);
}

}  // namespace

void MakeQcow2Overlay(const std::string& base_raw,
                      const std::string& changed_raw,
                      const std::string& overlay,
                      const std::string& backing_name) {
  MakeOverlay("qcow2", base_raw, changed_raw, overlay, backing_name);
}

void MakeVmdkOverlay(const std::string& base_raw,
                     const std::string& changed_raw,
                     const std::string& overlay,
                     const std::string& parent_name) {
  MakeOverlay("vmdk", base_raw, changed_raw, overlay, parent_name);
}

std::string Qcow2BackingName(const std::string& qcow2) {
  RequireTool("qemu-img", "qemu-utils");
  const std::string out =
      ShellScript("qemu-img info --output=json " + ShellQuote(qcow2), "/");
  nlohmann::json j = ParseJson(out);
  return j.value("backing-filename", std::string());
}

// ---------------------------------------------------------------- LUKS

std::string XtsCrypt(bool encrypt, const std::string& key,
                     const std::string& data, uint64_t first_sector) {
  REQUIRE((key.size() == 32 || key.size() == 64));
  REQUIRE(data.size() % 512 == 0);
  const EVP_CIPHER* cipher =
      key.size() == 64 ? EVP_aes_256_xts() : EVP_aes_128_xts();
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(
      EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  REQUIRE(ctx != nullptr);
  std::string out(data.size(), '\0');
  const auto* key_bytes = reinterpret_cast<const unsigned char*>(key.data());
  REQUIRE(EVP_CipherInit_ex(ctx.get(), cipher, nullptr, key_bytes, nullptr,
                            encrypt ? 1 : 0) == 1);
  for (size_t at = 0; at < data.size(); at += 512) {
    // plain64: the tweak is the sector number, 64-bit little-endian,
    // zero-padded to 16 bytes.
    unsigned char iv[16] = {};
    uint64_t sector = first_sector + at / 512;
    for (int i = 0; i < 8; ++i)
      iv[i] = static_cast<unsigned char>(sector >> (8 * i));
    int len = 0;
    if (EVP_CipherInit_ex(ctx.get(), nullptr, nullptr, nullptr, iv, -1) != 1 ||
        EVP_CipherUpdate(
            ctx.get(), reinterpret_cast<unsigned char*>(&out[at]), &len,
            reinterpret_cast<const unsigned char*>(&data[at]), 512) != 1 ||
        len != 512) {
      FAIL("AES-XTS failed at sector " << sector);
    }
  }
  return out;
}

std::string DecryptLuks(const std::string& luks_image,
                        const std::string& password) {
  RequireTool("cryptsetup", "cryptsetup-bin");
  LuksKey k = RevealLuksKey(luks_image, password);
  const uint64_t size = fs::file_size(luks_image);
  REQUIRE(size > k.payload_offset);
  return XtsCrypt(
      false, k.key,
      ReadRange(luks_image, k.payload_offset, size - k.payload_offset), 0);
}

void MakeLuksImage(const std::string& plain_fs_image,
                   const std::string& luks_image, const std::string& password,
                   int luks_version, const std::string& key_file) {
  RequireTool("cryptsetup", "cryptsetup-bin");
  REQUIRE((luks_version == 1 || luks_version == 2));
  const uint64_t plain_size = fs::file_size(plain_fs_image);
  REQUIRE(plain_size % 512 == 0);
  TempDir tmp;
  const std::string pw = tmp.Write("pw", password);
  const std::string luks = ShellQuote(luks_image);
  const std::string fast =
      " --batch-mode --pbkdf pbkdf2 --pbkdf-force-iterations 1000 ";
  if (luks_version == 2) {
    // cryptsetup encrypts in place, offline on the file: the data moves up
    // by half the reduction to make room for the header; the file is then
    // cut so the payload is exactly the plain image.
    constexpr uint64_t kReduce = 16 * kMiB;
    ShellScript("rm -f " + luks + "\ncp --sparse=always " +
                    ShellQuote(plain_fs_image) + " " + luks + "\ntruncate -s " +
                    std::to_string(plain_size + kReduce) + " " + luks +
                    "\ncryptsetup reencrypt --encrypt --type luks2" + fast +
                    "--reduce-device-size " + std::to_string(kReduce / 512) +
                    "s --key-file " + ShellQuote(pw) + " " + luks +
                    " 2>&1\n"
                    "truncate -s " +
                    std::to_string(plain_size + kReduce / 2) + " " + luks,
                tmp.path());
  } else {
    // cryptsetup writes the LUKS1 header and keyslot; the payload is
    // encrypted here with the volume key cryptsetup reveals.
    ShellScript("rm -f " + luks + "\ntruncate -s " +
                    std::to_string(plain_size + 4 * kMiB) + " " + luks +
                    "\ncryptsetup luksFormat --type luks1 " + fast +
                    "--key-file " + ShellQuote(pw) + " " + luks,
                tmp.path());
    LuksKey k = RevealLuksKey(luks_image, password);
    ShellScript("truncate -s " + std::to_string(k.payload_offset + plain_size) +
                    " " + luks,
                tmp.path());
    const std::string plain = ReadHostFile(plain_fs_image);
    WriteRange(luks_image, k.payload_offset, XtsCrypt(true, k.key, plain, 0));
  }
  if (!key_file.empty()) {
    ShellScript("cryptsetup luksAddKey" + fast + "--key-file " +
                    ShellQuote(pw) + " " + luks + " " + ShellQuote(key_file),
                tmp.path());
  }

  // cryptsetup's own view: the version, each key opens a keyslot, and the
  // payload decrypts back to the plain image.
  const std::string dump =
      ShellScript("cryptsetup luksDump " + luks, tmp.path());
  INFO(dump);
  CHECK(dump.find("Version:       \t" + std::to_string(luks_version)) !=
        std::string::npos);
  ShellScript("cryptsetup open --test-passphrase --key-file " + ShellQuote(pw) +
                  " " + luks,
              tmp.path());
  if (!key_file.empty()) {
    ShellScript("cryptsetup open --test-passphrase --key-file " +
                    ShellQuote(key_file) + " " + luks,
                tmp.path());
  }
  const std::string decrypted = DecryptLuks(luks_image, password);
  REQUIRE(decrypted.size() == plain_size);
  REQUIRE(decrypted == ReadHostFile(plain_fs_image));
}

}  // namespace contraband::testing
