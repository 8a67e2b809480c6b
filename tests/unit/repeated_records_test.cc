// One removal seen by two logs is one record naming both (scan/repeated_records.h).
#include <catch2/catch.hpp>

#include "scan/repeated_records.h"

using namespace contraband;

namespace {

Software Removed(const std::string& id, const std::string& source) {
  Software sw;
  sw.ecosystem = "dpkg";
  sw.id = id;
  sw.evidence = "ev";
  sw.source = source;
  sw.source_sha256 = "sha-of-" + source;
  sw.state = SoftwareState::kRemoved;
  return sw;
}

}  // namespace

TEST_CASE("removals of one package from two logs merge into one record",
          "[scan][history]") {
  Software apt = Removed("zoom", "/var/log/apt/history.log");
  apt.version = "6.2.0";
  apt.removed_at = "2026-06-06T20:09:44";
  Software dpkg = Removed("zoom", "/var/log/dpkg.log");
  dpkg.arch = "amd64";
  dpkg.installed_at = "2026-05-20T16:49:20";
  dpkg.removed_at = "2026-06-06T20:09:45";
  Software other = Removed("kesl", "/var/log/dpkg.log");
  Software installed = Removed("zoom", "/var/lib/dpkg/status");
  installed.state = SoftwareState::kInstalled;
  Software elsewhere = Removed("zoom", "/var/log/dpkg.log");
  elsewhere.volume = "p2";  // another partition: another installation

  std::vector<Software> records{dpkg, other, apt, installed, elsewhere};
  MergeRepeatedRemovals(records);
  // The stayer keeps its place; the absorbed record's place closes up.
  REQUIRE(records.size() == 4);
  CHECK(records[0].id == "kesl");
  const Software& zoom = records[1];
  CHECK(zoom.source == "/var/log/apt/history.log");  // sorts first: stays
  CHECK(zoom.version == "6.2.0");
  CHECK(zoom.arch == "amd64");                       // filled from dpkg.log
  CHECK(zoom.installed_at == "2026-05-20T16:49:20");
  CHECK(zoom.removed_at == "2026-06-06T20:09:44");   // its own date stays
  REQUIRE(zoom.also_sources.size() == 1);
  CHECK(zoom.also_sources[0].path == "/var/log/dpkg.log");
  CHECK(zoom.also_sources[0].sha256 == "sha-of-/var/log/dpkg.log");
  CHECK(records[2].state == SoftwareState::kInstalled);
  CHECK(records[3].volume == "p2");
  CHECK(records[3].also_sources.empty());
}

TEST_CASE("merged removal findings keep the most confident match",
          "[scan][history]") {
  Product zoom_product;
  zoom_product.id = "zoom";
  Finding low;
  low.product = &zoom_product;
  low.confidence = Confidence::kLow;
  low.software = Removed("zoom", "/var/log/apt/history.log");
  Finding high = low;
  high.confidence = Confidence::kHigh;
  high.software = Removed("zoom", "/var/log/dpkg.log");
  std::vector<Finding> findings{low, high};
  MergeRepeatedRemovals(findings);
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].confidence == Confidence::kHigh);
  CHECK(findings[0].software.source == "/var/log/dpkg.log");
  REQUIRE(findings[0].software.also_sources.size() == 1);
  CHECK(findings[0].software.also_sources[0].path ==
        "/var/log/apt/history.log");
}
