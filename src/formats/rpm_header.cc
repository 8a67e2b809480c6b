#include "formats/rpm_header.h"

#include <string>
#include <utility>

#include "formats/byte_reader.h"
#include "formats/parse_error.h"

namespace contraband {
namespace {

// Tag numbers and types from rpm's rpmtag.h.
enum Tag : uint32_t {
  kTagName = 1000,
  kTagVersion = 1001,
  kTagRelease = 1002,
  kTagEpoch = 1003,
  kTagInstallTime = 1008,
  kTagVendor = 1011,
  kTagPackager = 1015,
  kTagArch = 1022,
};

enum Type : uint32_t {
  kTypeInt32 = 4,
  kTypeInt64 = 5,
  kTypeString = 6,
  kTypeStringArray = 8,
  kTypeI18nString = 9,
  kTypeMax = 9,
};

constexpr std::string_view kHeaderMagic("\x8e\xad\xe8\x01\0\0\0\0", 8);

struct Entry {
  uint32_t tag;
  uint32_t type;
  uint32_t offset;
  uint32_t count;
};

std::string TagLabel(uint32_t tag) {
  static constexpr std::pair<uint32_t, const char*> kNames[] = {
      {kTagName, "NAME"},
      {kTagVersion, "VERSION"},
      {kTagRelease, "RELEASE"},
      {kTagEpoch, "EPOCH"},
      {kTagInstallTime, "INSTALLTIME"},
      {kTagVendor, "VENDOR"},
      {kTagPackager, "PACKAGER"},
      {kTagArch, "ARCH"}};
  std::string name;
  for (const auto& [number, label] : kNames) {
    if (number == tag) name = std::string(label) + " ";
  }
  return name + "(" + std::to_string(tag) + ")";
}

// The first string of a STRING, STRING_ARRAY or I18NSTRING entry: rpm shows
// the first (untranslated) string when a tag holds several.
std::string ReadString(std::string_view store, const Entry& e) {
  if (e.type != kTypeString && e.type != kTypeStringArray &&
      e.type != kTypeI18nString) {
    throw ParseError("tag " + TagLabel(e.tag) + " has type " +
                     std::to_string(e.type) + " where a string is expected");
  }
  if (e.count == 0) {
    throw ParseError("tag " + TagLabel(e.tag) + " has a count of 0");
  }
  std::string_view rest = ByteReader::Slice(
      store, e.offset, store.size() - e.offset, "rpm header string");
  size_t nul = rest.find('\0');
  if (nul == std::string_view::npos) {
    throw ParseError("tag " + TagLabel(e.tag) + ": string at data offset " +
                     std::to_string(e.offset) +
                     " runs past the end of the data store");
  }
  return std::string(rest.substr(0, nul));
}

uint64_t ReadNumber(std::string_view store, const Entry& e) {
  if (e.count == 0) {
    throw ParseError("tag " + TagLabel(e.tag) + " has a count of 0");
  }
  ByteReader r(store);
  r.seek(e.offset, "rpm header number");
  if (e.type == kTypeInt32) return r.be<uint32_t>("rpm header INT32 value");
  if (e.type == kTypeInt64) return r.be<uint64_t>("rpm header INT64 value");
  throw ParseError("tag " + TagLabel(e.tag) + " has type " +
                   std::to_string(e.type) + " where a number is expected");
}

}  // namespace

std::string RpmHeader::Evr() const {
  std::string out;
  if (epoch) out = std::to_string(*epoch) + ":";
  out += version;
  if (!release.empty()) out += "-" + release;
  return out;
}

RpmHeader ParseRpmHeader(std::string_view image) {
  if (image.substr(0, kHeaderMagic.size()) == kHeaderMagic) {
    image.remove_prefix(kHeaderMagic.size());
  }
  ByteReader r(image);
  const uint32_t il = r.be<uint32_t>("rpm header index count");
  const uint32_t dl = r.be<uint32_t>("rpm header data length");
  if (il == 0) throw ParseError("rpm header has no index entries");
  if (il > kRpmHeaderMaxEntries) {
    throw ParseError("rpm header declares " + std::to_string(il) +
                     " index entries, over the limit of " +
                     std::to_string(kRpmHeaderMaxEntries));
  }
  if (dl > kRpmHeaderMaxDataBytes) {
    throw ParseError("rpm header declares " + std::to_string(dl) +
                     " data bytes, over the limit of " +
                     std::to_string(kRpmHeaderMaxDataBytes));
  }
  const uint64_t need = 8 + uint64_t{il} * 16 + dl;
  if (need > image.size()) {
    throw ParseError(
        "rpm header declares " + std::to_string(il) + " index entries and " +
        std::to_string(dl) + " data bytes (" + std::to_string(need) +
        " bytes) but the record holds only " + std::to_string(image.size()));
  }
  const std::string_view store =
      ByteReader::Slice(image, 8 + uint64_t{il} * 16, dl, "rpm data store");

  RpmHeader h;
  bool have_name = false;
  for (uint32_t i = 0; i < il; ++i) {
    Entry e;
    e.tag = r.be<uint32_t>("rpm header index entry");
    e.type = r.be<uint32_t>("rpm header index entry");
    e.offset = r.be<uint32_t>("rpm header index entry");
    e.count = r.be<uint32_t>("rpm header index entry");
    // rpm rejects a header with any entry of unknown type or pointing outside
    // the data store, so such a header is not a package rpm would list.
    if (e.type > kTypeMax) {
      throw ParseError("rpm header index entry " + std::to_string(i) +
                       " (tag " + std::to_string(e.tag) +
                       ") has unknown type " + std::to_string(e.type));
    }
    if (e.offset > dl) {
      throw ParseError("rpm header index entry " + std::to_string(i) +
                       " (tag " + std::to_string(e.tag) +
                       ") points to offset " + std::to_string(e.offset) +
                       " past the " + std::to_string(dl) + "-byte data store");
    }
    switch (e.tag) {
      case kTagName:
        h.name = ReadString(store, e);
        have_name = true;
        break;
      case kTagVersion:
        h.version = ReadString(store, e);
        break;
      case kTagRelease:
        h.release = ReadString(store, e);
        break;
      case kTagArch:
        h.arch = ReadString(store, e);
        break;
      case kTagVendor:
        h.vendor = ReadString(store, e);
        break;
      case kTagPackager:
        h.packager = ReadString(store, e);
        break;
      case kTagEpoch:
        h.epoch = static_cast<uint32_t>(ReadNumber(store, e));
        break;
      case kTagInstallTime:
        h.install_time = static_cast<int64_t>(ReadNumber(store, e));
        break;
      default:
        break;
    }
  }
  if (!have_name || h.name.empty()) {
    throw ParseError("rpm header has no package NAME");
  }
  return h;
}

}  // namespace contraband
