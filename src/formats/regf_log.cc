#include "formats/regf_log.h"

#include <cstring>

#include "formats/byte_reader.h"
#include "formats/parse_error.h"
#include "formats/regf_hive.h"

namespace contraband {
namespace {

constexpr uint64_t kLogSeed = 0x82EF4D887A4E55C5ull;  // 14219357686671994754
constexpr size_t kSector = 512;
constexpr size_t kEntryHeader = 40;
constexpr uint32_t kLogFileTypeNew = 6;

// Callers have checked that four bytes are there.
uint32_t Le32At(std::string_view s, size_t at) {
  return static_cast<uint32_t>(static_cast<unsigned char>(s[at])) |
         (static_cast<uint32_t>(static_cast<unsigned char>(s[at + 1])) << 8) |
         (static_cast<uint32_t>(static_cast<unsigned char>(s[at + 2])) << 16) |
         (static_cast<uint32_t>(static_cast<unsigned char>(s[at + 3])) << 24);
}

uint32_t Rotl(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

void Mix(uint32_t& lo, uint32_t& hi) {
  hi ^= lo;
  lo = Rotl(lo, 20) + hi;
  hi = Rotl(hi, 9) ^ lo;
  lo = Rotl(lo, 27) + hi;
  hi = Rotl(hi, 19);
}

void PutLe32(std::string& s, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) s[at + i] = static_cast<char>(v >> (8 * i));
}

// One log: applies its entries in order while each is valid and next in
// sequence. `next` is the sequence number the following entry must carry
// (0: not known yet, any at or above `floor` may start).
void ReplayOne(std::string& hive, std::string_view log, size_t index,
               uint32_t floor, uint32_t& next, uint32_t& hbins_size,
               RegfReplay& out) {
  const std::string name = "LOG" + std::to_string(index + 1);
  RegfBaseBlock base;
  try {
    base = ParseRegfBaseBlock(log);
  } catch (const ParseError& e) {
    out.problems.push_back(name + ": " + e.what() + "; not replayed");
    return;
  }
  if (base.file_type != kLogFileTypeNew) {
    out.problems.push_back(
        name + ": an old-format transaction log (before Windows 8.1); "
               "not replayed");
    return;
  }
  size_t pos = kSector;
  while (log.size() - pos >= kEntryHeader && log.substr(pos, 4) == "HvLE") {
    ByteReader r(log);
    r.seek(pos + 4, "log entry");
    const uint32_t size = r.le<uint32_t>("log entry size");
    r.skip(4, "log entry flags");
    const uint32_t seq = r.le<uint32_t>("log entry sequence number");
    const uint32_t bins = r.le<uint32_t>("log entry hive bins size");
    const uint32_t pages = r.le<uint32_t>("log entry dirty page count");
    const uint64_t hash1 = r.le<uint64_t>("log entry hash-1");
    const uint64_t hash2 = r.le<uint64_t>("log entry hash-2");
    const std::string at = name + " entry at offset " + std::to_string(pos);
    if (size < kEntryHeader || size % kSector != 0 ||
        size > log.size() - pos) {
      out.problems.push_back(at + ": bad size " + std::to_string(size) +
                             "; the rest of " + name + " is not replayed");
      return;
    }
    const std::string_view entry = log.substr(pos, size);
    if (Marvin32(entry.substr(kEntryHeader), kLogSeed) != hash1 ||
        Marvin32(entry.substr(0, 32), kLogSeed) != hash2) {
      // The normal end of a log: stale entries follow the last written one.
      if (next != 0) return;
      out.problems.push_back(at + ": hash mismatch; the rest of " + name +
                             " is not replayed");
      return;
    }
    pos += size;
    if (seq < floor || (next == 0 ? false : seq < next)) continue;  // applied
    if (next != 0 && seq != next) return;  // a gap: older leftovers follow
    if (bins % 4096 != 0 || bins == 0 ||
        uint64_t{bins} + kRegfBaseBlockSize > kRegfMaxReplayedHive) {
      out.problems.push_back(at + ": hive bins size " + std::to_string(bins) +
                             " is not usable; replay stops");
      next = UINT32_MAX;
      return;
    }
    if (uint64_t{pages} * 8 > size - kEntryHeader) {
      out.problems.push_back(at + ": " + std::to_string(pages) +
                             " dirty pages do not fit the entry");
      next = UINT32_MAX;
      return;
    }
    // Check every page reference before changing a byte of the hive.
    const size_t refs = kEntryHeader;
    uint64_t data = refs + uint64_t{pages} * 8;
    bool ok = true;
    for (uint32_t i = 0; i < pages; ++i) {
      const uint32_t off = Le32At(entry, refs + i * 8);
      const uint32_t len = Le32At(entry, refs + i * 8 + 4);
      if (uint64_t{off} + len > bins || len > entry.size() - data) {
        ok = false;
        break;
      }
      data += len;
    }
    if (!ok) {
      out.problems.push_back(at + ": a dirty page lies outside the hive "
                                  "bins or the entry; replay stops");
      next = UINT32_MAX;
      return;
    }
    if (hive.size() < kRegfBaseBlockSize + bins) {
      hive.resize(kRegfBaseBlockSize + bins, '\0');
    }
    data = refs + uint64_t{pages} * 8;
    for (uint32_t i = 0; i < pages; ++i) {
      const uint32_t off = Le32At(entry, refs + i * 8);
      const uint32_t len = Le32At(entry, refs + i * 8 + 4);
      std::memcpy(&hive[kRegfBaseBlockSize + off], entry.data() + data, len);
      data += len;
    }
    hbins_size = bins;
    if (out.entries_applied == 0) out.first_sequence = seq;
    out.last_sequence = seq;
    ++out.entries_applied;
    next = seq + 1;
  }
}

}  // namespace

uint64_t Marvin32(std::string_view data, uint64_t seed) {
  uint32_t lo = static_cast<uint32_t>(seed);
  uint32_t hi = static_cast<uint32_t>(seed >> 32);
  size_t i = 0;
  for (; data.size() - i >= 4; i += 4) {
    lo += Le32At(data, i);
    Mix(lo, hi);
  }
  uint32_t last = 0x80;
  const size_t tail = data.size() - i;
  for (size_t k = tail; k-- > 0;) {
    last = (last << 8) | static_cast<unsigned char>(data[i + k]);
  }
  lo += last;
  Mix(lo, hi);
  Mix(lo, hi);
  return (uint64_t{hi} << 32) | lo;
}

RegfReplay ReplayRegfLogs(std::string& hive,
                          const std::vector<std::string_view>& logs) {
  const RegfBaseBlock base = ParseRegfBaseBlock(hive);
  RegfReplay out;
  uint32_t next = 0;
  uint32_t hbins_size = base.hbins_size;
  for (size_t i = 0; i < logs.size() && next != UINT32_MAX; ++i) {
    ReplayOne(hive, logs[i], i, base.primary_sequence, next, hbins_size, out);
  }
  if (out.entries_applied > 0) {
    // The patched copy describes itself as a clean hive of its new size.
    PutLe32(hive, 4, out.last_sequence);
    PutLe32(hive, 8, out.last_sequence);
    PutLe32(hive, 40, hbins_size);
    uint32_t sum = 0;
    for (size_t i = 0; i < 508; i += 4) sum ^= Le32At(hive, i);
    if (sum == 0xFFFFFFFFu) sum = 0xFFFFFFFEu;
    if (sum == 0) sum = 1;
    PutLe32(hive, 508, sum);
  }
  return out;
}

}  // namespace contraband
