// E01: the section walk on the corpus images and on images ewfacquire makes
// here (compressed and stored chunks, several segments, chunks of 64 and 128
// sectors), every byte compared with what ewfexport (libewf's own tool)
// exports; damage is an error naming the image, never wrong bytes.
#include "formats/ewf.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>

#include "evidence/block_device.h"
#include "evidence/image/ewf_image.h"
#include "formats/parse_error.h"
#include "support/test_support.h"

using namespace contraband;
using namespace contraband::testing;

namespace {

void Sh(const std::string& script, const std::string& dir) {
  INFO("the test needs ewfacquire and ewfexport (Debian package ewf-tools)");
  REQUIRE(HaveTool("ewfacquire"));
  RunResult r = Run("bash -c " + ShellQuote("set -e\ncd \"$1\"\n" + script) +
                    " x " + ShellQuote(dir));
  INFO(script << "\nstdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == 0);
}

std::string ReadAll(BlockDevice& dev) {
  std::string out(static_cast<size_t>(dev.size()), '\0');
  // Odd-sized reads cross chunk boundaries.
  size_t done = 0;
  while (done < out.size()) {
    const size_t n = dev.ReadAt(out.data() + done,
                                std::min<size_t>(50001, out.size() - done),
                                done);
    REQUIRE(n > 0);
    done += n;
  }
  return out;
}

std::shared_ptr<BlockDevice> Open(const std::vector<std::string>& segments) {
  std::string refusal;
  std::shared_ptr<BlockDevice> dev = OpenEwfMedia(segments, refusal);
  INFO(refusal);
  REQUIRE(dev);
  return dev;
}

// What libewf exports from the image, as raw bytes.
std::string Exported(const std::string& e01, const TempDir& dir) {
  Sh("ewfexport -q -u -f raw -t exported " + ShellQuote(e01) +
         " >/dev/null 2>&1",
     dir.path());
  return ReadHostFile(dir.path() + "/exported.raw");
}

}  // namespace

TEST_CASE("EWF: corpus E01 images read byte for byte as ewfexport exports",
          "[ewf][disk]") {
  for (const char* rel : {"disk_images/dfvfs/ext2.E01", "disk_images/plaso/image.E01",
                          "disk_images/velociraptor/partition_image.E01"}) {
    const std::optional<std::string> path = CorpusPath(rel);
    SKIP_UNLESS_CORPUS(path);
    INFO(rel);
    TempDir dir;
    const std::string expected = Exported(*path, dir);
    std::shared_ptr<BlockDevice> dev = Open({*path});
    CHECK(dev->size() == expected.size());
    CHECK(ReadAll(*dev) == expected);
  }
}

TEST_CASE("EWF: images ewfacquire makes, compressed or stored, in segments",
          "[ewf][disk]") {
  TempDir dir;
  // Zeros, text and random bytes, and a size that is not a whole chunk.
  Sh(R"(
truncate -s 20M disk.raw
printf 'first sector' | dd of=disk.raw conv=notrunc status=none
head -c 3000000 /dev/urandom | dd of=disk.raw bs=1 seek=5000000 conv=notrunc status=none
seq 1 400000 | dd of=disk.raw bs=1 seek=12000000 conv=notrunc status=none
truncate -s 20971008 disk.raw
ewfacquire -u -q -c fast -t fast disk.raw >/dev/null
ewfacquire -u -q -c none -b 128 -t stored disk.raw >/dev/null
mkdir seg
ewfacquire -u -q -c best -S 1MiB -t seg/disk disk.raw >/dev/null
)",
     dir.path());
  const std::string raw = ReadHostFile(dir.path() + "/disk.raw");
  SECTION("compressed") {
    CHECK(ReadAll(*Open({dir.path() + "/fast.E01"})) == raw);
  }
  SECTION("stored chunks with their checksums, 128 sectors a chunk") {
    CHECK(ReadAll(*Open({dir.path() + "/stored.E01"})) == raw);
  }
  SECTION("segments") {
    std::vector<std::string> segments;
    for (int i = 1; i <= 99; ++i) {
      char name[16];
      std::snprintf(name, sizeof name, "/seg/disk.E%02d", i);
      if (!std::filesystem::exists(dir.path() + name)) break;
      segments.push_back(dir.path() + name);
    }
    REQUIRE(segments.size() > 2);
    CHECK(ReadAll(*Open(segments)) == raw);
    // Out of order, the set is refused with the segment named.
    std::swap(segments[1], segments[2]);
    std::string refusal;
    CHECK_THROWS_WITH(OpenEwfMedia(segments, refusal),
                      Catch::Contains(segments[1]) &&
                          Catch::Contains("not segment 2"));
  }
}

TEST_CASE("EWF: damage is an error naming the image, or read from table2",
          "[ewf][disk]") {
  TempDir dir;
  Sh(R"(
head -c 1048576 /dev/urandom > disk.raw
ewfacquire -u -q -c none -t stored disk.raw >/dev/null
ewfacquire -u -q -c fast -t packed disk.raw >/dev/null
)",
     dir.path());
  const std::string raw = ReadHostFile(dir.path() + "/disk.raw");
  // Where the sections of a one-segment image are.
  auto section_at = [](const std::string& bytes, const std::string& type) {
    uint64_t off = kEwfFileHeaderSize;
    for (;;) {
      const EwfSection s =
          ParseEwfSection(std::string_view(bytes).substr(off, 76));
      if (s.type == type) return off;
      REQUIRE(s.next > off);
      off = s.next;
    }
  };
  SECTION("a flipped byte in a stored chunk fails its checksum") {
    std::string e01 = ReadHostFile(dir.path() + "/stored.E01");
    const uint64_t sectors = section_at(e01, "sectors");
    e01[sectors + 76 + 40000] ^= 1;
    WriteHostFile(dir.path() + "/bad.E01", e01);
    std::shared_ptr<BlockDevice> dev = Open({dir.path() + "/bad.E01"});
    char buf[16];
    CHECK(dev->ReadAt(buf, sizeof buf, 0) == sizeof buf);  // chunk 0 intact
    CHECK_THROWS_WITH(dev->ReadAt(buf, sizeof buf, 40000),
                      Catch::Contains("bad.E01") &&
                          Catch::Contains("checksum"));
  }
  SECTION("a flipped byte in a compressed chunk does not inflate") {
    std::string e01 = ReadHostFile(dir.path() + "/packed.E01");
    const uint64_t sectors = section_at(e01, "sectors");
    e01[sectors + 76 + 100] ^= 0x55;
    WriteHostFile(dir.path() + "/bad.E01", e01);
    std::shared_ptr<BlockDevice> dev = Open({dir.path() + "/bad.E01"});
    char buf[16];
    CHECK_THROWS_WITH(dev->ReadAt(buf, sizeof buf, 0),
                      Catch::Contains("bad.E01") && Catch::Contains("damaged"));
  }
  SECTION("a damaged table header is read from table2") {
    std::string e01 = ReadHostFile(dir.path() + "/packed.E01");
    e01[section_at(e01, "table") + 76] ^= 1;  // its entry count
    WriteHostFile(dir.path() + "/bad.E01", e01);
    CHECK(ReadAll(*Open({dir.path() + "/bad.E01"})) == raw);
  }
  SECTION("a first segment cut short is left to libewf") {
    std::string e01 = ReadHostFile(dir.path() + "/packed.E01");
    e01.resize(section_at(e01, "table") + 30);
    WriteHostFile(dir.path() + "/bad.E01", e01);
    std::string refusal;
    CHECK(OpenEwfMedia({dir.path() + "/bad.E01"}, refusal) == nullptr);
    CHECK_FALSE(refusal.empty());
  }
}

TEST_CASE("EWF: descriptors and volume sections with bad checksums or bounds",
          "[ewf]") {
  std::string descriptor(76, '\0');
  descriptor.replace(0, 4, "done");
  CHECK_THROWS_AS(ParseEwfSection(descriptor), ParseError);  // checksum 0
  CHECK_THROWS_AS(ParseEwfFileHeader("EVF2\r\n\x81\x00"), ParseError);
  CHECK_THROWS_AS(ParseEwfVolume(std::string(50, '\0')), ParseError);
  // A 1052-byte volume with a right checksum but 0 sectors per chunk.
  std::string volume(1052, '\0');
  volume[12] = 0;
  volume[13] = 2;  // 512 bytes per sector
  CHECK_THROWS_WITH(ParseEwfVolume(volume), Catch::Contains("checksum"));
  std::string refusal;
  TempDir dir;
  CHECK(OpenEwfMedia({dir.Write("x.E01", "not an image")}, refusal) == nullptr);
  CHECK(refusal == "not an EWF-E01 segment");
}
