#include <algorithm>
#include <catch2/catch.hpp>

#include "collectors/registry.h"
#include "evidence/memory_vfs.h"
#include "formats/appstream.h"
#include "formats/flatpak_metadata.h"
#include "formats/parse_error.h"
#include "scan/scanner.h"
#include "support/test_support.h"

using namespace contraband;
using contraband::testing::AllWarnings;
using contraband::testing::CollectorNamed;
using contraband::testing::CorpusPath;
using contraband::testing::FindSoftware;
using contraband::testing::ReadHostFile;

namespace {

std::string Metadata(const std::string& id) {
  return "[Application]\nname=" + id +
         "\nruntime=org.freedesktop.Platform/x86_64/23.08\n"
         "sdk=org.freedesktop.Sdk/x86_64/23.08\ncommand=run\n\n"
         "[Context]\nshared=network;ipc;\nsockets=x11;wayland;\n";
}

const char* kTelegramMetainfo = R"(<?xml version="1.0" encoding="UTF-8"?>
<component type="desktop-application">
  <id>org.telegram.desktop</id>
  <name>Telegram Desktop</name>
  <developer id="org.telegram"><name>Telegram FZ-LLC</name></developer>
  <releases>
    <release version="4.14.9" date="2024-01-20"/>
    <release version="4.14.8" date="2024-01-15"/>
  </releases>
</component>
)";

}  // namespace

TEST_CASE("flatpak metadata parser reads the [Application] group",
          "[flatpak]") {
  FlatpakMetadata m = ParseFlatpakMetadata(
      "# c\r\n[Application]\r\nname = org.telegram.desktop\r\n"
      "runtime=org.freedesktop.Platform/x86_64/23.08\ncommand=a\\sb\n"
      "[Context]\nname=not-this\n");
  CHECK(m.kind == "Application");
  CHECK(m.name == "org.telegram.desktop");
  CHECK(m.runtime == "org.freedesktop.Platform/x86_64/23.08");
  CHECK(m.command == "a b");
  CHECK(m.problems.empty());

  FlatpakMetadata r =
      ParseFlatpakMetadata("[Runtime]\nname=org.gnome.Platform\n");
  CHECK(r.kind == "Runtime");
  CHECK(r.name == "org.gnome.Platform");

  FlatpakMetadata bad = ParseFlatpakMetadata(
      "stray=1\n[Application\n\x01\x02\n[Application]\nname=a\nname=b\n");
  CHECK(bad.name == "b");  // GLib keeps the last
  CHECK(bad.problems.size() == 4);
  CHECK(ParseFlatpakMetadata("").kind.empty());
}

TEST_CASE("appstream parser reads the corpus metainfo files", "[flatpak]") {
  auto valid = CorpusPath("flatpak/scalibr_valid.metainfo.xml");
  auto noname = CorpusPath("flatpak/scalibr_noname.metainfo.xml");
  auto noversion = CorpusPath("flatpak/scalibr_noversion.metainfo.xml");
  SKIP_UNLESS_CORPUS(valid, noname, noversion);
  AppStreamInfo v = ParseAppStream(ReadHostFile(*valid));
  CHECK(v.id == "org.gimp.GIMP");
  CHECK(v.name == "GNU Image Manipulation Program");  // not the ar one
  CHECK(v.developer == "The GIMP team");
  CHECK(v.version == "2.10.38");
  CHECK(v.releases == 2);
  AppStreamInfo n = ParseAppStream(ReadHostFile(*noname));
  CHECK(n.name.empty());
  CHECK(n.version == "2.10.38");
  AppStreamInfo nv = ParseAppStream(ReadHostFile(*noversion));
  CHECK(nv.name == "GNU Image Manipulation Program");
  CHECK(nv.version.empty());
  CHECK(nv.releases == 1);
}

TEST_CASE("appstream parser picks the newest release", "[flatpak]") {
  auto parse = [](const std::string& releases) {
    return ParseAppStream("<component><id>a</id><releases>" + releases +
                          "</releases></component>")
        .version;
  };
  // Out of order but dated: the newest date wins.
  CHECK(parse("<release version=\"1.0\" date=\"2020-01-01\"/>"
              "<release version=\"2.0\" date=\"2023-06-30\"/>"
              "<release version=\"1.5\" date=\"2021-01-01\"/>") == "2.0");
  // timestamp= and date= mixed.
  CHECK(parse("<release version=\"1\" timestamp=\"1700000000\"/>"
              "<release version=\"2\" date=\"2024-01-01T10:00:00Z\"/>") == "2");
  // Undated: the first listed (newest first by the spec).
  CHECK(parse("<release version=\"3\"/><release version=\"2\" "
              "date=\"2030-01-01\"/>") == "3");
  CHECK(parse("") == "");
}

TEST_CASE("appstream parser decodes text and tolerates XML furniture",
          "[flatpak]") {
  AppStreamInfo i = ParseAppStream(
      "<?xml version='1.0'?>\n<!DOCTYPE component [ <!ENTITY x \"boom\"> ]>\n"
      "<!-- <id>no</id> -->\n<component>\n"
      "  <id>  org.example.App  </id>\n"
      "  <name xml:lang='de'>Beispiel</name>\n"
      "  <name>Tom &amp; Jerry &#233;&#x263A;&x;</name>\n"
      "  <developer_name><![CDATA[A <b> & C]]></developer_name>\n"
      "  <releases><release version='1&lt;2'/></releases>\n"
      "</component>\n<component><id>second</id></component>");
  CHECK(i.id == "org.example.App");
  CHECK(i.name == "Tom & Jerry \xC3\xA9\xE2\x98\xBA&x;");
  CHECK(i.developer == "A <b> & C");
  CHECK(i.version == "1<2");
}

TEST_CASE("appstream parser rejects broken documents", "[flatpak]") {
  CHECK_THROWS_AS(ParseAppStream(""), ParseError);
  CHECK_THROWS_AS(ParseAppStream("<component><id>a</id>"), ParseError);
  CHECK_THROWS_AS(ParseAppStream("<component><id>a</name></component>"),
                  ParseError);
  CHECK_THROWS_AS(ParseAppStream("<component a=b></component>"), ParseError);
  CHECK_THROWS_AS(ParseAppStream("<component a=\"b></component>"), ParseError);
  CHECK_THROWS_AS(ParseAppStream("<!-- never closed"), ParseError);
  CHECK_THROWS_AS(ParseAppStream("<other/>"), ParseError);
  std::string deep;
  for (int i = 0; i < 1000; ++i) deep += "<a>";
  CHECK_THROWS_AS(ParseAppStream(deep), ParseError);
}

TEST_CASE("flatpak collector finds system and per-user apps", "[flatpak]") {
  auto gimp = CorpusPath("flatpak/scalibr_valid.metainfo.xml");
  SKIP_UNLESS_CORPUS(gimp);
  MemoryVfs vfs;
  vfs.AddFile("/etc/passwd",
              "root:x:0:0:root:/root:/bin/bash\n"
              "alice:x:1000:1000:Alice:/home/alice:/bin/bash\n"
              "robert:x:1001:1001:Bob:/home/bob:/bin/bash\n");
  const std::string sys = "/var/lib/flatpak/app/org.gimp.GIMP/x86_64/stable";
  vfs.AddFile(sys + "/active/metadata", Metadata("org.gimp.GIMP"));
  vfs.AddFile(sys + "/active/files/share/metainfo/org.gimp.GIMP.metainfo.xml",
              ReadHostFile(*gimp));
  // A plug-in's metainfo beside it must not give the app its version.
  vfs.AddFile(sys +
                  "/active/files/share/metainfo/org.gimp.GIMP.Plugin."
                  "metainfo.xml",
              "<component><id>x</id><releases><release version=\"99\"/>"
              "</releases></component>");
  vfs.AddDir("/home/alice", 1000);
  const std::string alice =
      "/home/alice/.local/share/flatpak/app/org.telegram.desktop/x86_64/stable";
  vfs.AddFile(alice + "/active/metadata", Metadata("org.telegram.desktop"),
              1000);
  vfs.AddFile(alice +
                  "/active/files/share/appdata/"
                  "org.telegram.desktop.appdata.xml",
              kTelegramMetainfo, 1000);
  vfs.AddDir("/home/bob", 1001);
  const std::string bob =
      "/home/bob/.local/share/flatpak/app/us.zoom.Zoom/x86_64/stable";
  vfs.AddFile(bob + "/active/metadata", Metadata("us.zoom.Zoom"), 1001);
  vfs.AddFile(
      "/root/.local/share/flatpak/app/com.skype.Client/x86_64/stable/"
      "active/metadata",
      Metadata("com.skype.Client"));
  CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("flatpak"));
  CHECK(AllWarnings(r).empty());
  REQUIRE(r.software.size() == 4);

  const Software* g = FindSoftware(r, "org.gimp.GIMP");
  REQUIRE(g != nullptr);
  CHECK(g->ecosystem == "flatpak");
  CHECK(g->name == "GNU Image Manipulation Program");
  CHECK(g->version == "2.10.38");
  CHECK(g->publisher == "The GIMP team");
  CHECK(g->arch == "x86_64");
  CHECK(g->user.empty());
  CHECK(g->location == sys);
  CHECK(g->source == sys + "/active/metadata");

  const Software* t = FindSoftware(r, "org.telegram.desktop");
  REQUIRE(t != nullptr);
  CHECK(t->name == "Telegram Desktop");
  CHECK(t->version == "4.14.9");
  CHECK(t->publisher == "Telegram FZ-LLC");
  CHECK(t->user == "alice");
  CHECK(t->source == alice + "/active/metadata");

  const Software* z = FindSoftware(r, "us.zoom.Zoom");
  REQUIRE(z != nullptr);
  CHECK(z->user == "robert");  // the passwd name of the home's owner
  CHECK(z->version.empty());
  CHECK(FindSoftware(r, "com.skype.Client")->user == "root");
}

TEST_CASE("flatpak collector survives damaged files", "[flatpak]") {
  auto noname = CorpusPath("flatpak/scalibr_noname.metainfo.xml");
  SKIP_UNLESS_CORPUS(noname);
  MemoryVfs vfs;
  const std::string a = "/var/lib/flatpak/app/org.gimp.GIMP/x86_64/stable";
  vfs.AddFile(a + "/active/metadata", Metadata("org.gimp.GIMP"));
  vfs.AddFile(a + "/active/files/share/metainfo/org.gimp.GIMP.metainfo.xml",
              ReadHostFile(*noname));
  const std::string b =
      "/var/lib/flatpak/app/org.telegram.desktop/x86_64/stable";
  vfs.AddFile(b + "/active/metadata", "garbage\n[Application]\n");
  vfs.AddFile(b + "/active/files/share/metainfo/"
                  "org.telegram.desktop.metainfo.xml",
              "<component><releases><release version=\"1\"");  // truncated
  const std::string c = "/var/lib/flatpak/app/com.example.Other/x86_64/beta";
  vfs.AddFile(c + "/active/metadata", Metadata("com.example.Renamed"));
  CollectResult r = CollectSoftware(vfs, "ev", CollectorNamed("flatpak"));
  const std::string all = AllWarnings(r);
  CHECK_THAT(all, Catch::Contains(b + "/active/metadata: line 1"));
  CHECK_THAT(all, Catch::Contains("has no name=; id taken from the folder"));
  CHECK_THAT(
      all, Catch::Contains("org.telegram.desktop.metainfo.xml: cannot parse"));
  CHECK_THAT(all, Catch::Contains("but is deployed as com.example.Other"));
  REQUIRE(r.software.size() == 3);
  const Software* g = FindSoftware(r, "org.gimp.GIMP");
  CHECK(g->name == "org.gimp.GIMP");  // the metainfo has no <name>
  CHECK(g->version == "2.10.38");
  const Software* t = FindSoftware(r, "org.telegram.desktop");
  REQUIRE(t != nullptr);
  CHECK(t->version.empty());
  CHECK(FindSoftware(r, "com.example.Renamed")->location == c);
}
