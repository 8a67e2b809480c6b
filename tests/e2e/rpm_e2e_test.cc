// End to end: rpm databases in a root, read by the built binary and compared
// with what the real rpm lists from the same database. One root is built in
// the test (rpmbuild + rpm --justdb, so an rpmdb.sqlite as Fedora writes it);
// the corpus databases of every format are placed in roots as found.
// rpmbuild and rpm are required (Debian package "rpm"): without them these
// tests fail, they do not skip.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "support/test_support.h"

using namespace contraband::testing;
using nlohmann::json;

namespace {

namespace fs = std::filesystem;

// ParseJson comes from support/test_support.h.
// "name evr arch" lines as the real rpm lists a database, with an absent
// epoch left out as contraband leaves it out. rpm runs on a private copy of
// the folder because it may create lock and index files.
std::multiset<std::string> RpmQa(const std::string& db_dir) {
  TempDir copy;
  for (const auto& entry : fs::directory_iterator(db_dir)) {
    fs::copy_file(entry.path(),
                  copy.path() + "/" + entry.path().filename().string());
  }
  RunResult r =
      Run("rpm -qa --dbpath " + ShellQuote(copy.path()) +
          " --qf '%{NAME} %{EPOCH}:%{VERSION}-%{RELEASE} %{ARCH}\\n'");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::multiset<std::string> out;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    const size_t none = line.find(" (none):");
    if (none != std::string::npos) line.erase(none + 1, 7);
    out.insert(line);
  }
  return out;
}

struct Inventory {
  std::multiset<std::string> rows;  // "id version arch"
  json software;                    // the rpm rows
  json warnings;                    // the rpm collector's
};

Inventory RunInventory(const std::string& root) {
  RunResult r = RunContraband("inventory --format json " + ShellQuote(root));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  json report = ParseJson(r.out);
  Inventory out;
  out.software = json::array();
  out.warnings = json::array();
  for (const json& sw : report.at("software")) {
    if (sw.at("ecosystem") != "rpm") continue;
    out.software.push_back(sw);
    out.rows.insert(sw.at("id").get<std::string>() + " " +
                    sw.at("version").get<std::string>() + " " +
                    sw.at("arch").get<std::string>());
  }
  for (const json& w : report.at("warnings")) {
    if (w.at("collector") == "rpm") out.warnings.push_back(w);
  }
  return out;
}

const json* FindRow(const json& software, const std::string& id) {
  for (const json& sw : software) {
    if (sw.at("id") == id) return &sw;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("rpm e2e: an rpm-installed root lists what rpm -qa lists",
          "[e2e][rpm]") {
  TempDir dir;
  BuildRpmRoot(dir);
  const std::string root = dir.path() + "/root";

  const std::multiset<std::string> want = RpmQa(root + "/var/lib/rpm");
  REQUIRE(want.size() == 2);
  Inventory got = RunInventory(root);
  INFO(got.warnings.dump(2));
  CHECK(got.warnings.empty());
  // The symlinked /usr/lib/sysimage/rpm does not list them twice.
  CHECK(got.rows == want);

  const json* zoom = FindRow(got.software, "zoom");
  REQUIRE(zoom != nullptr);
  CHECK(zoom->at("name") == "zoom");
  CHECK(zoom->at("version") == "2:6.2.0.1855-1.el8");
  CHECK(zoom->at("publisher") == "Zoom Video Communications, Inc.");
  CHECK(zoom->at("state") == "installed");
  const std::string source = zoom->at("source");
  CHECK((source == "/var/lib/rpm/rpmdb.sqlite" ||
         source == "/usr/lib/sysimage/rpm/rpmdb.sqlite"));
  CHECK(zoom->at("evidence") == root);

  const json* kesl = FindRow(got.software, "kesl");
  REQUIRE(kesl != nullptr);
  CHECK(kesl->at("version") == "12.1.0-1297");
  CHECK(kesl->at("arch") == "noarch");
  CHECK(kesl->at("publisher") == "Test Builder <builder@example.org>");

  // The evidence is left as it was: nothing written beside the database.
  std::set<std::string> files;
  for (const auto& e : fs::directory_iterator(root + "/var/lib/rpm")) {
    files.insert(e.path().filename().string());
  }
  CHECK(
      RunContraband("inventory --format json " + ShellQuote(root)).exit_code ==
      0);
  std::set<std::string> after;
  for (const auto& e : fs::directory_iterator(root + "/var/lib/rpm")) {
    after.insert(e.path().filename().string());
  }
  CHECK(files == after);

  // And scanning it finds both banned products through their rpm records.
  RunResult r = RunContraband("scan --format json " + ShellQuote(root));
  INFO(r.err);
  CHECK(r.exit_code == 1);
  json report = ParseJson(r.out);
  std::set<std::string> products;
  for (const json& f : report.at("findings")) {
    if (f.at("software").at("ecosystem") == "rpm") {
      products.insert(f.at("product").get<std::string>());
    }
  }
  CHECK(products == std::set<std::string>{"kaspersky", "zoom"});
}

TEST_CASE("rpm e2e: every corpus database, in its place in a root",
          "[e2e][rpm]") {
  SKIP_UNLESS_CORPUS(CorpusPath("rpm"));
  INFO("rpm comes from the Debian package \"rpm\"");
  REQUIRE(HaveTool("rpm"));
  struct Case {
    const char* corpus;  // a folder, or a single Packages file
    const char* into;    // where it goes in the root
    size_t count;
    bool rpm_reads_it;  // Debian's rpm has no ndb backend
  };
  for (const Case& c : {
           Case{"rpm/osquery_rpm-bdb", "/var/lib/rpm", 3, true},
           Case{"rpm/scalibr_Packages_epoch", "/var/lib/rpm/Packages", 1, true},
           Case{"rpm/syft_redhat", "/var/lib/rpm", 1, true},
           Case{"rpm/osquery_rpm-sqlite", "/var/lib/rpm", 9, true},
           Case{"rpm/cbl-mariner-2.0", "/usr/lib/sysimage/rpm", 129, true},
           Case{"rpm/osquery_rpm-ndb", "/usr/lib/sysimage/rpm", 3, false},
           Case{"rpm/sle15-bci_v1", "/usr/lib/sysimage/rpm", 35, false},
           Case{"rpm/sle15-bci_v2", "/var/lib/rpm", 35, false},
       }) {
    INFO(c.corpus);
    TempDir dir;
    const std::string root = dir.path() + "/root";
    const std::string from = *CorpusPath(c.corpus);
    const std::string to = root + c.into;
    if (fs::is_directory(from)) {
      fs::create_directories(to);
      for (const auto& e : fs::directory_iterator(from)) {
        fs::copy_file(e.path(), to + "/" + e.path().filename().string());
      }
    } else {
      fs::create_directories(fs::path(to).parent_path());
      fs::copy_file(from, to);
    }
    Inventory got = RunInventory(root);
    INFO(got.warnings.dump(2));
    CHECK(got.warnings.empty());
    CHECK(got.rows.size() == c.count);
    if (c.rpm_reads_it) {
      const std::string db_dir =
          fs::is_directory(from) ? to : fs::path(to).parent_path().string();
      CHECK(got.rows == RpmQa(db_dir));
    }
  }
}
