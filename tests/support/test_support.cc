#include "support/test_support.h"

#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace contraband::testing {

namespace fs = std::filesystem;

std::optional<std::string> CorpusPath(const std::string& rel) {
  std::string p = std::string(CORPUS_DIR) + "/" + rel;
  if (!fs::exists(p)) return std::nullopt;
  return p;
}

std::string ReadHostFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteHostFile(const std::string& path, const std::string& data) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
  if (!out) throw std::runtime_error("cannot write " + path);
}

TempDir::TempDir() {
  std::string tmpl = (fs::temp_directory_path() / "contraband-test-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string TempDir::Write(const std::string& rel, const std::string& data) const {
  std::string p = path_ + "/" + rel;
  WriteHostFile(p, data);
  return p;
}

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

RunResult Run(const std::string& command_line) {
  TempDir tmp;
  std::string out = tmp.path() + "/out", err = tmp.path() + "/err";
  std::string cmd = "(" + command_line + ") >" + ShellQuote(out) + " 2>" +
                    ShellQuote(err) + " </dev/null";
  int status = std::system(cmd.c_str());
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = fs::exists(out) ? ReadHostFile(out) : "";
  r.err = fs::exists(err) ? ReadHostFile(err) : "";
  return r;
}

RunResult RunContraband(const std::string& args) {
  return Run(ShellQuote(CONTRABAND_BIN) + " " + args);
}

bool HaveTool(const std::string& name) {
  return Run("command -v " + ShellQuote(name)).exit_code == 0;
}

// Builds .deb files with dpkg-deb and installs them into root/ with dpkg
// --root, then removes skypeforlinux so only its conffile remains
// ("deinstall ok config-files"), as on a real machine.
void BuildDebianRoot(const TempDir& dir) {
  REQUIRE(HaveTool("dpkg-deb"));
  const std::string script = R"(
set -e
cd "$1"
mkdir -p root/var/lib/dpkg/info root/var/lib/dpkg/updates pkgs
touch root/var/lib/dpkg/status
for p in zoom:6.2.0.1855 kesl:12.1.0-1297 telegram-desktop:4.14.9+ds-1 \
         xzoom:0.3-27 skypeforlinux:8.110.76.107 coreutils:9.1-1; do
  n=${p%%:*}; v=${p#*:}
  mkdir -p b/$n/DEBIAN b/$n/opt/$n
  printf 'Package: %s\nVersion: %s\nArchitecture: amd64\nMaintainer: Test <t@example.org>\nDescription: test package %s\n multi-line description\n .\n end\n' "$n" "$v" "$n" > b/$n/DEBIAN/control
  echo hi > b/$n/opt/$n/file
  if [ $n = skypeforlinux ]; then
    mkdir -p b/$n/etc; echo c > b/$n/etc/skype.conf
    echo /etc/skype.conf > b/$n/DEBIAN/conffiles
  fi
  dpkg-deb --root-owner-group -b b/$n pkgs/$n.deb >/dev/null
done
dpkg --root="$PWD/root" --log="$PWD/dpkg.log" --force-script-chrootless -i pkgs/*.deb >/dev/null
dpkg --root="$PWD/root" --log="$PWD/dpkg.log" --force-script-chrootless -r skypeforlinux >/dev/null
)";
  RunResult r = Run("bash -c " + ShellQuote(script) + " x " + ShellQuote(dir.path()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

nlohmann::json ParseJson(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  return j;
}

}  // namespace contraband::testing
