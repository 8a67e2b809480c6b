#include "formats/sqlite_image.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <system_error>

#include "formats/byte_reader.h"
#include "formats/parse_error.h"

namespace contraband {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSqliteMagic("SQLite format 3\0", 16);
// File-format bytes of the database header: 2 = WAL, 1 = rollback journal.
constexpr size_t kWriteVersionOffset = 18;
constexpr size_t kReadVersionOffset = 19;

void Harden(sqlite3* db) {
  // The schema comes from evidence: let it call no functions with side
  // effects and forbid writes to the schema through it.
  sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, nullptr);
}

// The SQLite VFS of ranged databases ("contraband-ranges"): each main
// database file is a SqliteImage::Pages found by its name in a registry;
// reads go to its read_at, writes are refused. Temporary files (none with
// temp_store=MEMORY) go to the default VFS.
struct RangeFile {
  sqlite3_file base;
  const void* pages;
};

std::mutex& RegistryMutex() {
  static std::mutex m;
  return m;
}
std::map<std::string, const void*>& Registry() {
  static std::map<std::string, const void*> r;
  return r;
}

}  // namespace

struct SqliteImage::Pages {
  ReadAt read_at;
  uint64_t size = 0;
  std::string name;
};

namespace {

int RangeClose(sqlite3_file*) { return SQLITE_OK; }

int RangeRead(sqlite3_file* f, void* out, int amount, sqlite3_int64 offset) {
  const auto* pages = static_cast<const SqliteImage::Pages*>(
      reinterpret_cast<RangeFile*>(f)->pages);
  auto* dst = static_cast<unsigned char*>(out);
  const uint64_t want = static_cast<uint64_t>(amount);
  const uint64_t at = static_cast<uint64_t>(offset);
  std::string got;
  if (offset >= 0 && at < pages->size) {
    try {
      got = pages->read_at(at, std::min<uint64_t>(want, pages->size - at));
    } catch (...) {
      return SQLITE_IOERR_READ;  // the evidence could not be read
    }
  }
  const size_t n = std::min<size_t>(got.size(), static_cast<size_t>(want));
  std::memcpy(dst, got.data(), n);
  // As the in-memory copy: a WAL-mode header reads as rollback-journal mode
  // (there is no log to replay).
  for (uint64_t b : {kWriteVersionOffset, kReadVersionOffset}) {
    if (at <= b && b < at + n && dst[b - at] == 2) dst[b - at] = 1;
  }
  if (n < want) {
    std::memset(dst + n, 0, static_cast<size_t>(want - n));
    return SQLITE_IOERR_SHORT_READ;
  }
  return SQLITE_OK;
}

int RangeWrite(sqlite3_file*, const void*, int, sqlite3_int64) {
  return SQLITE_READONLY;
}
int RangeTruncate(sqlite3_file*, sqlite3_int64) { return SQLITE_READONLY; }
int RangeSync(sqlite3_file*, int) { return SQLITE_OK; }
int RangeFileSize(sqlite3_file* f, sqlite3_int64* size) {
  *size = static_cast<sqlite3_int64>(
      static_cast<const SqliteImage::Pages*>(
          reinterpret_cast<RangeFile*>(f)->pages)
          ->size);
  return SQLITE_OK;
}
int RangeLock(sqlite3_file*, int) { return SQLITE_OK; }
int RangeCheckReservedLock(sqlite3_file*, int* out) {
  *out = 0;
  return SQLITE_OK;
}
int RangeFileControl(sqlite3_file*, int, void*) { return SQLITE_NOTFOUND; }
int RangeSectorSize(sqlite3_file*) { return 512; }
int RangeDeviceCharacteristics(sqlite3_file*) { return SQLITE_IOCAP_IMMUTABLE; }

const sqlite3_io_methods kRangeMethods = {
    1,         RangeClose,    RangeRead,
    RangeWrite, RangeTruncate, RangeSync,
    RangeFileSize, RangeLock,  RangeLock,
    RangeCheckReservedLock, RangeFileControl, RangeSectorSize,
    RangeDeviceCharacteristics, nullptr, nullptr,
    nullptr,   nullptr,       nullptr,
    nullptr};

sqlite3_vfs* DefaultVfs() { return sqlite3_vfs_find(nullptr); }

int RangeOpen(sqlite3_vfs*, const char* name, sqlite3_file* f, int flags,
              int* out_flags) {
  if (name == nullptr || !(flags & SQLITE_OPEN_MAIN_DB)) {
    // A temporary file: the default VFS's own (its file fits: szOsFile).
    sqlite3_vfs* d = DefaultVfs();
    return d->xOpen(d, name, f, flags, out_flags);
  }
  f->pMethods = nullptr;
  const void* pages = nullptr;
  {
    std::lock_guard<std::mutex> lock(RegistryMutex());
    auto it = Registry().find(name);
    if (it != Registry().end()) pages = it->second;
  }
  if (pages == nullptr) return SQLITE_CANTOPEN;
  if (flags & (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) {
    return SQLITE_CANTOPEN;
  }
  reinterpret_cast<RangeFile*>(f)->pages = pages;
  f->pMethods = &kRangeMethods;
  if (out_flags) *out_flags = SQLITE_OPEN_READONLY;
  return SQLITE_OK;
}
int RangeDelete(sqlite3_vfs*, const char*, int) { return SQLITE_IOERR_DELETE; }
int RangeAccess(sqlite3_vfs*, const char*, int, int* out) {
  *out = 0;  // no journal, no log, nothing beside the database
  return SQLITE_OK;
}
int RangeFullPathname(sqlite3_vfs*, const char* name, int n, char* out) {
  sqlite3_snprintf(n, out, "%s", name);
  return SQLITE_OK;
}
int RangeRandomness(sqlite3_vfs*, int n, char* out) {
  return DefaultVfs()->xRandomness(DefaultVfs(), n, out);
}
int RangeSleep(sqlite3_vfs*, int us) {
  return DefaultVfs()->xSleep(DefaultVfs(), us);
}
int RangeCurrentTime(sqlite3_vfs*, double* out) {
  return DefaultVfs()->xCurrentTime(DefaultVfs(), out);
}
int RangeGetLastError(sqlite3_vfs*, int, char*) { return 0; }

constexpr const char* kRangeVfsName = "contraband-ranges";

void RegisterRangeVfs() {
  static std::once_flag once;
  std::call_once(once, [] {
    static sqlite3_vfs vfs{};
    vfs.iVersion = 1;
    vfs.szOsFile = std::max<int>(static_cast<int>(sizeof(RangeFile)),
                                 DefaultVfs()->szOsFile);
    vfs.mxPathname = 512;
    vfs.zName = kRangeVfsName;
    vfs.xOpen = RangeOpen;
    vfs.xDelete = RangeDelete;
    vfs.xAccess = RangeAccess;
    vfs.xFullPathname = RangeFullPathname;
    vfs.xRandomness = RangeRandomness;
    vfs.xSleep = RangeSleep;
    vfs.xCurrentTime = RangeCurrentTime;
    vfs.xGetLastError = RangeGetLastError;
    sqlite3_vfs_register(&vfs, 0);
  });
}

}  // namespace

// A folder only this process can use, removed with everything in it when the
// object dies (after the connection that uses it is closed).
class SqliteImage::PrivateFolder {
 public:
  explicit PrivateFolder(const std::string& label) : label_(label) {
    std::error_code ec;
    fs::path base = fs::temp_directory_path(ec);
    if (ec) base = "/tmp";
    std::string tmpl = (base / "contraband-sqlite-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      throw ParseError(
          label_ + ": cannot make a private temporary folder under " +
          base.string() +
          " to replay the write-ahead log: " + std::strerror(errno));
    }
    path_ = tmpl;
  }
  ~PrivateFolder() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }

  std::string Write(const std::string& name, std::string_view data) const {
    const std::string path = path_ + "/" + name;
    int fd = open(path.c_str(),
                  O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) Fail(path);
    while (!data.empty()) {
      ssize_t n = write(fd, data.data(), data.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        Fail(path);
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
    if (close(fd) != 0) Fail(path);
    return path;
  }

 private:
  [[noreturn]] void Fail(const std::string& path) const {
    throw ParseError(label_ + ": cannot write the temporary copy " + path +
                     ": " + std::strerror(errno));
  }
  std::string label_;
  std::string path_;
};

SqliteImage::SqliteImage(std::string_view db, std::string_view wal,
                         std::string label) {
  if (db.substr(0, kSqliteMagic.size()) != kSqliteMagic || db.size() < 100) {
    throw ParseError("not an SQLite database (no \"SQLite format 3\" magic)");
  }
  if (wal.empty()) {
    // In memory. A database in WAL mode cannot be deserialized as is, so the
    // private copy is marked as a rollback-journal database; with no log to
    // replay, its pages are the whole database.
    copy_.assign(db);
    if (copy_[kWriteVersionOffset] == 2) copy_[kWriteVersionOffset] = 1;
    if (copy_[kReadVersionOffset] == 2) copy_[kReadVersionOffset] = 1;
    if (sqlite3_open_v2(":memory:", &db_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                        nullptr) != SQLITE_OK) {
      const std::string e = error();
      sqlite3_close_v2(db_);
      throw ParseError(label + ": cannot open an in-memory database: " + e);
    }
    Harden(db_);
    if (sqlite3_deserialize(db_, "main",
                            reinterpret_cast<unsigned char*>(copy_.data()),
                            static_cast<sqlite3_int64>(copy_.size()),
                            static_cast<sqlite3_int64>(copy_.size()),
                            SQLITE_DESERIALIZE_READONLY) != SQLITE_OK) {
      const std::string e = error();
      sqlite3_close_v2(db_);
      throw ParseError(label + ": cannot load the database: " + e);
    }
    return;
  }
  // The log must sit beside the database under the matching name for SQLite
  // to replay it; the copies are ours, so the connection may write its
  // shared-memory index and checkpoint there.
  folder_ = std::make_unique<PrivateFolder>(label);
  const std::string db_path = folder_->Write("db.sqlite", db);
  folder_->Write("db.sqlite-wal", wal);
  if (sqlite3_open_v2(db_path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) !=
      SQLITE_OK) {
    const std::string e = error();
    sqlite3_close_v2(db_);
    throw ParseError(label + ": cannot open the temporary copy: " + e);
  }
  Harden(db_);
}

SqliteImage::SqliteImage(ReadAt read_at, uint64_t size, std::string label)
    : pages_(std::make_unique<Pages>()) {
  std::string head;
  try {
    head = size >= 100 ? read_at(0, 100) : std::string();
  } catch (const std::exception& e) {
    throw ParseError(label + ": cannot read the database: " + e.what());
  }
  if (head.size() < 100 ||
      head.substr(0, kSqliteMagic.size()) != kSqliteMagic) {
    throw ParseError("not an SQLite database (no \"SQLite format 3\" magic)");
  }
  RegisterRangeVfs();
  static std::atomic<uint64_t> serial{0};
  pages_->read_at = std::move(read_at);
  pages_->size = size;
  pages_->name = "/contraband-ranges/" + std::to_string(++serial);
  {
    std::lock_guard<std::mutex> lock(RegistryMutex());
    Registry()[pages_->name] = pages_.get();
  }
  const std::string uri = "file:" + pages_->name + "?immutable=1";
  if (sqlite3_open_v2(uri.c_str(), &db_, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
                      kRangeVfsName) != SQLITE_OK) {
    const std::string e = error();
    sqlite3_close_v2(db_);
    db_ = nullptr;
    std::lock_guard<std::mutex> lock(RegistryMutex());
    Registry().erase(pages_->name);
    throw ParseError(label + ": cannot open the database: " + e);
  }
  Harden(db_);
  sqlite3_exec(db_, "PRAGMA temp_store = MEMORY", nullptr, nullptr, nullptr);
}

SqliteImage::~SqliteImage() {
  sqlite3_close_v2(db_);
  if (pages_) {
    std::lock_guard<std::mutex> lock(RegistryMutex());
    Registry().erase(pages_->name);
  }
}

std::string SqliteImage::error() const {
  return db_ ? sqlite3_errmsg(db_) : "out of memory";
}

std::optional<std::string> SqliteTruncation(std::string_view db,
                                            std::string_view what) {
  ByteReader r(db);
  r.seek(16, "sqlite page size");
  uint64_t page_size = r.be<uint16_t>("sqlite page size");
  if (page_size == 1) page_size = 65536;
  r.seek(24, "sqlite change counter");
  const uint32_t change_counter = r.be<uint32_t>("sqlite change counter");
  const uint64_t pages = r.be<uint32_t>("sqlite page count");
  r.seek(92, "sqlite version-valid-for");
  const uint32_t valid_for = r.be<uint32_t>("sqlite version-valid-for");
  if (change_counter != valid_for || pages == 0) return std::nullopt;
  if (db.size() >= pages * page_size) return std::nullopt;
  return "the database is truncated: its header names " +
         std::to_string(pages) + " pages of " + std::to_string(page_size) +
         " bytes but the file holds " + std::to_string(db.size()) + " bytes; " +
         std::string(what) + " on the missing pages are lost";
}

std::string SqliteColumnText(sqlite3_stmt* stmt, int col, size_t max_bytes) {
  const unsigned char* text = sqlite3_column_text(stmt, col);
  const int size = sqlite3_column_bytes(stmt, col);
  if (text == nullptr || size <= 0) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     std::min(static_cast<size_t>(size), max_bytes));
}

}  // namespace contraband
