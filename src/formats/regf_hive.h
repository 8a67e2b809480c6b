// Windows registry hive files (regf: SOFTWARE, NTUSER.DAT, ...), read from
// bytes already in memory: the base block, then key nodes (nk), their subkey
// lists (lf, lh, li, ri), value lists and values (vk, with big data db).
// Our own bounded reader rather than libregf or hivex: hivex opens only by
// file name, and libregf would need the hive behind a libbfio handle after
// our log replay has patched it; reading the few cell kinds we need here
// keeps every offset, count and size checked in one place (formats/
// byte_reader.h) and makes a damaged key a local error, not the hive's end.
// Layout: "Windows registry file format specification" (M. Suhanov) and
// libregf's format documentation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace contraband {

/// The base block fields a reader and log replay need.
struct RegfBaseBlock {
  uint32_t primary_sequence = 0;
  uint32_t secondary_sequence = 0;
  uint32_t major = 0, minor = 0;
  uint32_t file_type = 0;  ///< 0 primary file, 1 old-format log, 6 new-format log
  uint32_t root_cell = 0;  ///< offset from the start of the hive bins data
  uint32_t hbins_size = 0;  ///< hive bins data size
  bool checksum_ok = false;

  /// Windows' own test: a hive whose last write did not complete.
  bool dirty() const {
    return primary_sequence != secondary_sequence || !checksum_ok;
  }
};

inline constexpr uint64_t kRegfBaseBlockSize = 4096;

/// The base block at the start of `bytes` (a hive or a transaction log).
/// Throws ParseError when it is not a regf base block.
RegfBaseBlock ParseRegfBaseBlock(std::string_view bytes);

/// One value of a key. `data` is the raw bytes (big data joined).
struct RegfValue {
  std::string name;  ///< UTF-8; empty for the key's default value
  uint32_t type = 0;
  std::string data;
};

inline constexpr uint32_t kRegSz = 1, kRegExpandSz = 2, kRegBinary = 3,
                          kRegDword = 4, kRegMultiSz = 7, kRegQword = 11;

/// A hive opened over `bytes`, which must outlive it. Key handles are cell
/// offsets. Every accessor checks the cells it reads and throws ParseError
/// for a damaged one, so a caller can skip that key and go on.
class RegfHive {
 public:
  /// Most subkeys or values read from one key, most value bytes, most
  /// indirection levels of ri lists.
  static constexpr size_t kMaxSubkeys = 1u << 20;
  static constexpr size_t kMaxValues = 1u << 16;
  static constexpr size_t kMaxValueBytes = 4u << 20;

  /// Throws ParseError when `bytes` is not a hive or holds no hive bins.
  explicit RegfHive(std::string_view bytes);

  const RegfBaseBlock& base() const { return base_; }
  /// Whole-hive damage found on opening (truncated hive bins data).
  const std::vector<std::string>& problems() const { return problems_; }

  uint32_t root() const { return base_.root_cell; }
  /// The key's own name (UTF-8).
  std::string Name(uint32_t key) const;
  /// The subkey called `name` (ASCII case-insensitive, as Windows compares
  /// the names we ask for), or nullopt.
  std::optional<uint32_t> Subkey(uint32_t key, std::string_view name) const;
  /// The key at backslash-separated `path` below `key`, or nullopt; with
  /// `spelled`, also the path as the hive spells its names.
  std::optional<uint32_t> Find(uint32_t key, std::string_view path,
                               std::string* spelled = nullptr) const;
  /// Every subkey with its name, in the hive's order (at most kMaxSubkeys).
  std::vector<std::pair<std::string, uint32_t>> Subkeys(uint32_t key) const;
  /// Every value (at most kMaxValues).
  std::vector<RegfValue> Values(uint32_t key) const;

  /// Whether this hive has used up its reading budget: cells can be shared
  /// by many lists (a damaged or hostile hive), so the cells read and the
  /// value bytes copied are bounded by a multiple of the hive's size; past
  /// it every accessor throws.
  bool exhausted() const { return cells_left_ == 0 || data_left_ == 0; }

 private:
  struct KeyNode;
  std::string_view Cell(uint32_t offset, const char* what) const;
  KeyNode ReadKey(uint32_t offset) const;
  void CollectSubkeys(uint32_t list, int depth,
                      std::vector<uint32_t>& out) const;
  std::string ValueData(std::string_view vk) const;

  std::string_view bytes_;
  std::string_view bins_;  ///< hive bins data actually present
  RegfBaseBlock base_;
  std::vector<std::string> problems_;
  mutable uint64_t cells_left_ = 0;
  mutable uint64_t data_left_ = 0;
};

/// UTF-16LE bytes as UTF-8, up to the first NUL (REG_SZ data).
std::string RegfUtf16ToUtf8(std::string_view utf16);

/// A value's data as text: REG_SZ / REG_EXPAND_SZ decoded, REG_DWORD and
/// REG_QWORD in decimal; empty for other types.
std::string RegfValueText(const RegfValue& value);

}  // namespace contraband
