// The rpm header image, as rpm stores one per installed package in its
// database (Berkeley DB `Packages`, ndb `Packages.db`, `rpmdb.sqlite`):
//
//   be32 il, be32 dl, il × {be32 tag, be32 type, be32 offset, be32 count},
//   dl bytes of data store.
//
// Only the tags an inventory needs are decoded. This is not a .rpm file: a
// package file's lead and signature header come before such an image.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace contraband {

/// Bounds on one header image; rpm itself refuses more than 65535 tags and
/// 256 MiB of data, so anything larger is damage, not a package.
inline constexpr uint32_t kRpmHeaderMaxEntries = 100000;
inline constexpr uint32_t kRpmHeaderMaxDataBytes = 256u << 20;

struct RpmHeader {
  std::string name;               ///< NAME (1000); never empty
  std::optional<uint32_t> epoch;  ///< EPOCH (1003), absent on most packages
  std::string version;            ///< VERSION (1001)
  std::string release;            ///< RELEASE (1002)
  std::string arch;               ///< ARCH (1022); empty for gpg-pubkey
  std::string vendor;             ///< VENDOR (1011)
  std::string packager;           ///< PACKAGER (1015)
  std::optional<int64_t> install_time;  ///< INSTALLTIME (1008), Unix seconds

  /// `[epoch:]version-release`, as `rpm -q --qf
  /// '%{EPOCH}:%{VERSION}-%{RELEASE}'` shows it, except that an absent epoch
  /// gives no prefix at all where rpm prints "(none):". A present epoch is
  /// always shown, 0 included ("0:1.2-3"), as rpm does. "-release" is left out
  /// when the header has no RELEASE.
  std::string Evr() const;
};

/// Decodes one header image. An optional 8-byte header magic
/// (8e ad e8 01 00 00 00 00, as `rpmdb --exportdb` writes) is skipped.
/// Throws ParseError when the image is truncated, declares more than the
/// bounds above, has an index entry outside its data store, stores a wanted
/// tag with the wrong type or an unterminated string, or has no NAME.
/// Where a tag appears twice the later entry wins, as rpm lets entries
/// appended after the signed region replace the region's copy.
RpmHeader ParseRpmHeader(std::string_view image);

/// One value of an rpm database: the header image of one installed package
/// and the database's own number for it (Berkeley DB key, ndb package index,
/// sqlite hnum), used to name the record in warnings.
struct RpmDbRecord {
  uint64_t number = 0;
  std::string image;
};

/// What a database reader found: the records it could read, and one message
/// for each part it could not (a damaged page, record or slot) that it
/// skipped. The whole file is rejected with ParseError instead only when it
/// is not that kind of database at all.
struct RpmDbContents {
  std::vector<RpmDbRecord> records;
  std::vector<std::string> problems;  ///< at most kMaxProblems
  size_t unlisted_problems = 0;       ///< problems past kMaxProblems

  /// A garbage file could otherwise yield one message per slot or page.
  static constexpr size_t kMaxProblems = 100;

  /// Records a problem; `make` builds its message only when it is kept.
  template <typename MakeMessage>
  void Problem(MakeMessage make) {
    if (problems.size() < kMaxProblems) {
      problems.push_back(make());
    } else {
      ++unlisted_problems;
    }
  }
};

}  // namespace contraband
