// Android system properties (formats/android_properties) and the
// android-device collector: the corpus's real Android 8.1 build.prop
// (values read off the file), MVT's real getprop.txt samples (which hold
// only dalvik.* properties, so describe no device), and getprop output
// written here.
#include <catch2/catch.hpp>

#include "evidence/memory_vfs.h"
#include "formats/android_properties.h"
#include "formats/parse_error.h"
#include "scan/scanner.h"
#include "support/test_support.h"

using namespace contraband;
using contraband::testing::CollectorNamed;
using contraband::testing::CorpusPath;
using contraband::testing::ReadHostFile;

TEST_CASE("android properties: build.prop of Android 8.1 and getprop output",
          "[android][device]") {
  const auto build_prop =
      CorpusPath("android/redr_android8.1_emulator/system/build.prop");
  SKIP_UNLESS_CORPUS(build_prop);
  const auto props = ReadAndroidProperties(ReadHostFile(*build_prop));
  CHECK(props.at("ro.build.version.sdk") == "27");
  CHECK(props.at("ro.build.date") == "Fri Jan  7 19:22:30 UTC 2022");
  CHECK(props.at("ro.product.cpu.abilist") == "x86_64,x86");
  CHECK(props.count("ro.wifi.channels") == 1);  // set, empty
  const AndroidDeviceProperties d = AndroidDeviceFrom(props);
  CHECK(d.manufacturer == "samsung");
  CHECK(d.model == "SM-A520F");
  CHECK(d.os_version == "8.1.0");
  CHECK(d.build_fingerprint ==
        "Android/SM-A520F/x86_64:7.1.2/SM-A520F/4931629:user/release-keys");
  CHECK(d.serial.empty());

  const auto getprop = ReadAndroidProperties(
      "[ro.product.model]: [Pixel 5]\n"
      "[ro.product.manufacturer]: [Google]\r\n"
      "[ro.build.version.release]: [13]\n"
      "[ro.boot.serialno]: [0A1B2C3D]\n"
      "[ro.bad]: no brackets\n"
      "[persist.sys.x]: [a\x01"
      "b]\n");
  const AndroidDeviceProperties p = AndroidDeviceFrom(getprop);
  CHECK(p.model == "Pixel 5");
  CHECK(p.manufacturer == "Google");
  CHECK(p.os_version == "13");
  CHECK(p.serial == "0A1B2C3D");
  CHECK(getprop.count("ro.bad") == 0);
  CHECK(getprop.count("persist.sys.x") == 0);  // control byte

  // Android 10+ /system/build.prop names them per partition.
  const AndroidDeviceProperties q = AndroidDeviceFrom(ReadAndroidProperties(
      "ro.product.system.model=Pixel 4\nro.system.build.version.release=12\n"));
  CHECK(q.model == "Pixel 4");
  CHECK(q.os_version == "12");

  CHECK_THROWS_AS(
      ReadAndroidProperties(std::string(kMaxAndroidPropertiesBytes + 1, 'x')),
      ParseError);
}

TEST_CASE(
    "android-device: one device per describing file, none from MVT's "
    "dalvik-only getprop samples",
    "[android][device]") {
  MemoryVfs vfs;
  vfs.AddFile("/system/build.prop",
              "ro.product.model=SM-A520F\nro.product.manufacturer=samsung\n"
              "ro.build.version.release=8.1.0\n");
  vfs.AddFile("/androidqf/getprop.txt",
              "[ro.product.model]: [SM-A520F]\n[ro.serialno]: [R58M123]\n");
  vfs.AddFile("/mvt/getprop.txt", "[dalvik.vm.heapmaxfree]: [8m]\n");
  const CollectResult r =
      CollectSoftware(vfs, "ev", CollectorNamed("android-device"));
  CHECK(r.software.empty());
  REQUIRE(r.devices.size() == 2);
  CHECK(r.devices[0].source == "/androidqf/getprop.txt");
  CHECK(r.devices[0].serial == "R58M123");
  CHECK(r.devices[1].source == "/system/build.prop");
  CHECK(r.devices[1].manufacturer == "samsung");
  CHECK(r.devices[1].os_version == "8.1.0");

  const auto mvt = CorpusPath("android/mvt/androidqf/getprop.txt");
  SKIP_UNLESS_CORPUS(mvt);
  MemoryVfs real;
  real.AddFile("/getprop.txt", ReadHostFile(*mvt));
  CHECK(CollectSoftware(real, "ev", CollectorNamed("android-device"))
            .devices.empty());
}
