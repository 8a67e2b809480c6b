// gzip streams (logrotate's rotated logs: dpkg.log.2.gz, history.log.1.gz),
// decompressed in memory through libarchive with a hard bound on the output:
// a few kilobytes of gzip can claim gigabytes (a zip bomb).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace contraband {

/// The default bound on what one gzip file may decompress to.
inline constexpr uint64_t kMaxGunzipBytes = 256ull << 20;

/// Whether `data` starts with the gzip magic (1f 8b).
bool LooksGzip(std::string_view data);

/// The decompressed bytes of gzip stream `data` (concatenated members too).
/// Throws ParseError when `data` is not gzip, or when the output would pass
/// `max_bytes` ("decompresses past N bytes"). A damaged or cut stream
/// throws too unless `damage` is given: then the bytes decompressed before
/// the damage are returned and *damage says what was wrong (empty when the
/// stream was whole).
std::string Gunzip(std::string_view data, uint64_t max_bytes = kMaxGunzipBytes,
                   std::string* damage = nullptr);

}  // namespace contraband
