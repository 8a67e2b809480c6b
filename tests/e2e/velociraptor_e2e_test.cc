// contrib/velociraptor: the artifacts generated from the built binary,
// checked structurally by tests/contrib/check_velociraptor.py (there is no
// Velociraptor binary here): YAML keys, tool hash = the binary's SHA-256,
// collection globs = the collectors' requests, and the Linux artifact's argv
// run on a Debian root gives rows with every column the artifact selects.
#include <catch2/catch.hpp>

#include "support/test_support.h"

using namespace contraband::testing;

TEST_CASE("Velociraptor artifacts generated from the built binary pin its "
          "SHA-256, collect the collectors' requests and give rows",
          "[e2e][contrib][velociraptor]") {
  INFO("the test needs python3-yaml");
  REQUIRE(Run("/usr/bin/python3 -c 'import yaml'").exit_code == 0);
  TempDir dir;
  BuildDebianRoot(dir);  // kesl, zoom, telegram-desktop installed
  const std::string src = SOURCE_DIR;
  const std::string out = dir.path() + "/artifacts";
  RunResult gen = Run("/usr/bin/python3 " + ShellQuote(src + "/contrib/velociraptor/generate.py") +
                      " --binary " + ShellQuote(CONTRABAND_BIN) + " --out " +
                      ShellQuote(out) + " 2>&1");
  INFO(gen.out);
  REQUIRE(gen.exit_code == 0);
  std::string sha = Run("sha256sum " + ShellQuote(CONTRABAND_BIN)).out.substr(0, 64);
  CHECK_THAT(gen.out, Catch::Contains("sha256 " + sha));
  CHECK_THAT(ReadHostFile(out + "/Custom.Contraband.Scan.yaml"),
             Catch::Contains("expected_hash: \"" + sha + "\""));

  RunResult check = Run("/usr/bin/python3 " + ShellQuote(src + "/tests/contrib/check_velociraptor.py") +
                        " " + ShellQuote(CONTRABAND_BIN) + " " + ShellQuote(out) + " " +
                        ShellQuote(dir.path() + "/root") + " 2>&1");
  INFO(check.out);
  CHECK(check.exit_code == 0);
  CHECK_THAT(check.out, Catch::Contains("3 finding rows with 16 columns: kaspersky, "
                                        "telegram, zoom"));

  // The check bites: a stale hash and a hand-edited glob list are caught.
  // (All digits: quoted in the YAML, so still a string, not the number 0.)
  Run("sed -i 's/expected_hash: \"[0-9a-f]*\"/expected_hash: \"" + std::string(64, '0') +
      "\"/' " + ShellQuote(out + "/Custom.Contraband.Scan.yaml") +
      " && sed -i 's|\"/Windows/appcompat/Programs/Amcache.hve\", ||' " +
      ShellQuote(out + "/Custom.Contraband.Collect.Windows.yaml"));
  RunResult stale = Run("/usr/bin/python3 " + ShellQuote(src + "/tests/contrib/check_velociraptor.py") +
                        " " + ShellQuote(CONTRABAND_BIN) + " " + ShellQuote(out) + " " +
                        ShellQuote(dir.path() + "/root") + " 2>&1");
  INFO(stale.out);
  CHECK(stale.exit_code == 1);
  CHECK_THAT(stale.out, Catch::Contains("Custom.Contraband.Scan.yaml: tool contraband hash 0000"));
  CHECK_THAT(stale.out, Catch::Contains("Windows collection lacks "
                                        "/Windows/appcompat/Programs/Amcache.hve"));
}
