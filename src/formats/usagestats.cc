#include "formats/usagestats.h"

#include <charconv>

#include "formats/android_xml.h"
#include "formats/parse_error.h"

namespace contraband {
namespace {

// Protobuf's wire format, as far as these files use it: varints, 64- and
// 32-bit fixed values and length-delimited fields (no groups). Every read is
// checked against the bytes left; nothing recurses, so nesting is bounded by
// the callers (two levels).
struct ProtoField {
  uint64_t number = 0;
  int wire = 0;         ///< 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32
  uint64_t varint = 0;  ///< wire 0
  std::string_view bytes;  ///< wire 2
};

class ProtoReader {
 public:
  ProtoReader(std::string_view data, const char* what)
      : data_(data), what_(what) {}

  /// The next field; false at the end of the message.
  bool Next(ProtoField& f) {
    if (pos_ == data_.size()) return false;
    const uint64_t tag = Varint();
    f.number = tag >> 3;
    f.wire = static_cast<int>(tag & 7);
    if (f.number == 0 || f.number > 0x1fffffff)
      Fail("field number out of range");
    switch (f.wire) {
      case 0:
        f.varint = Varint();
        break;
      case 1:
        Skip(8);
        break;
      case 5:
        Skip(4);
        break;
      case 2: {
        const uint64_t n = Varint();
        if (n > data_.size() - pos_) Fail("length runs past the end");
        f.bytes = data_.substr(pos_, static_cast<size_t>(n));
        pos_ += static_cast<size_t>(n);
        break;
      }
      default:
        Fail("wire type " + std::to_string(f.wire) +
             " (groups) is not used by usage stats");
    }
    return true;
  }

 private:
  uint64_t Varint() {
    uint64_t v = 0;
    for (int i = 0; i < 10; ++i) {
      if (pos_ == data_.size()) Fail("varint runs past the end");
      const auto b = static_cast<unsigned char>(data_[pos_++]);
      if (i == 9 && b > 1) Fail("varint longer than 64 bits");
      v |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) return v;
    }
    Fail("varint longer than 10 bytes");
  }
  void Skip(size_t n) {
    if (n > data_.size() - pos_) Fail("fixed value runs past the end");
    pos_ += n;
  }
  [[noreturn]] void Fail(const std::string& why) const {
    throw ParseError(std::string(what_) + ": " + why + " at offset " +
                     std::to_string(pos_) + " of " +
                     std::to_string(data_.size()) + " bytes");
  }

  std::string_view data_;
  const char* what_;
  size_t pos_ = 0;
};

// Android package names: letters, digits, '_' and '.' (the shared-uid names
// "android.uid.system:1000" add ':'); anything else is not one.
bool PlausiblePackage(std::string_view name) {
  if (name.empty() || name.size() > 255) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                    c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// begin + offset, or nullopt when it overflows or is not after 1970.
std::optional<int64_t> Absolute(int64_t begin_ms, int64_t offset_ms) {
  int64_t at = 0;
  if (__builtin_add_overflow(begin_ms, offset_ms, &at) || at <= 0) {
    return std::nullopt;
  }
  return at;
}

std::optional<int64_t> ParseInt64(std::string_view text) {
  int64_t v = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return v;
}

bool LooksLikeXml(std::string_view bytes) {
  if (IsAndroidBinaryXml(bytes)) return true;
  size_t i = 0;
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
  while (i < bytes.size() && (bytes[i] == ' ' || bytes[i] == '\t' ||
                              bytes[i] == '\r' || bytes[i] == '\n')) {
    ++i;
  }
  return i < bytes.size() && bytes[i] == '<';
}

void CheckSize(std::string_view bytes, const char* what) {
  if (bytes.size() > kMaxUsageStatsBytes) {
    throw ParseError(std::string(what) + ": " + std::to_string(bytes.size()) +
                     " bytes, more than the " +
                     std::to_string(kMaxUsageStatsBytes) + " read");
  }
}

[[noreturn]] void TooMany(const char* what) {
  throw ParseError(std::string(what) + ": more than " +
                   std::to_string(kMaxUsageStatsPackages) + " packages");
}

UsageStatsFile ReadXml(std::string_view bytes, int64_t begin_ms) {
  const AndroidXmlDocument doc = ParseAndroidXml(bytes);
  if (doc.root.name != "usagestats") {
    throw ParseError("usagestats: the root element is <" + doc.root.name +
                     ">, not <usagestats>");
  }
  UsageStatsFile out;
  out.encoding = UsageStatsFile::Encoding::kXml;
  size_t bad = 0;
  for (const AndroidXmlElement& list : doc.root.children) {
    if (list.name != "packages") continue;
    for (const AndroidXmlElement& p : list.children) {
      if (p.name != "package") continue;
      const std::string_view name = p.AttributeOr("package");
      const std::string* active = p.Attribute("lastTimeActive");
      if (!PlausiblePackage(name)) {
        ++bad;
        continue;
      }
      if (!active) continue;  // never in the foreground in this interval
      const std::optional<int64_t> offset = ParseInt64(*active);
      if (!offset) {
        ++bad;
        continue;
      }
      const std::optional<int64_t> at = Absolute(begin_ms, *offset);
      if (!at) continue;
      if (out.entries.size() == kMaxUsageStatsPackages) TooMany("usagestats");
      out.entries.push_back({std::string(name), 0, *at});
    }
  }
  if (bad > 0) {
    out.problems.push_back(std::to_string(bad) +
                           " <package> entries without a valid package name "
                           "or lastTimeActive; skipped");
  }
  return out;
}

UsageStatsFile ReadProto(std::string_view bytes, int64_t begin_ms) {
  UsageStatsFile out;
  out.encoding = UsageStatsFile::Encoding::kProto;
  std::vector<std::string_view> pool;  // IntervalStatsProto.string_pool
  struct Pending {
    std::string_view name;
    uint64_t pool_index = 0;  // 1-based; 0: none
    int64_t token = 0;
    std::optional<int64_t> offset;
  };
  std::vector<Pending> pending;
  ProtoReader top(bytes, "usagestats protobuf");
  ProtoField f;
  while (top.Next(f)) {
    if (f.number == 2 && f.wire == 0) {
      // IntervalStatsObfuscatedProto.major_version (IntervalStatsProto has
      // its string pool there).
      out.encoding = UsageStatsFile::Encoding::kObfuscatedProto;
    } else if (f.number == 2 && f.wire == 2) {
      ProtoReader sp(f.bytes, "usagestats string pool");
      ProtoField s;
      while (sp.Next(s)) {
        if (s.number != 2 || s.wire != 2) continue;
        if (pool.size() == kMaxUsageStatsStrings) {
          throw ParseError("usagestats string pool: more than " +
                           std::to_string(kMaxUsageStatsStrings) + " strings");
        }
        pool.push_back(s.bytes);
      }
    } else if (f.number == 20 && f.wire == 2) {
      if (pending.size() == kMaxUsageStatsPackages)
        TooMany("usagestats protobuf");
      Pending p;
      ProtoReader pr(f.bytes, "usagestats package");
      ProtoField g;
      while (pr.Next(g)) {
        if (g.number == 1 && g.wire == 2) {
          p.name = g.bytes;
        } else if (g.number == 1 && g.wire == 0) {
          p.token = static_cast<int64_t>(g.varint);
          out.encoding = UsageStatsFile::Encoding::kObfuscatedProto;
        } else if (g.number == 2 && g.wire == 0) {
          p.pool_index = g.varint;
        } else if (g.number == 3 && g.wire == 0) {
          p.offset = static_cast<int64_t>(g.varint);  // int64: two's complement
        }
      }
      pending.push_back(p);
    }
  }
  size_t bad = 0;
  for (const Pending& p : pending) {
    if (!p.offset) continue;  // never in the foreground in this interval
    const std::optional<int64_t> at = Absolute(begin_ms, *p.offset);
    if (!at) continue;
    UsageStatsEntry e;
    e.last_used_ms = *at;
    if (p.token > 0) {
      e.token = p.token;
    } else {
      std::string_view name = p.name;
      if (p.pool_index > 0) {
        if (p.pool_index > pool.size()) {
          ++bad;
          continue;
        }
        name = pool[static_cast<size_t>(p.pool_index - 1)];
      }
      if (!PlausiblePackage(name)) {
        ++bad;
        continue;
      }
      e.package = std::string(name);
    }
    out.entries.push_back(std::move(e));
  }
  if (bad > 0) {
    out.problems.push_back(std::to_string(bad) +
                           " package entries without a valid package name, "
                           "string-pool index or token; skipped");
  }
  return out;
}

}  // namespace

std::optional<int64_t> UsageStatsBeginTime(std::string_view file_name) {
  if (file_name.size() > 2 && file_name.substr(file_name.size() - 2) == "-c") {
    file_name.remove_suffix(2);
  }
  if (file_name.empty() || file_name.size() > 18) return std::nullopt;
  for (char c : file_name) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  return ParseInt64(file_name);
}

UsageStatsFile ReadUsageStats(std::string_view bytes, int64_t begin_ms) {
  CheckSize(bytes, "usagestats");
  return LooksLikeXml(bytes) ? ReadXml(bytes, begin_ms)
                             : ReadProto(bytes, begin_ms);
}

std::map<int64_t, std::string> ReadUsageStatsMappings(std::string_view bytes) {
  CheckSize(bytes, "usagestats mappings");
  std::map<int64_t, std::string> out;
  ProtoReader top(bytes, "usagestats mappings");
  ProtoField f;
  size_t entries = 0;
  while (top.Next(f)) {
    if (f.number != 2 || f.wire != 2)
      continue;  // ObfuscatedPackagesProto.packages_map
    if (++entries > kMaxUsageStatsPackages) TooMany("usagestats mappings");
    int64_t token = 0;
    std::optional<std::string_view> name;
    size_t strings = 0;
    ProtoReader pr(f.bytes, "usagestats mappings entry");
    ProtoField g;
    while (pr.Next(g)) {
      if (g.number == 1 && g.wire == 0) {
        token = static_cast<int64_t>(g.varint);
      } else if (g.number == 2 && g.wire == 2) {
        if (++strings > kMaxUsageStatsStrings) {
          throw ParseError("usagestats mappings entry: more than " +
                           std::to_string(kMaxUsageStatsStrings) + " strings");
        }
        // The first string is the package's name; the rest are its class
        // names, channel ids and so on, tokenised per package.
        if (!name) name = g.bytes;
      }
    }
    if (token > 0 && name && PlausiblePackage(*name)) {
      out[token] = std::string(*name);
    }
  }
  return out;
}

}  // namespace contraband
