#include "formats/code_requirement.h"

#include "formats/byte_reader.h"
#include "formats/parse_error.h"

namespace contraband {
namespace {

constexpr uint32_t kRequirementMagic = 0xfade0c00;
constexpr uint32_t kExpressionForm = 1;

// Opcodes (Security framework's requirement.h), low 24 bits.
enum Op : uint32_t {
  kFalse = 0, kTrue = 1, kIdent = 2, kAppleAnchor = 3, kAnchorHash = 4,
  kInfoKeyValue = 5, kAnd = 6, kOr = 7, kCdHash = 8, kNot = 9,
  kInfoKeyField = 10, kCertField = 11, kTrustedCert = 12, kTrustedCerts = 13,
  kCertGeneric = 14, kAppleGenericAnchor = 15, kEntitlementField = 16,
  kCertPolicy = 17, kNamedAnchor = 18, kNamedCode = 19, kPlatform = 20,
  kNotarized = 21, kCertFieldDate = 22, kLegacyDevId = 23,
};
// High bits: an opcode this reader does not know may be skipped when it
// says how long it is (kGenericSkip: a 32-bit length follows).
constexpr uint32_t kFlagMask = 0xff000000;
constexpr uint32_t kGenericSkip = 0x40000000;

// Match operators: which take a data operand, which a 64-bit time.
enum Match : uint32_t {
  kExists = 0, kEqual = 1, kContains = 2, kBeginsWith = 3, kEndsWith = 4,
  kLessThan = 5, kGreaterThan = 6, kLessEqual = 7, kGreaterEqual = 8,
  kOn = 9, kBefore = 10, kAfter = 11, kOnOrBefore = 12, kOnOrAfter = 13,
  kAbsent = 14,
};

class Reader {
 public:
  explicit Reader(std::string_view expr) : in_(expr) {}

  void Expression(int depth) {
    if (depth > kCodeRequirementMaxDepth) {
      throw ParseError("code requirement nests deeper than " +
                       std::to_string(kCodeRequirementMaxDepth));
    }
    if (++ops_ > kCodeRequirementMaxOps) {
      throw ParseError("code requirement has over " +
                       std::to_string(kCodeRequirementMaxOps) + " operations");
    }
    const uint32_t word = in_.be<uint32_t>("opcode");
    const uint32_t op = word & ~kFlagMask;
    switch (op) {
      case kFalse: case kTrue: case kTrustedCerts: case kNotarized:
      case kLegacyDevId:
        return;
      case kAppleAnchor: case kAppleGenericAnchor:
        out_.apple_anchor = true;
        return;
      case kIdent:
        out_.identifier = std::string(Data());
        return;
      case kAnchorHash:
        Slot();
        Data();
        return;
      case kInfoKeyValue:
        Data();
        Data();
        return;
      case kAnd: case kOr:
        Expression(depth + 1);
        Expression(depth + 1);
        return;
      case kNot:
        Expression(depth + 1);
        return;
      case kCdHash: case kNamedAnchor: case kNamedCode:
        Data();
        return;
      case kInfoKeyField: case kEntitlementField:
        Data();
        MatchOperand();
        return;
      case kCertField: {
        const int32_t slot = Slot();
        const std::string_view field = Data();
        const auto [match, value] = MatchOperand();
        if (slot == 0 && field == "subject.OU" && match == kEqual) {
          leaf_ou_ = std::string(value);
        }
        return;
      }
      case kTrustedCert:
        Slot();
        return;
      case kCertGeneric: case kCertPolicy: case kCertFieldDate:
        Slot();
        Data();
        MatchOperand();
        return;
      case kPlatform:
        in_.be<uint32_t>("platform");
        return;
      default:
        if (word & kGenericSkip) {
          in_.skip(in_.be<uint32_t>("operation length"), "operation");
          return;
        }
        throw ParseError("code requirement: unknown operation " +
                         std::to_string(op));
    }
  }

  CodeRequirement Result() {
    if (out_.apple_anchor) out_.team_id = leaf_ou_;
    return out_;
  }

 private:
  std::string_view Data() {
    const uint32_t n = in_.be<uint32_t>("data length");
    const std::string_view bytes = in_.bytes(n, "data");
    in_.skip((4 - n % 4) % 4, "data padding");
    return bytes;
  }
  int32_t Slot() { return static_cast<int32_t>(in_.be<uint32_t>("slot")); }
  std::pair<uint32_t, std::string_view> MatchOperand() {
    const uint32_t match = in_.be<uint32_t>("match");
    switch (match) {
      case kExists: case kAbsent:
        return {match, {}};
      case kOn: case kBefore: case kAfter: case kOnOrBefore: case kOnOrAfter:
        in_.skip(8, "match time");
        return {match, {}};
      case kEqual: case kContains: case kBeginsWith: case kEndsWith:
      case kLessThan: case kGreaterThan: case kLessEqual: case kGreaterEqual:
        return {match, Data()};
      default:
        throw ParseError("code requirement: unknown match " +
                         std::to_string(match));
    }
  }

  ByteReader in_;
  CodeRequirement out_;
  std::string leaf_ou_;
  size_t ops_ = 0;
};

}  // namespace

CodeRequirement ParseCodeRequirement(std::string_view blob) {
  if (blob.size() > kCodeRequirementMaxBytes) {
    throw ParseError("code requirement of " + std::to_string(blob.size()) +
                     " bytes, over the limit");
  }
  ByteReader header(blob);
  if (header.be<uint32_t>("requirement magic") != kRequirementMagic) {
    throw ParseError("not a code requirement (magic is not 0xfade0c00)");
  }
  const uint32_t length = header.be<uint32_t>("requirement length");
  if (length < 12 || length > blob.size()) {
    throw ParseError("code requirement length " + std::to_string(length) +
                     " does not fit its " + std::to_string(blob.size()) +
                     " bytes");
  }
  if (header.be<uint32_t>("requirement kind") != kExpressionForm) {
    throw ParseError("code requirement is not in expression form");
  }
  Reader reader(blob.substr(12, length - 12));
  reader.Expression(0);
  return reader.Result();
}

}  // namespace contraband
