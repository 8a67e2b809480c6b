// Compiled code requirements: the designated requirements real codesign put
// in Google Santa's signed test binaries (corpus), and Developer ID ones
// encoded here the same way (what TCC.db keeps in csreq for a Mac app).
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>

#include "formats/code_requirement.h"
#include "formats/parse_error.h"
#include "support/test_support.h"

using namespace contraband;
using namespace contraband::testing;

namespace {

// The first Requirement blob (magic 0xfade0c00) in a signed Mach-O: its
// designated requirement, as codesign compiled it.
std::string FirstRequirement(const std::string& file) {
  const std::string bytes = ReadHostFile(file);
  const size_t at = bytes.find(std::string("\xfa\xde\x0c\x00", 4));
  REQUIRE(at != std::string::npos);
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data() + at);
  const uint32_t length = uint32_t(p[4]) << 24 | uint32_t(p[5]) << 16 |
                          uint32_t(p[6]) << 8 | p[7];
  return bytes.substr(at, length);
}

// A small encoder of the same form, for requirements no Debian tool makes.
struct Encoder {
  std::string expr;
  Encoder& Word(uint32_t w) {
    for (int shift = 24; shift >= 0; shift -= 8) expr += char(w >> shift);
    return *this;
  }
  Encoder& Data(const std::string& d) {
    Word(uint32_t(d.size()));
    expr += d;
    expr.append((4 - d.size() % 4) % 4, '\0');
    return *this;
  }
  std::string Blob() const {
    Encoder whole;
    whole.Word(0xfade0c00).Word(uint32_t(12 + expr.size())).Word(1);
    return whole.expr + expr;
  }
};

// identifier ID and anchor apple generic and certificate 1[field.1.2.840.
// 113635.100.6.2.6] exists and certificate leaf[field.1.2.840.113635.100.
// 6.1.13] exists and certificate leaf[subject.OU] = TEAM: a Developer ID
// app's designated requirement.
std::string DeveloperId(const std::string& id, const std::string& team,
                        bool apple_anchor = true) {
  Encoder e;
  e.Word(6).Word(2).Data(id);
  e.Word(6);
  if (apple_anchor) {
    e.Word(15);
  } else {
    e.Word(4).Word(0xffffffff).Data(std::string(20, '\x11'));  // anchor H"..."
  }
  e.Word(6).Word(14).Word(1).Data("\x2a\x86\x48\x86\xf7\x63\x64\x06\x02\x06")
      .Word(0);
  e.Word(6).Word(14).Word(0).Data("\x2a\x86\x48\x86\xf7\x63\x64\x06\x01\x0d")
      .Word(0);
  e.Word(11).Word(0).Data("subject.OU").Word(1).Data(team);
  return e.Blob();
}

}  // namespace

TEST_CASE("code requirement: the designated requirements codesign wrote",
          "[macos][code-requirement]") {
  const auto dev = CorpusPath("macos/santa_binaryrules/banned_teamid");
  const auto self = CorpusPath("macos/santa_binaryrules/goodcert");
  SKIP_UNLESS_CORPUS(dev, self);
  // identifier "banned_teamid" and anchor apple generic and certificate
  // leaf[subject.CN] = "Apple Development: ..." and certificate
  // 1[field.1.2.840.113635.100.6.2.1] exists: a development certificate's
  // requirement names its CN, not the Team ID.
  const CodeRequirement a = ParseCodeRequirement(FirstRequirement(*dev));
  CHECK(a.identifier == "banned_teamid");
  CHECK(a.apple_anchor);
  CHECK(a.team_id.empty());
  // identifier "goodcert" and certificate root = H"a684...": self-signed.
  const CodeRequirement b = ParseCodeRequirement(FirstRequirement(*self));
  CHECK(b.identifier == "goodcert");
  CHECK_FALSE(b.apple_anchor);
  CHECK(b.team_id.empty());
}

TEST_CASE("code requirement: a Developer ID app's names its Team ID",
          "[macos][code-requirement]") {
  const CodeRequirement zoom =
      ParseCodeRequirement(DeveloperId("us.zoom.xos", "BJ4HAAB9B3"));
  CHECK(zoom.identifier == "us.zoom.xos");
  CHECK(zoom.team_id == "BJ4HAAB9B3");
  // The same OU under a certificate Apple did not issue is no Team ID.
  CHECK(ParseCodeRequirement(DeveloperId("x", "BJ4HAAB9B3", false))
            .team_id.empty());
}

TEST_CASE("code requirement: hostile blobs are refused, not followed",
          "[macos][code-requirement]") {
  CHECK_THROWS_AS(ParseCodeRequirement(""), ParseError);
  CHECK_THROWS_AS(ParseCodeRequirement("\xfa\xde\x0c\x01xxxxxxxx"), ParseError);
  // Truncated anywhere: an error, never a read past the end.
  const std::string good = DeveloperId("us.zoom.xos", "BJ4HAAB9B3");
  for (size_t cut = 0; cut < good.size(); ++cut) {
    std::string shorter = good.substr(0, cut);
    if (shorter.size() >= 8) {  // keep the length field honest
      shorter[4] = shorter[5] = 0;
      shorter[6] = char(shorter.size() >> 8);
      shorter[7] = char(shorter.size());
    }
    CHECK_THROWS_AS(ParseCodeRequirement(shorter), ParseError);
  }
  // A length that claims more than the blob holds.
  Encoder huge;
  huge.Word(2).Word(0x7ffffff0);
  CHECK_THROWS_AS(ParseCodeRequirement(huge.Blob()), ParseError);
  // "not not not ... true" nested past the bound.
  Encoder deep;
  for (int i = 0; i < 10000; ++i) deep.Word(9);
  deep.Word(1);
  CHECK_THROWS_WITH(ParseCodeRequirement(deep.Blob()),
                    Catch::Contains("deeper"));
  // An operation this reader does not know, unless it says how to skip it.
  Encoder unknown;
  unknown.Word(6).Word(99).Word(1);
  CHECK_THROWS_AS(ParseCodeRequirement(unknown.Blob()), ParseError);
  Encoder skippable;
  skippable.Word(6).Word(0x40000063).Word(4).Word(0).Word(2).Data("id");
  CHECK(ParseCodeRequirement(skippable.Blob()).identifier == "id");
}
