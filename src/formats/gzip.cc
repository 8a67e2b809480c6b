#include "formats/gzip.h"

#include <archive.h>
#include <archive_entry.h>

#include <memory>

#include "formats/parse_error.h"

namespace contraband {
namespace {

struct ArchiveFree {
  void operator()(archive* a) const { archive_read_free(a); }
};

std::string ErrorOf(archive* a) {
  const char* s = archive_error_string(a);
  return s && *s ? s : "unknown libarchive error";
}

}  // namespace

bool LooksGzip(std::string_view data) {
  return data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1f &&
         static_cast<unsigned char>(data[1]) == 0x8b;
}

std::string Gunzip(std::string_view data, uint64_t max_bytes,
                   std::string* damage) {
  if (damage) damage->clear();
  if (!LooksGzip(data)) throw ParseError("gzip: no gzip magic at the start");
  std::unique_ptr<archive, ArchiveFree> a(archive_read_new());
  if (!a) throw ParseError("gzip: out of memory");
  // Only the gzip filter and the raw "format": whatever the stream holds is
  // one file's bytes, never an archive to walk.
  archive_read_support_filter_gzip(a.get());
  archive_read_support_format_raw(a.get());
  // libarchive decompresses ahead when it opens the stream, so a stream cut
  // early fails here, before any byte is handed out.
  auto early = [&](const char* what) -> std::string {
    std::string msg = std::string("gzip: ") + what + ": " + ErrorOf(a.get());
    if (!damage) throw ParseError(msg);
    *damage = std::move(msg);
    return {};
  };
  if (archive_read_open_memory(a.get(), data.data(), data.size()) !=
      ARCHIVE_OK) {
    return early("the stream is damaged at its start");
  }
  archive_entry* entry = nullptr;
  const int r = archive_read_next_header(a.get(), &entry);
  if (r == ARCHIVE_EOF) return {};
  if (r < ARCHIVE_WARN) return early("the stream is damaged at its start");
  if (archive_filter_code(a.get(), 0) != ARCHIVE_FILTER_GZIP) {
    throw ParseError("gzip: not a gzip stream");
  }
  std::string out;
  char buf[64 * 1024];
  for (;;) {
    const la_ssize_t n = archive_read_data(a.get(), buf, sizeof buf);
    if (n == 0) break;
    if (n < 0) {
      std::string what = "gzip: the stream is damaged after " +
                         std::to_string(out.size()) +
                         " decompressed bytes: " + ErrorOf(a.get());
      if (!damage) throw ParseError(what);
      *damage = std::move(what);
      break;
    }
    if (static_cast<uint64_t>(n) > max_bytes - out.size()) {
      throw ParseError("gzip: decompresses past " + std::to_string(max_bytes) +
                       " bytes (a damaged or hostile file); not read");
    }
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

}  // namespace contraband
