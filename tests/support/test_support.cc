#include "support/test_support.h"

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
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

bool AllFound(std::initializer_list<std::optional<std::string>> paths) {
  for (const auto& p : paths) {
    if (!p) return false;
  }
  return true;
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

std::string SchemaErrors(const std::string& schema, const std::string& text,
                         bool lines) {
  TempDir dir;
  const std::string file = dir.Write("document", text);
  RunResult r = Run("/usr/bin/python3 " +
                    ShellQuote(std::string(SOURCE_DIR) +
                               "/tests/support/validate_json.py") +
                    (lines ? " --lines " : " ") +
                    ShellQuote(std::string(SOURCE_DIR) + "/" + schema) +
                    " " + ShellQuote(file));
  if (r.exit_code == 0) return "";
  return schema + ": exit " + std::to_string(r.exit_code) + "\n" + r.out + r.err;
}

RunResult RunContraband(const std::string& args) {
  RunResult r = Run(ShellQuote(CONTRABAND_BIN) + " " + args);
  // Every JSON report, ECS line and CycloneDX BOM any test makes the
  // binary write is held to its schema (schemas/, and CycloneDX's own).
  if (r.out.rfind("{\n  \"schema\": \"contraband/report/v1\"", 0) == 0) {
    const std::string errors = SchemaErrors("schemas/report.schema.json", r.out, false);
    if (!errors.empty()) FAIL_CHECK("contraband " << args << "\n" << errors);
  } else if (r.out.rfind("{\n  \"bomFormat\": \"CycloneDX\"", 0) == 0) {
    const std::string errors = SchemaErrors(
        "tests/schemas/cyclonedx/bom-1.5.SNAPSHOT.schema.json", r.out, false);
    if (!errors.empty()) FAIL_CHECK("contraband " << args << "\n" << errors);
  } else if (args.find("--format ecs") != std::string::npos && !r.out.empty()) {
    const std::string errors = SchemaErrors("schemas/ecs.schema.json", r.out, true);
    if (!errors.empty()) FAIL_CHECK("contraband " << args << "\n" << errors);
  }
  return r;
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

void BuildRpmRoot(const TempDir& dir) {
  INFO("rpmbuild and rpm come from the Debian package \"rpm\"");
  REQUIRE(HaveTool("rpmbuild"));
  REQUIRE(HaveTool("rpm"));
  const std::string script = R"(
set -e
cd "$1"
mkdir -p specs top root/var/lib/rpm root/usr/lib/sysimage
cat > specs/zoom.spec <<'EOF'
Name: zoom
Epoch: 2
Version: 6.2.0.1855
Release: 1.el8
Summary: test stand-in for the Zoom client
License: Proprietary
Vendor: Zoom Video Communications, Inc.
%description
test package
%files
EOF
cat > specs/kesl.spec <<'EOF'
Name: kesl
Version: 12.1.0
Release: 1297
Summary: test stand-in for Kaspersky Endpoint Security for Linux
License: Proprietary
Packager: Test Builder <builder@example.org>
BuildArch: noarch
%description
test package
%files
EOF
for s in zoom kesl; do
  rpmbuild -bb --quiet --define "_topdir $PWD/top" \
    --define "_build_id_links none" specs/$s.spec >/dev/null
done
rpm --dbpath "$PWD/root/var/lib/rpm" -i --justdb --nodeps --noscripts \
  --nosignature top/RPMS/*/*.rpm
ln -s ../../../var/lib/rpm root/usr/lib/sysimage/rpm
)";
  RunResult r =
      Run("bash -c " + ShellQuote(script) + " x " + ShellQuote(dir.path()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

void WriteSkypeSnap(const TempDir& root) {
  const std::string& r = root.path();
  // Skype as a snap: snapd's state and the mounted current revision.
  root.Write("var/lib/snapd/state.json", R"({"data":{"snaps":{
    "skype":{"type":"app","sequence":[
      {"name":"skype","snap-id":"QRDEfjn4WJYnm0FzDKwqqRZZI77awQEV","revision":"301","channel":"stable"},
      {"name":"skype","snap-id":"QRDEfjn4WJYnm0FzDKwqqRZZI77awQEV","revision":"311","channel":"stable"}],
      "active":true,"current":"311","channel":"latest/stable"},
    "core22":{"type":"base","sequence":[{"name":"core22","snap-id":"amcUKQILKXHHTlmSa7NMdnXSx02dNeeT","revision":"1380"}],
      "active":true,"current":"1380","channel":"latest/stable"}},
    "seeded":true},"changes":{},"tasks":{}})");
  root.Write("snap/skype/311/meta/snap.yaml",
             "name: skype\nversion: 8.110.76.107\nsummary: One Skype for all"
             "\narchitectures:\n- amd64\nconfinement: classic\n");
  root.Write("snap/skype/301/meta/snap.yaml",
             "name: skype\nversion: 8.109.0.209\nsummary: One Skype for all\n");
  fs::create_symlink("311", r + "/snap/skype/current");
  fs::create_directories(r + "/snap/core22/1380");  // an empty mount point
}

unsigned WriteTelegramFlatpakForAlice(const TempDir& root) {
  const std::string& r = root.path();
  // Telegram as alice's own flatpak, deployed the way flatpak lays it out:
  // the active link names the checked-out commit.
  const std::string commit =
      "7f3e2b1c0d9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c";
  const std::string deploy =
      "home/alice/.local/share/flatpak/app/org.telegram.desktop/x86_64/stable";
  root.Write(deploy + "/" + commit + "/metadata",
             "[Application]\nname=org.telegram.desktop\n"
             "runtime=org.freedesktop.Platform/x86_64/23.08\n"
             "command=telegram-desktop\n\n[Context]\nshared=network;ipc;\n");
  root.Write(deploy + "/" + commit +
                 "/files/share/metainfo/org.telegram.desktop.metainfo.xml",
             "<?xml version=\"1.0\"?>\n<component type=\"desktop-application\">"
             "<id>org.telegram.desktop</id><name>Telegram Desktop</name>"
             "<releases><release version=\"4.14.9\" date=\"2024-01-20\"/>"
             "<release version=\"4.14.8\" date=\"2024-01-15\"/></releases>"
             "</component>\n");
  fs::create_symlink(commit, r + "/" + deploy + "/active");
  // alice owns her home; the evidence's passwd names her. (As root the
  // folder is handed to uid 1000; otherwise it stays ours and passwd says
  // so.)
  uid_t alice_uid = 1000;
  if (chown((r + "/home/alice").c_str(), 1000, 1000) != 0) alice_uid = getuid();
  root.Write(
      "etc/passwd",
      (alice_uid == 0 ? std::string() : "root:x:0:0:root:/root:/bin/sh\n") +
          "alice:x:" + std::to_string(alice_uid) +
          ":1000:Alice:/home/alice:/bin/bash\n");
  return alice_uid;
}

nlohmann::json ParseJson(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  return j;
}

const nlohmann::json* FindingFor(const nlohmann::json& report, const std::string& id) {
  for (const auto& f : report["findings"]) {
    if (f["software"]["id"] == id) return &f["software"];
  }
  return nullptr;
}

std::vector<CollectorInfo> CollectorNamed(std::string_view name) {
  for (const CollectorInfo& c : AllCollectors()) {
    if (c.name == name) return {c};
  }
  FAIL("no " << name << " collector registered");
  return {};
}

const Software* FindSoftware(const CollectResult& r, const std::string& id,
                             const std::string& arch) {
  for (const Software& s : r.software) {
    if (s.id == id && (arch.empty() || s.arch == arch)) return &s;
  }
  return nullptr;
}

std::vector<const Software*> RecordsWithId(const CollectResult& r,
                                          const std::string& id) {
  std::vector<const Software*> out;
  for (const Software& s : r.software) {
    if (s.id == id) out.push_back(&s);
  }
  return out;
}

std::string AllWarnings(const CollectResult& r) {
  std::string all;
  for (const Warning& w : r.warnings) all += w.path + ": " + w.message + "\n";
  return all;
}

std::vector<std::string> NameVersions(const CollectResult& r) {
  std::vector<std::string> out;
  for (const Software& s : r.software) out.push_back(s.id + " " + s.version);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace contraband::testing
