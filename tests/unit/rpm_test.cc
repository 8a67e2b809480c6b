// The rpm header parser, the three database readers and the rpm collector.
// Expected packages were read from the same corpus databases with the real
// tool (rpm 4.18 on Debian 12):
//   rpm -qa --dbpath COPY --qf '%{NAME} %{EPOCH}:%{VERSION}-%{RELEASE}\n'
// Debian's rpm has no ndb backend, so for the ndb databases the slots were
// counted independently and every blob was fed to `rpmdb --importdb` (rpm's
// own header parser) and listed from there.
#include <sqlite3.h>
#include <stdlib.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "collectors/registry.h"
#include "evidence/memory_vfs.h"
#include "formats/parse_error.h"
#include "formats/rpm_bdb.h"
#include "formats/rpm_header.h"
#include "formats/rpm_ndb.h"
#include "formats/rpm_sqlite.h"
#include "scan/scanner.h"
#include "support/test_support.h"

using namespace contraband;
using contraband::testing::AllWarnings;
using contraband::testing::CollectorNamed;
using contraband::testing::CorpusPath;
using contraband::testing::FindSoftware;
using contraband::testing::HaveTool;
using contraband::testing::ReadHostFile;
using contraband::testing::Run;
using contraband::testing::ShellQuote;
using contraband::testing::TempDir;

namespace {

namespace fs = std::filesystem;

// ---- building header images ------------------------------------------------

struct TagValue {
  uint32_t tag;
  uint32_t type;      // 4 INT32, 6 STRING, 8 STRING_ARRAY, 9 I18NSTRING
  std::string value;  // strings; for INT32 the decimal number
};

void PutBe32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out += static_cast<char>((v >> shift) & 0xff);
  }
}

// A header image as rpm stores it in its database.
std::string MakeHeader(const std::vector<TagValue>& tags) {
  std::string index, store;
  for (const TagValue& t : tags) {
    if (t.type == 4) {
      while (store.size() % 4 != 0) store += '\0';
    }
    PutBe32(index, t.tag);
    PutBe32(index, t.type);
    PutBe32(index, static_cast<uint32_t>(store.size()));
    PutBe32(index, 1);
    if (t.type == 4) {
      PutBe32(store, static_cast<uint32_t>(std::stoul(t.value)));
    } else {
      store += t.value;
      store += '\0';
    }
  }
  std::string out;
  PutBe32(out, static_cast<uint32_t>(tags.size()));
  PutBe32(out, static_cast<uint32_t>(store.size()));
  return out + index + store;
}

std::string SimpleHeader(const std::string& name, const std::string& version,
                         const std::string& release) {
  return MakeHeader({{1000, 6, name},
                     {1001, 6, version},
                     {1002, 6, release},
                     {1022, 6, "x86_64"},
                     {1011, 6, "Example Vendor"}});
}

// ---- reading results -------------------------------------------------------

// "name evr" of every record, as rpm -qa prints it with an absent epoch left
// out; a record that does not parse shows as "!".
std::multiset<std::string> NameEvrs(const RpmDbContents& c) {
  std::multiset<std::string> out;
  for (const RpmDbRecord& r : c.records) {
    try {
      RpmHeader h = ParseRpmHeader(r.image);
      out.insert(h.name + " " + h.Evr());
    } catch (const ParseError&) {
      out.insert("!");
    }
  }
  return out;
}

bool Has(const std::multiset<std::string>& set, const std::string& item) {
  return set.count(item) > 0;
}

std::string Joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

std::multiset<std::string> NameEvrs(const CollectResult& r) {
  std::multiset<std::string> out;
  for (const Software& s : r.software) out.insert(s.id + " " + s.version);
  return out;
}

// ---- SQLite helpers for building test databases ----------------------------

void Exec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  std::string msg = err ? err : "";
  sqlite3_free(err);
  INFO(sql << ": " << msg);
  REQUIRE(rc == SQLITE_OK);
}

void InsertBlob(sqlite3* db, const std::string& sql, const std::string& blob) {
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
  sqlite3_bind_blob(stmt, 1, blob.data(), static_cast<int>(blob.size()),
                    SQLITE_TRANSIENT);
  CHECK(sqlite3_step(stmt) == SQLITE_DONE);
  sqlite3_finalize(stmt);
}

// Opens `path` for changes that stay in its write-ahead log: no checkpoint,
// not even when the connection closes (as after a crash or a power cut).
sqlite3* OpenKeepingWal(const std::string& path) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
  Exec(db, "PRAGMA journal_mode=WAL");
  Exec(db, "PRAGMA wal_autocheckpoint=0");
  return db;
}

// Points TMPDIR at a fresh folder for the life of the object, so a test can
// see what a reader leaves behind in the host's temporary folder.
class ScopedTmpdir {
 public:
  ScopedTmpdir() {
    const char* old = getenv("TMPDIR");
    if (old) old_ = old;
    had_ = old != nullptr;
    setenv("TMPDIR", dir_.path().c_str(), 1);
  }
  ~ScopedTmpdir() {
    if (had_) {
      setenv("TMPDIR", old_.c_str(), 1);
    } else {
      unsetenv("TMPDIR");
    }
  }
  const std::string& path() const { return dir_.path(); }
  size_t entries() const {
    return static_cast<size_t>(std::distance(fs::directory_iterator(path()),
                                             fs::directory_iterator()));
  }

 private:
  TempDir dir_;
  std::string old_;
  bool had_ = false;
};

std::string Corpus(const std::string& rel) {
  return ReadHostFile(*CorpusPath(rel));
}

}  // namespace

// ---- the header parser -----------------------------------------------------

TEST_CASE("rpm header: decodes what rpm -qa shows", "[rpm]") {
  RpmHeader h = ParseRpmHeader(MakeHeader({{1000, 6, "zoom"},
                                           {1003, 4, "3"},
                                           {1001, 6, "5.17.11"},
                                           {1002, 6, "3.el8"},
                                           {1022, 6, "x86_64"},
                                           {1011, 6, "Zoom Video"},
                                           {1015, 6, "Builder <b@x>"},
                                           {1008, 4, "1700000000"}}));
  CHECK(h.name == "zoom");
  REQUIRE(h.epoch);
  CHECK(*h.epoch == 3);
  CHECK(h.version == "5.17.11");
  CHECK(h.release == "3.el8");
  CHECK(h.arch == "x86_64");
  CHECK(h.vendor == "Zoom Video");
  CHECK(h.packager == "Builder <b@x>");
  REQUIRE(h.install_time);
  CHECK(*h.install_time == 1700000000);
  CHECK(h.Evr() == "3:5.17.11-3.el8");
}

TEST_CASE("rpm header: epoch printing", "[rpm]") {
  // Absent: no prefix (rpm's %{EPOCH} would print "(none)").
  CHECK(ParseRpmHeader(SimpleHeader("a", "1.0", "2")).Evr() == "1.0-2");
  // Present and 0: shown, as rpm shows it.
  CHECK(ParseRpmHeader(MakeHeader({{1000, 6, "a"},
                                   {1003, 4, "0"},
                                   {1001, 6, "1.0"},
                                   {1002, 6, "2"}}))
            .Evr() == "0:1.0-2");
  // No release at all.
  CHECK(ParseRpmHeader(MakeHeader({{1000, 6, "a"}, {1001, 6, "1.0"}})).Evr() ==
        "1.0");
}

TEST_CASE("rpm header: i18n strings, later entries and the export magic",
          "[rpm]") {
  // I18NSTRING / STRING_ARRAY: the first string.
  std::string image = MakeHeader({{1000, 6, "a"},
                                  {1011, 9, "Vendor"},
                                  {1015, 8, "Packager"},
                                  {1001, 6, "1"},
                                  {1002, 6, "1"},
                                  // a second ARCH entry after the first wins
                                  {1022, 6, "i686"},
                                  {1022, 6, "x86_64"}});
  RpmHeader h = ParseRpmHeader(image);
  CHECK(h.vendor == "Vendor");
  CHECK(h.packager == "Packager");
  CHECK(h.arch == "x86_64");
  CHECK_FALSE(h.install_time);
  std::string exported = std::string("\x8e\xad\xe8\x01\0\0\0\0", 8) + image;
  CHECK(ParseRpmHeader(exported).name == "a");
}

TEST_CASE("rpm header: damaged images throw ParseError naming the damage",
          "[rpm]") {
  const std::string good = SimpleHeader("pkg", "1", "2");
  auto message = [](const std::string& image) -> std::string {
    try {
      ParseRpmHeader(image);
    } catch (const ParseError& e) {
      return e.what();
    }
    return "(no error)";
  };
  CHECK_THAT(message(""), Catch::Contains("needs 4 bytes"));
  CHECK_THAT(message(good.substr(0, good.size() - 1)),
             Catch::Contains("holds only"));
  CHECK_THAT(message(good.substr(0, 20)), Catch::Contains("holds only"));

  std::string many = good;
  many[0] = '\x7f';  // il = 0x7f000005
  CHECK_THAT(message(many), Catch::Contains("over the limit"));
  std::string big = good;
  big[4] = '\x7f';  // dl huge
  CHECK_THAT(message(big), Catch::Contains("over the limit"));
  std::string zero("\0\0\0\0\0\0\0\0", 8);
  CHECK_THAT(message(zero), Catch::Contains("no index entries"));

  // First entry's offset (bytes 16..19 of the image) past the data store.
  std::string far = good;
  far[16] = '\x10';
  CHECK_THAT(message(far), Catch::Contains("past the"));
  // First entry's type (bytes 12..15) unknown.
  std::string type = good;
  type[15] = 42;
  CHECK_THAT(message(type), Catch::Contains("unknown type"));
  // NAME stored as INT32.
  CHECK_THAT(message(MakeHeader({{1000, 4, "7"}})),
             Catch::Contains("NAME (1000) has type 4"));
  // EPOCH stored as a string.
  CHECK_THAT(message(MakeHeader({{1000, 6, "a"}, {1003, 6, "1"}})),
             Catch::Contains("EPOCH (1003)"));
  // No NAME.
  CHECK_THAT(message(MakeHeader({{1001, 6, "1"}})), Catch::Contains("NAME"));
  // A string that runs off the end: drop the store's final NUL.
  std::string unterminated = MakeHeader({{1000, 6, "abc"}});
  unterminated.pop_back();
  unterminated[7] = 3;  // dl 4 -> 3
  CHECK_THAT(message(unterminated), Catch::Contains("past the end"));
}

// ---- Berkeley DB -----------------------------------------------------------

TEST_CASE("rpm bdb: corpus databases list what rpm -qa lists", "[rpm]") {
  SKIP_UNLESS_CORPUS(CorpusPath("rpm"));
  {
    RpmDbContents c = ReadRpmBdb(Corpus("rpm/osquery_rpm-bdb/Packages"));
    CHECK(c.problems.empty());
    CHECK(NameEvrs(c) == std::multiset<std::string>{"rpm 4.8.0-59.el6",
                                                    "rpm-libs 4.8.0-59.el6",
                                                    "rpm-python 4.8.0-59.el6"});
    RpmHeader h = ParseRpmHeader(c.records.at(0).image);
    CHECK(h.vendor == "CentOS");
    CHECK(h.arch == "x86_64");
  }
  {
    RpmDbContents c = ReadRpmBdb(Corpus("rpm/scalibr_Packages_epoch"));
    CHECK(c.problems.empty());
    CHECK(NameEvrs(c) == std::multiset<std::string>{"hello 1:0.0.1-rls"});
  }
  {
    RpmDbContents c = ReadRpmBdb(Corpus("rpm/syft_redhat/Packages"));
    CHECK(c.problems.empty());
    CHECK(NameEvrs(c) == std::multiset<std::string>{"dive 0.9.2-1"});
    RpmHeader h = ParseRpmHeader(c.records.at(0).image);
    CHECK(h.vendor.empty());
    CHECK(h.packager == "Alex Goodman");
    CHECK(h.install_time == 1594051198);
  }
}

TEST_CASE("rpm bdb: not a hash database is rejected whole", "[rpm]") {
  CHECK_THROWS_AS(ReadRpmBdb(""), ParseError);
  CHECK_THROWS_WITH(ReadRpmBdb(std::string(4096, 'x')),
                    Catch::Contains("not a Berkeley DB hash database"));
  SKIP_UNLESS_CORPUS(CorpusPath("rpm"));
  const std::string good = Corpus("rpm/osquery_rpm-bdb/Packages");
  std::string encrypted = good;
  encrypted[24] = 1;
  CHECK_THROWS_WITH(ReadRpmBdb(encrypted), Catch::Contains("encrypted"));
  std::string page_size = good;
  page_size[20] = 7;  // 0x1007
  CHECK_THROWS_WITH(ReadRpmBdb(page_size), Catch::Contains("page size"));
  // An index database of the same folder is a btree or hash of other keys:
  // never a crash.
  for (const char* index : {"Name", "Basenames", "Providename", "Dirnames"}) {
    try {
      RpmDbContents c =
          ReadRpmBdb(Corpus(std::string("rpm/osquery_rpm-bdb/") + index));
      for (const RpmDbRecord& r : c.records) {
        try {
          ParseRpmHeader(r.image);
        } catch (const ParseError&) {
        }
      }
    } catch (const ParseError&) {
    }
  }
}

TEST_CASE(
    "rpm bdb: damaged pages and overflow chains are problems, not crashes",
    "[rpm]") {
  SKIP_UNLESS_CORPUS(CorpusPath("rpm"));
  const std::string good = Corpus("rpm/osquery_rpm-bdb/Packages");
  const uint32_t page = 4096;

  SECTION("truncated file") {
    RpmDbContents c = ReadRpmBdb(good.substr(0, good.size() / 2));
    CHECK_THAT(Joined(c.problems), Catch::Contains("truncated"));
    CHECK(c.records.size() < 3);
  }
  SECTION("every truncation point") {
    for (size_t cut = 0; cut <= good.size(); cut += 509) {
      try {
        ReadRpmBdb(good.substr(0, cut));
      } catch (const ParseError&) {
      }
    }
  }
  // Find the overflow pages (type 7) to damage their chains.
  std::vector<uint32_t> overflow;
  for (uint32_t p = 1; p < good.size() / page; ++p) {
    if (good[p * page + 25] == 7) overflow.push_back(p);
  }
  REQUIRE(overflow.size() > 3);
  auto set_next = [&](std::string& db, uint32_t p, uint32_t next) {
    for (int i = 0; i < 4; ++i) {
      db[p * page + 16 + i] = static_cast<char>((next >> (8 * i)) & 0xff);
    }
  };
  // The first page of a chain with a successor: find one whose next != 0.
  uint32_t linked = 0;
  for (uint32_t p : overflow) {
    if (good.substr(p * page + 16, 4) != std::string(4, '\0')) {
      linked = p;
      break;
    }
  }
  REQUIRE(linked != 0);

  SECTION("a chain that loops") {
    std::string db = good;
    set_next(db, linked, linked);
    RpmDbContents c = ReadRpmBdb(db);
    CHECK_THAT(Joined(c.problems), Catch::Contains("loops back to page"));
    CHECK(c.records.size() == 2);
  }
  SECTION("a chain that leaves the file") {
    std::string db = good;
    set_next(db, linked, 0x00ffffff);
    RpmDbContents c = ReadRpmBdb(db);
    CHECK_THAT(Joined(c.problems), Catch::Contains("past the last page"));
    CHECK(c.records.size() == 2);
  }
  SECTION("a chain that ends early") {
    std::string db = good;
    set_next(db, linked, 0);
    RpmDbContents c = ReadRpmBdb(db);
    CHECK_THAT(Joined(c.problems), Catch::Contains("ends after"));
    CHECK(c.records.size() == 2);
  }
  SECTION("an overflow page with an impossible length") {
    std::string db = good;
    db[linked * page + 22] = '\xff';
    db[linked * page + 23] = '\xff';
    RpmDbContents c = ReadRpmBdb(db);
    CHECK_THAT(Joined(c.problems), Catch::Contains("more than a page holds"));
  }
  SECTION("two records pointing to one overflow chain") {
    std::string db = good;
    // The off-page references (item kind 3) of the hash pages, in order.
    std::vector<size_t> refs;
    for (uint32_t p = 1; p < db.size() / page; ++p) {
      if (db[p * page + 25] != 13) continue;
      const size_t entries = static_cast<unsigned char>(db[p * page + 20]) |
                             static_cast<unsigned char>(db[p * page + 21]) << 8;
      for (size_t i = 1; i < entries; i += 2) {
        const size_t at = p * page + 26 + 2 * i;
        const size_t off = static_cast<unsigned char>(db[at]) |
                           static_cast<unsigned char>(db[at + 1]) << 8;
        if (db[p * page + off] == 3) refs.push_back(p * page + off);
      }
    }
    REQUIRE(refs.size() == 3);
    db.replace(refs[1] + 4, 4, db.substr(refs[0] + 4, 4));
    RpmDbContents c = ReadRpmBdb(db);
    CHECK_THAT(Joined(c.problems),
               Catch::Contains("belongs to another record"));
    CHECK(c.records.size() == 2);
  }
  SECTION("a hash page whose entry count overruns the page") {
    std::string db = good;
    for (uint32_t p = 1; p < db.size() / page; ++p) {
      if (db[p * page + 25] == 13) {
        db[p * page + 20] = '\xff';
        db[p * page + 21] = '\x7f';
      }
    }
    RpmDbContents c = ReadRpmBdb(db);
    CHECK_THAT(Joined(c.problems), Catch::Contains("do not fit"));
    CHECK(c.records.empty());
  }
}

TEST_CASE(
    "rpm bdb: big-endian, checksummed and inline values, as Berkeley DB "
    "writes them",
    "[rpm]") {
  // db5.3_load (Debian package db5.3-util) writes real Berkeley DB hash files
  // in either byte order and with page checksums.
  INFO("db5.3_load comes from the Debian package \"db5.3-util\"");
  REQUIRE(HaveTool("db5.3_load"));
  TempDir tmp;
  // Small headers stay inline on the hash page; a 20 kB one goes to overflow
  // pages.
  std::vector<std::string> images = {
      SimpleHeader("small-one", "1.0", "1"),
      SimpleHeader("small-two", "2.0", "1"),
      MakeHeader({{1000, 6, "large"},
                  {1001, 6, "3.0"},
                  {1002, 6, "1"},
                  {1004, 6, std::string(20000, 's')}})};
  auto dump = [&](bool big_endian) {
    auto key = [&](uint32_t v) {
      std::string k(4, '\0');
      for (int i = 0; i < 4; ++i) {
        int shift = big_endian ? 24 - 8 * i : 8 * i;
        k[i] = static_cast<char>((v >> shift) & 0xff);
      }
      return k;
    };
    auto hex = [](const std::string& s) {
      static const char* d = "0123456789abcdef";
      std::string out;
      for (unsigned char c : s) {
        out += d[c >> 4];
        out += d[c & 15];
      }
      return out;
    };
    std::string text = "VERSION=3\nformat=bytevalue\ntype=hash\nHEADER=END\n";
    text += " " + hex(key(0)) + "\n " + hex(key(3)) + "\n";  // rpm's counter
    for (uint32_t i = 0; i < images.size(); ++i) {
      text += " " + hex(key(i + 1)) + "\n " + hex(images[i]) + "\n";
    }
    return text + "DATA=END\n";
  };
  const std::multiset<std::string> want = {"small-one 1.0-1", "small-two 2.0-1",
                                           "large 3.0-1"};
  struct Variant {
    const char* name;
    bool big_endian;
    const char* options;
  };
  for (const Variant& v :
       {Variant{"le", false, "-c db_pagesize=4096"},
        Variant{"be", true, "-c db_lorder=4321 -c db_pagesize=4096"},
        Variant{"be-chksum", true,
                "-c db_lorder=4321 -c chksum=1 -c db_pagesize=512"},
        Variant{"le-chksum", false, "-c chksum=1 -c db_pagesize=1024"}}) {
    INFO(v.name);
    const std::string in =
        tmp.Write(std::string(v.name) + ".txt", dump(v.big_endian));
    const std::string out = tmp.path() + "/" + v.name + ".db";
    auto r = Run("db5.3_load -f " + ShellQuote(in) + " " + v.options + " " +
                 ShellQuote(out));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const std::string db = ReadHostFile(out);
    CHECK((db[12] == 0) == v.big_endian);  // magic's first byte
    RpmDbContents c = ReadRpmBdb(db);
    CHECK(c.problems.empty());
    CHECK(NameEvrs(c) == want);
    std::set<uint64_t> numbers;
    for (const RpmDbRecord& rec : c.records) numbers.insert(rec.number);
    CHECK(numbers == std::set<uint64_t>{1, 2, 3});
  }
}

// ---- ndb -------------------------------------------------------------------

TEST_CASE("rpm ndb: corpus databases list what rpm lists", "[rpm]") {
  SKIP_UNLESS_CORPUS(CorpusPath("rpm"));
  {
    RpmDbContents c = ReadRpmNdb(Corpus("rpm/osquery_rpm-ndb/Packages.db"));
    CHECK(c.problems.empty());
    CHECK(NameEvrs(c) == std::multiset<std::string>{"ncurses-devel 6.1-5.6.2",
                                                    "zlib-devel 1.2.11-3.21.1",
                                                    "binutils 2.35.1-7.18.1"});
  }
  {
    RpmDbContents c = ReadRpmNdb(Corpus("rpm/sle15-bci_v1/Packages.db"));
    CHECK(c.problems.empty());
    auto got = NameEvrs(c);
    CHECK(got.size() == 35);
    CHECK(Has(got, "glibc 2.31-9.3.2"));
    CHECK(Has(got, "coreutils 8.32-3.2.1"));
    CHECK(Has(got, "rpm-ndb 4.14.3-40.1"));
    CHECK(Has(got, "libgcc_s1 11.2.1+git610-1.3.9"));
    CHECK(Has(got, "ca-certificates-mozilla-prebuilt 2.44-21.1"));
    CHECK_FALSE(Has(got, "!"));
    RpmHeader h = ParseRpmHeader(c.records.at(0).image);
    CHECK(h.vendor == "SUSE LLC <https://www.suse.com/>");
  }
  {
    RpmDbContents c = ReadRpmNdb(Corpus("rpm/sle15-bci_v2/Packages.db"));
    CHECK(c.problems.empty());
    auto got = NameEvrs(c);
    CHECK(got.size() == 35);
    CHECK(Has(got, "glibc 2.31-150300.9.12.1"));
    CHECK(Has(got, "coreutils 8.32-150300.3.5.1"));
    CHECK(Has(got, "rpm-ndb 4.14.3-150300.46.1"));
    CHECK(Has(got, "bash 4.4-19.6.1"));
    CHECK_FALSE(Has(got, "!"));
  }
}

TEST_CASE("rpm ndb: damaged slots and blobs are problems, not crashes",
          "[rpm]") {
  CHECK_THROWS_WITH(ReadRpmNdb("RpmX"), Catch::Contains("RpmP"));
  CHECK_THROWS_AS(ReadRpmNdb(""), ParseError);
  SKIP_UNLESS_CORPUS(CorpusPath("rpm"));
  const std::string good = Corpus("rpm/osquery_rpm-ndb/Packages.db");

  SECTION("unknown version") {
    std::string db = good;
    db[4] = 1;
    CHECK_THROWS_WITH(ReadRpmNdb(db), Catch::Contains("version"));
  }
  SECTION("slot table larger than the file") {
    std::string db = good;
    db[14] = 0x7f;
    CHECK_THROWS_WITH(ReadRpmNdb(db), Catch::Contains("slot pages"));
  }
  SECTION("a flipped byte inside a blob fails its checksum") {
    std::string db = good;
    // The first slot (offset 32) names the first blob's block.
    const uint32_t blkoff = static_cast<unsigned char>(db[40]) |
                            static_cast<unsigned char>(db[41]) << 8 |
                            static_cast<unsigned char>(db[42]) << 16;
    db[blkoff * 16 + 100] ^= 0x20;
    RpmDbContents c = ReadRpmNdb(db);
    CHECK_THAT(Joined(c.problems), Catch::Contains("checksum"));
    CHECK(c.records.size() == 2);
  }
  SECTION("a forged slot page count") {
    std::string db = good;
    db[13] = 0x20;  // 8193 slot pages
    CHECK_THROWS_WITH(ReadRpmNdb(db),
                      Catch::Contains("past any real database"));
  }
  SECTION("two slots naming one blob") {
    std::string db = good;
    // Slot 3 (offset 48) takes slot 2's blob and package index.
    db.replace(48, 16, db.substr(32, 16));
    RpmDbContents c = ReadRpmNdb(db);
    CHECK_THAT(Joined(c.problems), Catch::Contains("overlaps another"));
    CHECK(c.records.size() == 2);
  }
  SECTION("a bad slot") {
    std::string db = good;
    db[32] = 'X';
    RpmDbContents c = ReadRpmNdb(db);
    CHECK_THAT(Joined(c.problems), Catch::Contains("slot 2: bad slot magic"));
    CHECK(c.records.size() == 2);
  }
  SECTION("truncated: later blobs are lost, earlier ones read") {
    RpmDbContents c = ReadRpmNdb(good.substr(0, good.size() - 1000));
    CHECK_THAT(Joined(c.problems), Catch::Contains("past the end of the file"));
    CHECK(c.records.size() < 3);
  }
  SECTION("every truncation point") {
    for (size_t cut = 0; cut <= good.size(); cut += 997) {
      try {
        RpmDbContents c = ReadRpmNdb(good.substr(0, cut));
        for (const RpmDbRecord& r : c.records) ParseRpmHeader(r.image);
      } catch (const ParseError&) {
      }
    }
  }
}

// ---- SQLite ----------------------------------------------------------------

TEST_CASE("rpm sqlite: corpus databases list what rpm -qa lists", "[rpm]") {
  SKIP_UNLESS_CORPUS(CorpusPath("rpm"));
  {
    // Its -wal is empty: the database alone is read, in memory.
    RpmDbContents c =
        ReadRpmSqlite(Corpus("rpm/osquery_rpm-sqlite/rpmdb.sqlite"),
                      Corpus("rpm/osquery_rpm-sqlite/rpmdb.sqlite-wal"));
    CHECK(c.problems.empty());
    CHECK(NameEvrs(c) ==
          std::multiset<std::string>{
              "systemd-rpm-macros 246.6-3.fc33", "rpm 4.16.0-1.fc33",
              "rpm-libs 4.16.0-1.fc33", "rpm-plugin-selinux 4.16.0-1.fc33",
              "rpm-plugin-systemd-inhibit 4.16.0-1.fc33",
              "deltarpm 3.6.2-7.fc33", "rpm-build-libs 4.16.0-1.fc33",
              "rpm-sign-libs 4.16.0-1.fc33", "python3-rpm 4.16.0-1.fc33"});
    RpmHeader h = ParseRpmHeader(c.records.at(0).image);
    CHECK(h.vendor == "Fedora Project");
    CHECK(h.arch == "noarch");
  }
  {
    RpmDbContents c = ReadRpmSqlite(Corpus("rpm/cbl-mariner-2.0/rpmdb.sqlite"));
    CHECK(c.problems.empty());
    auto got = NameEvrs(c);
    CHECK(got.size() == 129);
    CHECK(Has(got, "mariner-release 2.0-4.cm2"));
    CHECK(Has(got, "ca-certificates-base 1:2.0.0-1.cm2"));
    CHECK(Has(got, "glibc 2.34-2.cm2"));
    CHECK(Has(got, "openssl 1.1.1k-7.cm2"));
    CHECK(Has(got, "curl 7.76.0-6.cm2"));
    CHECK(Has(got, "sudo 1.9.5p2-3.cm2"));
    CHECK(Has(got, "sqlite 3.34.1-2.cm2"));
    CHECK_FALSE(Has(got, "!"));
    std::set<uint64_t> numbers;
    for (const RpmDbRecord& r : c.records) numbers.insert(r.number);
    CHECK(numbers.size() == 129);
  }
}

TEST_CASE(
    "rpm sqlite: committed rows in the write-ahead log are read and "
    "nothing is left behind",
    "[rpm]") {
  TempDir work;
  ScopedTmpdir host_tmp;  // after `work`, which must not land in it
  const std::string path = work.path() + "/rpmdb.sqlite";
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    Exec(db,
         "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, "
         "blob BLOB NOT NULL)");
    InsertBlob(db, "INSERT INTO Packages(blob) VALUES (?)",
               SimpleHeader("base", "1", "1"));
    InsertBlob(db, "INSERT INTO Packages(blob) VALUES (?)",
               SimpleHeader("removed-later", "1", "1"));
    sqlite3_close(db);
  }
  sqlite3* db = OpenKeepingWal(path);
  Exec(db, "BEGIN");
  InsertBlob(db, "INSERT INTO Packages(blob) VALUES (?)",
             SimpleHeader("zoom", "6.0.0", "1"));
  Exec(db, "DELETE FROM Packages WHERE hnum = 2");
  Exec(db, "COMMIT");
  // An uncommitted transaction is not part of the database.
  Exec(db, "BEGIN");
  InsertBlob(db, "INSERT INTO Packages(blob) VALUES (?)",
             SimpleHeader("uncommitted", "1", "1"));
  const std::string db_bytes = ReadHostFile(path);
  const std::string wal_bytes = ReadHostFile(path + "-wal");
  Exec(db, "ROLLBACK");
  sqlite3_close(db);
  REQUIRE_FALSE(wal_bytes.empty());

  // The database file alone still holds the old state.
  CHECK(NameEvrs(ReadRpmSqlite(db_bytes)) ==
        std::multiset<std::string>{"base 1-1", "removed-later 1-1"});
  // With its log, the committed transaction is replayed.
  CHECK(NameEvrs(ReadRpmSqlite(db_bytes, wal_bytes)) ==
        std::multiset<std::string>{"base 1-1", "zoom 6.0.0-1"});
  CHECK(host_tmp.entries() == 0);

  // A damaged log is ignored from the damage on, as SQLite does.
  std::string bad_wal = wal_bytes;
  for (size_t i = 32; i < bad_wal.size(); i += 7) bad_wal[i] ^= 0x55;
  CHECK(NameEvrs(ReadRpmSqlite(db_bytes, bad_wal)) ==
        std::multiset<std::string>{"base 1-1", "removed-later 1-1"});
  CHECK(host_tmp.entries() == 0);
}

TEST_CASE("rpm sqlite: damaged databases throw or report, never crash",
          "[rpm]") {
  CHECK_THROWS_WITH(ReadRpmSqlite("hello"), Catch::Contains("not an SQLite"));
  TempDir work;
  const std::string path = work.path() + "/other.sqlite";
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    Exec(db, "CREATE TABLE Other (x)");
    sqlite3_close(db);
  }
  CHECK_THROWS_WITH(ReadRpmSqlite(ReadHostFile(path)),
                    Catch::Contains("no readable Packages table"));
  SKIP_UNLESS_CORPUS(CorpusPath("rpm"));
  const std::string good = Corpus("rpm/cbl-mariner-2.0/rpmdb.sqlite");
  for (size_t cut : {size_t{100}, size_t{4096}, good.size() / 3,
                     good.size() / 2, good.size() - 4096}) {
    INFO("cut at " << cut);
    try {
      RpmDbContents c = ReadRpmSqlite(good.substr(0, cut));
      CHECK(c.records.size() <= 129);
    } catch (const ParseError&) {
    }
  }
  std::string scribbled = good;
  for (size_t i = 8192; i < scribbled.size(); i += 4099) scribbled[i] ^= 0x5a;
  try {
    ReadRpmSqlite(scribbled);
  } catch (const ParseError&) {
  }
}

// ---- the collector ---------------------------------------------------------

TEST_CASE("rpm collector: every corpus database through the scan core",
          "[rpm]") {
  SKIP_UNLESS_CORPUS(CorpusPath("rpm"));
  struct Case {
    const char* corpus;
    const char* path;
    size_t count;
  };
  for (const Case& c : {
           Case{"rpm/osquery_rpm-bdb/Packages", "/var/lib/rpm/Packages", 3},
           Case{"rpm/scalibr_Packages_epoch", "/var/lib/rpm/Packages", 1},
           Case{"rpm/syft_redhat/Packages", "/var/lib/rpm/Packages", 1},
           Case{"rpm/osquery_rpm-ndb/Packages.db",
                "/usr/lib/sysimage/rpm/Packages.db", 3},
           Case{"rpm/sle15-bci_v1/Packages.db", "/var/lib/rpm/Packages.db", 35},
           Case{"rpm/sle15-bci_v2/Packages.db",
                "/usr/lib/sysimage/rpm/Packages.db", 35},
           Case{"rpm/osquery_rpm-sqlite/rpmdb.sqlite",
                "/var/lib/rpm/rpmdb.sqlite", 9},
           Case{"rpm/cbl-mariner-2.0/rpmdb.sqlite",
                "/usr/lib/sysimage/rpm/rpmdb.sqlite", 129},
       }) {
    INFO(c.corpus);
    MemoryVfs vfs;
    vfs.AddFile(c.path, Corpus(c.corpus));
    CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("rpm"));
    INFO(AllWarnings(r));
    CHECK(r.warnings.empty());
    CHECK(r.software.size() == c.count);
    for (const Software& s : r.software) {
      CHECK(s.ecosystem == "rpm");
      CHECK(s.id == s.name);
      CHECK(s.source == c.path);
      CHECK(s.state == SoftwareState::kInstalled);
    }
  }

  MemoryVfs vfs;
  vfs.AddFile("/var/lib/rpm/Packages", Corpus("rpm/syft_redhat/Packages"));
  CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("rpm"));
  const Software* dive = FindSoftware(r, "dive");
  REQUIRE(dive != nullptr);
  CHECK(dive->version == "0.9.2-1");
  CHECK(dive->arch == "x86_64");
  CHECK(dive->publisher == "Alex Goodman");  // no vendor: the packager
  CHECK(dive->location == "/var/lib/rpm/Packages");

  MemoryVfs mariner;
  mariner.AddFile("/var/lib/rpm/rpmdb.sqlite",
                  Corpus("rpm/cbl-mariner-2.0/rpmdb.sqlite"));
  r = CollectSoftware(mariner, "ev", CollectorNamed("rpm"));
  const Software* ca = FindSoftware(r, "ca-certificates-base");
  REQUIRE(ca != nullptr);
  CHECK(ca->version == "1:2.0.0-1.cm2");
  CHECK(ca->arch == "noarch");
  CHECK(ca->publisher == "Microsoft Corporation");
}

TEST_CASE("rpm collector: the same database in both rpm folders counts once",
          "[rpm]") {
  SKIP_UNLESS_CORPUS(CorpusPath("rpm"));
  const std::string sqlite = Corpus("rpm/osquery_rpm-sqlite/rpmdb.sqlite");
  const std::string bdb = Corpus("rpm/osquery_rpm-bdb/Packages");

  SECTION("/var/lib/rpm is a symlink to /usr/lib/sysimage/rpm") {
    MemoryVfs vfs;
    vfs.AddFile("/usr/lib/sysimage/rpm/rpmdb.sqlite", sqlite);
    vfs.AddFile("/usr/lib/sysimage/rpm/Packages", bdb);
    vfs.AddSymlink("/var/lib/rpm", "../../usr/lib/sysimage/rpm");
    CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("rpm"));
    INFO(AllWarnings(r));
    CHECK(r.warnings.empty());
    CHECK(r.software.size() == 9 + 3);
  }
  SECTION("two copies of the same bytes") {
    MemoryVfs vfs;
    vfs.AddFile("/usr/lib/sysimage/rpm/rpmdb.sqlite", sqlite);
    vfs.AddFile("/var/lib/rpm/rpmdb.sqlite", sqlite);
    CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("rpm"));
    CHECK(r.software.size() == 9);
  }
  SECTION("a copy that differs by a byte outside the packages") {
    MemoryVfs vfs;
    vfs.AddFile("/var/lib/rpm/Packages", bdb);
    std::string copy = bdb;  // differs by a byte of page 0's unused tail
    copy[500] ^= 1;
    vfs.AddFile("/usr/lib/sysimage/rpm/Packages", copy);
    CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("rpm"));
    CHECK(r.software.size() == 3);
    for (const Software& s : r.software) {
      CHECK(s.source == "/usr/lib/sysimage/rpm/Packages");  // first in order
    }
  }
}

TEST_CASE("rpm collector: database and write-ahead log are joined", "[rpm]") {
  TempDir work;
  const std::string path = work.path() + "/rpmdb.sqlite";
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    Exec(db,
         "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, "
         "blob BLOB NOT NULL)");
    InsertBlob(db, "INSERT INTO Packages(blob) VALUES (?)",
               SimpleHeader("bash", "5.2", "1"));
    sqlite3_close(db);
  }
  sqlite3* db = OpenKeepingWal(path);
  InsertBlob(db, "INSERT INTO Packages(blob) VALUES (?)",
             SimpleHeader("kesl", "12.1.0.1297", "1"));
  // A header that does not parse: a warning naming the record, the others
  // are still reported.
  InsertBlob(db, "INSERT INTO Packages(blob) VALUES (?)", "garbage");
  sqlite3_close(db);

  MemoryVfs vfs;
  vfs.AddFile("/var/lib/rpm/rpmdb.sqlite", ReadHostFile(path));
  vfs.AddFile("/var/lib/rpm/rpmdb.sqlite-wal", ReadHostFile(path + "-wal"));
  CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("rpm"));
  CHECK(NameEvrs(r) ==
        std::multiset<std::string>{"bash 5.2-1", "kesl 12.1.0.1297-1"});
  const Software* kesl = FindSoftware(r, "kesl");
  REQUIRE(kesl != nullptr);
  CHECK(kesl->source == "/var/lib/rpm/rpmdb.sqlite");
  CHECK(kesl->publisher == "Example Vendor");
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].path == "/var/lib/rpm/rpmdb.sqlite");
  CHECK(r.warnings[0].collector == "rpm");
  CHECK_THAT(r.warnings[0].message, Catch::Contains("record 3"));

  // A log without its database is said, not silently dropped.
  MemoryVfs orphan;
  orphan.AddFile("/var/lib/rpm/rpmdb.sqlite-wal", ReadHostFile(path + "-wal"));
  r = CollectSoftware(orphan, "ev", CollectorNamed("rpm"));
  CHECK(r.software.empty());
  CHECK_THAT(AllWarnings(r), Catch::Contains("without its rpmdb.sqlite"));
}

TEST_CASE("rpm collector: damaged databases give warnings, not crashes",
          "[rpm]") {
  SKIP_UNLESS_CORPUS(CorpusPath("rpm"));
  SECTION("a damaged header inside a Berkeley DB") {
    std::string db = Corpus("rpm/osquery_rpm-bdb/Packages");
    // Overwrite the start of one overflow chain's data (its header's il/dl).
    for (size_t p = 1; p < db.size() / 4096; ++p) {
      if (db[p * 4096 + 25] == 7 &&
          db.substr(p * 4096 + 12, 4) == std::string(4, '\0')) {  // first page
        db.replace(p * 4096 + 26, 8, "\xff\xff\xff\xff\xff\xff\xff\xff");
        break;
      }
    }
    MemoryVfs vfs;
    vfs.AddFile("/var/lib/rpm/Packages", db);
    CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("rpm"));
    CHECK(r.software.size() == 2);
    REQUIRE(r.warnings.size() == 1);
    CHECK(r.warnings[0].path == "/var/lib/rpm/Packages");
    CHECK_THAT(r.warnings[0].message, Catch::Contains("record "));
    CHECK_THAT(r.warnings[0].message,
               Catch::Contains("the package is skipped"));
  }
  SECTION("files that are not databases at all") {
    MemoryVfs vfs;
    vfs.AddFile("/var/lib/rpm/Packages", "not a database");
    vfs.AddFile("/var/lib/rpm/Packages.db", std::string(10000, '\0'));
    vfs.AddFile("/var/lib/rpm/rpmdb.sqlite", "SQLite format 3");
    CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("rpm"));
    CHECK(r.software.empty());
    CHECK(r.warnings.size() == 3);
    CHECK_THAT(AllWarnings(r),
               Catch::Contains("/var/lib/rpm/Packages: cannot parse"));
    CHECK_THAT(AllWarnings(r),
               Catch::Contains("/var/lib/rpm/rpmdb.sqlite: cannot parse"));
  }
  SECTION("truncated copies of every corpus database") {
    for (const char* rel :
         {"rpm/osquery_rpm-bdb/Packages", "rpm/sle15-bci_v1/Packages.db",
          "rpm/cbl-mariner-2.0/rpmdb.sqlite"}) {
      const std::string full = Corpus(rel);
      const std::string name = fs::path(rel).filename().string();
      for (size_t cut : {full.size() / 4, full.size() / 2, full.size() - 1}) {
        INFO(rel << " cut at " << cut);
        MemoryVfs vfs;
        vfs.AddFile("/var/lib/rpm/" + name, full.substr(0, cut));
        CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("rpm"));
        CHECK(!r.warnings.empty());
      }
    }
  }
}
