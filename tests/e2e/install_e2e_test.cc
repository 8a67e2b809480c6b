// End to end: `cmake --install` of this build into a fresh prefix, and the
// Debian package `cpack -G DEB` makes from it, listed with dpkg-deb and
// installed with the real `dpkg -i`, then removed with `dpkg -r` (as root,
// on a host where no other contraband is installed: otherwise a visible
// skip). Each test works in its own folders, so the order does not matter.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <string>
#include <thread>

#include "support/test_support.h"

using namespace contraband::testing;
namespace fs = std::filesystem;

namespace {

// The files an install must put in place, relative to the prefix.
const char* const kInstalled[] = {
    "bin/contraband",
    "share/man/man1/contraband.1",
    "share/bash-completion/completions/contraband",
    "share/zsh/vendor-completions/_contraband",
    "share/fish/vendor_completions.d/contraband.fish",
    "share/doc/contraband/LICENSE",
};

bool HaveCatalogManPage() {
  return fs::exists(std::string(SOURCE_DIR) + "/man/contraband-catalog.5");
}

// dpkg refuses to run while apt or another dpkg holds its lock; wait for it
// (up to two minutes) rather than fail on someone else's install.
RunResult Dpkg(const std::string& args) {
  RunResult r;
  for (int attempt = 0; attempt < 60; ++attempt) {
    r = Run("dpkg " + args);
    if (r.exit_code == 0 || r.err.find("lock") == std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::seconds(2));
  }
  return r;
}

std::string PackageStatus() {
  return Run("dpkg-query -W -f='${Status}' contraband").out;
}

}  // namespace

TEST_CASE("Install: cmake --install puts the binary, man pages, completions "
          "and licence in place",
          "[e2e][install]") {
  TempDir prefix;
  RunResult r = Run(ShellQuote(CMAKE_BIN) + " --install " +
                    ShellQuote(BUILD_DIR) + " --prefix " +
                    ShellQuote(prefix.path()));
  INFO(r.out + r.err);
  REQUIRE(r.exit_code == 0);
  for (const char* rel : kInstalled) {
    INFO(rel);
    CHECK(fs::is_regular_file(prefix.path() + "/" + rel));
    CHECK(r.out.find(prefix.path() + "/" + rel) != std::string::npos);
  }
  CHECK(fs::is_regular_file(prefix.path() + "/share/man/man5/contraband-catalog.5") ==
        HaveCatalogManPage());
  // The installed binary runs, and the installed scripts are the ones it
  // prints (generated at install time from its own definitions).
  RunResult version = Run(ShellQuote(prefix.path() + "/bin/contraband") +
                          " --version");
  CHECK(version.exit_code == 0);
  CHECK(version.out.find("contraband") != std::string::npos);
  for (const auto& [shell, rel] :
       {std::pair{"bash", "share/bash-completion/completions/contraband"},
        std::pair{"zsh", "share/zsh/vendor-completions/_contraband"},
        std::pair{"fish", "share/fish/vendor_completions.d/contraband.fish"}}) {
    INFO(shell);
    const std::string printed =
        RunContraband(std::string("completions ") + shell).out;
    CHECK(!printed.empty());
    CHECK(ReadHostFile(prefix.path() + "/" + rel) == printed);
  }
  CHECK(ReadHostFile(prefix.path() + "/share/man/man1/contraband.1") ==
        ReadHostFile(std::string(SOURCE_DIR) + "/man/contraband.1"));
}

TEST_CASE("Install: cpack makes a .deb that dpkg -i installs and dpkg -r "
          "removes cleanly",
          "[e2e][install][deb]") {
  REQUIRE(HaveTool("dpkg-deb"));
  TempDir out;
  RunResult pack = Run(ShellQuote(CPACK_BIN) + " -G DEB --config " +
                       ShellQuote(std::string(BUILD_DIR) + "/CPackConfig.cmake") +
                       " -B " + ShellQuote(out.path()));
  INFO(pack.out + pack.err);
  REQUIRE(pack.exit_code == 0);
  const std::string arch = Run("dpkg --print-architecture").out;
  RunResult found = Run("ls " + ShellQuote(out.path()) + "/*.deb");
  REQUIRE(found.exit_code == 0);
  const std::string package = found.out.substr(0, found.out.find('\n'));
  CHECK(package.find("/contraband_") != std::string::npos);
  CHECK(package.find("_" + arch.substr(0, arch.find('\n')) + ".deb") !=
        std::string::npos);

  // Control fields: name, architecture, maintainer; a static binary needs
  // no other package.
  RunResult fields = Run("dpkg-deb -f " + ShellQuote(package) +
                         " Package Version Architecture Maintainer Depends");
  INFO(fields.out);
  CHECK(fields.out.find("Package: contraband\n") != std::string::npos);
  // The version the binary reports ("contraband 0.1.0").
  const std::string version = RunContraband("--version").out;
  CHECK(fields.out.find("Version: " +
                        version.substr(11, version.find('\n') - 11) + "\n") !=
        std::string::npos);
  CHECK(fields.out.find("Architecture: " + arch) != std::string::npos);
  CHECK(fields.out.find("Maintainer: ") != std::string::npos);
  const bool is_static =
      Run("ldd " + ShellQuote(CONTRABAND_BIN)).exit_code != 0;
  if (is_static) CHECK(fields.out.find("Depends:") == std::string::npos);

  // Contents: every installed file under /usr.
  RunResult contents = Run("dpkg-deb -c " + ShellQuote(package));
  INFO(contents.out);
  REQUIRE(contents.exit_code == 0);
  for (const char* rel : kInstalled) {
    CHECK(contents.out.find(std::string(" ./usr/") + rel + "\n") !=
          std::string::npos);
  }
  if (HaveCatalogManPage()) {
    CHECK(contents.out.find("./usr/share/man/man5/contraband-catalog.5") !=
          std::string::npos);
  }

  // Installing it for real needs root and a host without a contraband of
  // its own (a package, or a binary in /usr/bin that no package owns).
  if (geteuid() != 0) {
    WARN("not root: dpkg -i / dpkg -r part skipped");
    return;
  }
  if (PackageStatus().find("ok installed") != std::string::npos ||
      fs::exists("/usr/bin/contraband")) {
    WARN("a contraband is already installed on this host: not touching it; "
         "dpkg -i / dpkg -r part skipped");
    return;
  }
  // Removed again even when a check below fails.
  struct RemoveAtEnd {
    ~RemoveAtEnd() {
      if (PackageStatus().find("ok installed") != std::string::npos) {
        Dpkg("-r contraband");
      }
    }
  } remove_at_end;

  RunResult install = Dpkg("-i " + ShellQuote(package));
  INFO(install.out + install.err);
  REQUIRE(install.exit_code == 0);
  CHECK(PackageStatus() == "install ok installed");
  for (const char* rel : kInstalled) {
    CHECK(fs::is_regular_file(std::string("/usr/") + rel));
  }
  RunResult listed = Run("dpkg -L contraband");
  CHECK(listed.out.find("/usr/bin/contraband\n") != std::string::npos);
  CHECK(listed.out.find("/usr/share/zsh/vendor-completions/_contraband\n") !=
        std::string::npos);
  RunResult runs = Run("/usr/bin/contraband --version");
  CHECK(runs.exit_code == 0);
  // bash-completion finds the script by the command's name.
  RunResult completes = Run(
      "bash --norc --noprofile -c " +
      ShellQuote("source /usr/share/bash-completion/completions/contraband; "
                 "COMP_WORDS=(contraband sc); COMP_CWORD=1; _contraband; "
                 "echo \"${COMPREPLY[*]}\""));
  CHECK(completes.out == "scan\n");
  if (HaveTool("man")) {
    CHECK(Run("man -w contraband").out.find("/usr/share/man/man1/contraband.1") !=
          std::string::npos);
  }

  RunResult remove = Dpkg("-r contraband");
  INFO(remove.out + remove.err);
  REQUIRE(remove.exit_code == 0);
  CHECK(PackageStatus().find("ok installed") == std::string::npos);
  for (const char* rel : kInstalled) {
    INFO(rel);
    CHECK(!fs::exists(std::string("/usr/") + rel));
  }
}
