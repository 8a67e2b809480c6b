// VMDK: the parser on headers and descriptors qemu-img writes, the reader on
// every subformat qemu-img makes (compared byte for byte with the raw disk
// they came from), and damaged or hostile files refused with a reason.
#include "formats/vmdk.h"

#include <sys/resource.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "evidence/image/vmdk_image.h"
#include "evidence/vfs.h"
#include "formats/parse_error.h"
#include "formats/tar_header.h"
#include "support/test_support.h"

using namespace contraband;
using namespace contraband::testing;
using namespace std::string_view_literals;

namespace {

void Sh(const std::string& script, const std::string& dir) {
  INFO("the test needs qemu-img (Debian package qemu-utils)");
  REQUIRE(HaveTool("qemu-img"));
  RunResult r = Run("bash -c " + ShellQuote("set -e\ncd \"$1\"\n" + script) +
                    " x " + ShellQuote(dir));
  INFO(script << "\nstdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == 0);
}

// A 4 MiB disk with recognisable bytes at a few places, and its VMDKs.
struct Disks {
  TempDir dir;
  Disks() {
    Sh(R"(
truncate -s 4M disk.raw
printf 'first sector' | dd of=disk.raw conv=notrunc status=none
printf 'at one MiB' | dd of=disk.raw bs=1 seek=1048576 conv=notrunc status=none
head -c 70000 /dev/urandom | dd of=disk.raw bs=1 seek=2000000 conv=notrunc status=none
printf 'last bytes' | dd of=disk.raw bs=1 seek=4194294 conv=notrunc status=none
for s in monolithicSparse monolithicFlat twoGbMaxExtentSparse twoGbMaxExtentFlat streamOptimized; do
  qemu-img convert -O vmdk -o subformat=$s disk.raw $s.vmdk
done
)",
       dir.path());
  }
  std::string Path(const std::string& name) const {
    return dir.path() + "/" + name;
  }
};

std::string ReadAll(BlockDevice& dev) {
  std::string out(static_cast<size_t>(dev.size()), '\0');
  // In odd pieces, so reads cross grains and extents.
  size_t done = 0;
  while (done < out.size()) {
    const size_t n = std::min<size_t>(77777, out.size() - done);
    REQUIRE(dev.ReadAt(out.data() + done, n, done) == n);
    done += n;
  }
  return out;
}

}  // namespace

TEST_CASE("every VMDK subformat qemu-img writes reads as its raw disk",
          "[disk][vmdk]") {
  Disks disks;
  const std::string raw = ReadHostFile(disks.Path("disk.raw"));
  for (const char* s :
       {"monolithicSparse", "monolithicFlat", "twoGbMaxExtentSparse",
        "twoGbMaxExtentFlat", "streamOptimized"}) {
    DYNAMIC_SECTION(s) {
      VmdkImage image = OpenVmdkImage(disks.Path(std::string(s) + ".vmdk"), {});
      CHECK(image.create_type == s);
      CHECK(image.warnings.empty());
      CHECK(image.device->size() == raw.size());
      CHECK(ReadAll(*image.device) == raw);
    }
  }
}

TEST_CASE("a renamed sparse VMDK is its own extent", "[disk][vmdk]") {
  Disks disks;
  Sh("mv monolithicSparse.vmdk suspect-laptop.vmdk\n"
     "mv streamOptimized.vmdk export-2026.vmdk",
     disks.dir.path());
  const std::string raw = ReadHostFile(disks.Path("disk.raw"));
  for (const char* name : {"suspect-laptop.vmdk", "export-2026.vmdk"}) {
    VmdkImage image = OpenVmdkImage(disks.Path(name), {});
    CHECK(ReadAll(*image.device) == raw);
    CHECK(image.files == std::vector<std::string>{disks.Path(name)});
  }
}

TEST_CASE("a stream whose grain directory is named by its footer",
          "[disk][vmdk]") {
  // VMware and VirtualBox write the grain directory after the grains and
  // name it in a footer (a copy of the header) before the end-of-stream
  // marker, the header saying only "at the end"; qemu-img names it in the
  // header. The same stream, rewritten the VMware way:
  Disks disks;
  std::string stream = ReadHostFile(disks.Path("streamOptimized.vmdk"));
  const std::string header = stream.substr(0, 512);
  std::string footer_marker(512, '\0');
  footer_marker[12] = 3;  // type 3: footer
  stream.replace(56, 8, std::string(8, '\xff'));
  stream += footer_marker + header + std::string(512, '\0');
  const std::string path = disks.dir.Write("vmware.vmdk", stream);
  VmdkImage image = OpenVmdkImage(path, {});
  CHECK(ReadAll(*image.device) == ReadHostFile(disks.Path("disk.raw")));
  // Without its footer (cut while copying), the stream is refused.
  const std::string cut =
      disks.dir.Write("cut.vmdk", stream.substr(0, stream.size() - 1536) +
                                      std::string(1536, '\0'));
  CHECK_THROWS_WITH(OpenVmdkImage(cut, {}), Catch::Contains("no footer"));
}

TEST_CASE("the header and descriptor qemu-img writes", "[disk][vmdk]") {
  Disks disks;
  const std::string file = ReadHostFile(disks.Path("monolithicSparse.vmdk"));
  VmdkSparseHeader h = ParseVmdkSparseHeader(file, file.size());
  CHECK(h.capacity == 8192);
  CHECK(h.grain_sectors == 128);
  CHECK(h.gtes_per_gt == 512);
  CHECK(h.gd_entries == 1);
  CHECK_FALSE(h.compressed());
  const std::string stream = ReadHostFile(disks.Path("streamOptimized.vmdk"));
  VmdkSparseHeader sh = ParseVmdkSparseHeader(stream, stream.size());
  CHECK(sh.compressed());
  CHECK(sh.markers());

  VmdkDescriptor d =
      ParseVmdkDescriptor(ReadHostFile(disks.Path("twoGbMaxExtentFlat.vmdk")));
  CHECK(d.create_type == "twoGbMaxExtentFlat");
  REQUIRE(d.extents.size() == 1);
  CHECK(d.extents[0].type == VmdkExtent::Type::kFlat);
  CHECK(d.extents[0].file == "twoGbMaxExtentFlat-f001.vmdk");
  CHECK(d.extents[0].sectors == 8192);
  CHECK_FALSE(d.has_parent());
}

TEST_CASE("descriptors: names with spaces, offsets, zero extents, parents",
          "[disk][vmdk]") {
  VmdkDescriptor d = ParseVmdkDescriptor(
      "# Disk DescriptorFile\nversion=1\nCID=12345678\nparentCID=abcdef01\n"
      "createType=\"monolithicFlat\"\nparentFileNameHint=\"my base.vmdk\"\n"
      "RW 100 FLAT \"disk one-flat.vmdk\" 20\r\nRDONLY 50 ZERO\n"
      "NOACCESS 8 SPARSE \"x.vmdk\"\n\0\0RW 5 ZERO after the padding"sv);
  CHECK(d.parent_cid == 0xabcdef01);
  CHECK(d.parent_hint == "my base.vmdk");
  CHECK(d.has_parent());
  REQUIRE(d.extents.size() == 3);
  CHECK(d.extents[0].file == "disk one-flat.vmdk");
  CHECK(d.extents[0].file_offset == 20);
  CHECK(d.extents[1].type == VmdkExtent::Type::kZero);
  CHECK(d.extents[2].no_access);
  CHECK(d.sectors() == 158);

  CHECK_THROWS_AS(ParseVmdkDescriptor("version=1\n"), ParseError);
  CHECK_THROWS_AS(ParseVmdkDescriptor("RW 10 WEIRD \"a\"\n"), ParseError);
  CHECK_THROWS_AS(ParseVmdkDescriptor("RW 10 SPARSE a.vmdk\n"), ParseError);
  CHECK_THROWS_AS(ParseVmdkDescriptor("RW 1x SPARSE \"a\"\n"), ParseError);
  CHECK_THROWS_AS(
      ParseVmdkDescriptor("RW 140737488355328 SPARSE \"a\"\nRW 1 ZERO\n"),
      ParseError);
  CHECK_THROWS_AS(ParseVmdkDescriptor(std::string(2u << 20, '#')), ParseError);
}

TEST_CASE("hostile sparse headers are refused with a reason", "[disk][vmdk]") {
  Disks disks;
  const std::string good = ReadHostFile(disks.Path("monolithicSparse.vmdk"));
  auto with = [&](size_t at, std::string bytes) {
    std::string h = good.substr(0, 512);
    h.replace(at, bytes.size(), bytes);
    return h;
  };
  auto le64 = [](uint64_t v) {
    std::string s(8, '\0');
    for (int i = 0; i < 8; ++i) s[i] = static_cast<char>(v >> (8 * i));
    return s;
  };
  const uint64_t size = good.size();
  CHECK_THROWS_WITH(ParseVmdkSparseHeader(with(20, le64(100)), size),
                    Catch::Contains("power of two"));
  CHECK_THROWS_WITH(ParseVmdkSparseHeader(with(12, le64(~0ull)), size),
                    Catch::Contains("capacity"));
  CHECK_THROWS_WITH(ParseVmdkSparseHeader(with(56, le64(1u << 30)), size),
                    Catch::Contains("grain directory lies outside"));
  CHECK_THROWS_WITH(ParseVmdkSparseHeader(with(4, le64(9)), size),
                    Catch::Contains("version"));
  CHECK_THROWS_AS(ParseVmdkSparseHeader(good.substr(0, 40), size), ParseError);
  CHECK_THROWS_AS(ParseVmdkGrainMarker(std::string(12, '\0')), ParseError);
}

TEST_CASE("damaged VMDKs: errors name the file, never crash", "[disk][vmdk]") {
  Disks disks;
  const std::string stream = ReadHostFile(disks.Path("streamOptimized.vmdk"));
  SECTION("a stream whose compressed grain is overwritten") {
    // The grain holding byte 1 MiB: find its marker (lba 2048).
    const std::string marker("\x00\x08\x00\x00\x00\x00\x00\x00", 8);
    const size_t at = stream.find(marker, 65536);
    REQUIRE(at != std::string::npos);
    std::string bad = stream;
    bad.replace(at + 12, 16, std::string(16, 'x'));
    const std::string path = disks.dir.Write("bad.vmdk", bad);
    VmdkImage image = OpenVmdkImage(path, {});
    char buf[16];
    CHECK_THROWS_WITH(image.device->ReadAt(buf, sizeof buf, 1 << 20),
                      Catch::Contains("VMDK extent " + path) &&
                          Catch::Contains("does not inflate"));
  }
  SECTION("a sparse file cut inside its grains") {
    const std::string sparse =
        ReadHostFile(disks.Path("monolithicSparse.vmdk"));
    const std::string path =
        disks.dir.Write("cut.vmdk", sparse.substr(0, sparse.size() / 2));
    try {
      VmdkImage image = OpenVmdkImage(path, {});
      std::string all(static_cast<size_t>(image.device->size()), '\0');
      CHECK_THROWS_AS(image.device->ReadAt(all.data(), all.size(), 0),
                      EvidenceError);
    } catch (const EvidenceError& e) {
      CHECK(std::string(e.what()).find(path) != std::string::npos);
    }
  }
  SECTION("a descriptor naming a missing extent") {
    Sh("rm twoGbMaxExtentSparse-s001.vmdk", disks.dir.path());
    CHECK_THROWS_WITH(
        OpenVmdkImage(disks.Path("twoGbMaxExtentSparse.vmdk"), {}),
        Catch::Contains("needs its extent file \"twoGbMaxExtentSparse-s001."
                        "vmdk\""));
  }
  SECTION("a descriptor naming a file outside its folder") {
    Sh("mkdir sub && printf '# Disk "
       "DescriptorFile\\ncreateType=\"monolithicFlat\"\\n"
       "RW 8192 FLAT \"../disk.raw\" 0\\n' > sub/escape.vmdk",
       disks.dir.path());
    CHECK_THROWS_WITH(OpenVmdkImage(disks.Path("sub/escape.vmdk"), {}),
                      Catch::Contains("outside the image's folder"));
    // Allowed, it reads.
    VmdkImage image =
        OpenVmdkImage(disks.Path("sub/escape.vmdk"), {disks.dir.path()});
    CHECK(ReadAll(*image.device) == ReadHostFile(disks.Path("disk.raw")));
  }
}

TEST_CASE("an OVA's VMDK is read in place", "[disk][vmdk]") {
  Disks disks;
  Sh("mkdir ova && echo '<Envelope/>' > ova/vm.ovf\n"
     "cp streamOptimized.vmdk ova/vm-disk1.vmdk\n"
     "cp monolithicSparse.vmdk ova/vm-disk2.vmdk\n"
     "tar -C ova -cf vm.ova vm.ovf vm-disk1.vmdk vm-disk2.vmdk\n"
     "tar -C ova --format=pax -cf pax.ova vm.ovf vm-disk1.vmdk\n"
     "tar -C ova -cf nodisk.ova vm.ovf",
     disks.dir.path());
  const std::string raw = ReadHostFile(disks.Path("disk.raw"));
  std::optional<VmdkImage> ova = OpenOvaImage(disks.Path("vm.ova"));
  REQUIRE(ova);
  CHECK(ReadAll(*ova->device) == raw);
  CHECK(ova->create_type == "streamOptimized");
  REQUIRE(ova->warnings.size() == 1);
  CHECK(ova->warnings[0].find("vm-disk2.vmdk is not scanned") !=
        std::string::npos);
  std::optional<VmdkImage> pax = OpenOvaImage(disks.Path("pax.ova"));
  REQUIRE(pax);
  CHECK(ReadAll(*pax->device) == raw);
  CHECK_FALSE(OpenOvaImage(disks.Path("nodisk.ova")));

  // A tar header whose checksum does not hold is refused.
  std::string tar = ReadHostFile(disks.Path("vm.ova"));
  CHECK(LooksLikeTar(tar));
  CHECK(ParseTarHeader(tar).name == "vm.ovf");
  tar[0] = 'X';
  CHECK_THROWS_WITH(ParseTarHeader(tar), Catch::Contains("checksum"));
  CHECK(PaxPath("28 path=some/long/name.vmdk\n") == "some/long/name.vmdk");
  CHECK_THROWS_AS(PaxPath("99 path=x\n"), ParseError);
}

TEST_CASE("a VMDK of more extent files than a process may hold open",
          "[disk][vmdk]") {
  // 2000 one-sector flat extents (a split VMDK of a 4 TB disk has as many
  // 2 GB ones), read with at most 256 descriptors allowed.
  TempDir dir;
  std::string descriptor =
      "# Disk DescriptorFile\ncreateType=\"twoGbMaxExtentFlat\"\n";
  std::string expected;
  for (int i = 0; i < 2000; ++i) {
    std::string sector(512, static_cast<char>('a' + i % 26));
    sector.replace(0, 4, std::to_string(1000 + i));
    const std::string name = "disk-f" + std::to_string(i) + ".vmdk";
    dir.Write(name, sector);
    descriptor += "RW 1 FLAT \"" + name + "\" 0\n";
    expected += sector;
  }
  const std::string path = dir.Write("disk.vmdk", descriptor);
  struct rlimit old {};
  REQUIRE(getrlimit(RLIMIT_NOFILE, &old) == 0);
  struct rlimit low = old;
  low.rlim_cur = std::min<rlim_t>(old.rlim_cur, 256);
  REQUIRE(setrlimit(RLIMIT_NOFILE, &low) == 0);
  std::string got;
  try {
    VmdkImage image = OpenVmdkImage(path, {});
    got = ReadAll(*image.device);
  } catch (const EvidenceError& e) {
    setrlimit(RLIMIT_NOFILE, &old);
    FAIL(e.what());
  }
  setrlimit(RLIMIT_NOFILE, &old);
  CHECK(got == expected);
}
