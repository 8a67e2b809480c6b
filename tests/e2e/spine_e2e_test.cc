// End to end: a Debian root built with the real dpkg in the test, scanned by
// the built binary; JSON, text, exit codes and the catalog commands checked.
#include <catch2/catch.hpp>

#include <map>

#include <nlohmann/json.hpp>

#include "support/test_support.h"

using namespace contraband::testing;
using nlohmann::json;


TEST_CASE("scan of a dpkg root finds zoom, kaspersky and telegram only",
          "[e2e][dpkg]") {
  TempDir dir;
  BuildDebianRoot(dir);
  const std::string root = dir.path() + "/root";

  RunResult r = RunContraband("scan " + ShellQuote(root) + " --format json");
  INFO(r.err);
  REQUIRE(r.exit_code == 1);
  json j = ParseJson(r.out);
  CHECK(j["schema"] == "contraband/report/v1");
  CHECK(j["tool"]["name"] == "contraband");
  CHECK(j["catalog"]["source"] == "embedded");
  CHECK(j["catalog"]["sha256"].get<std::string>().size() == 64);
  REQUIRE(j["scan"]["evidence"].size() == 1);
  CHECK(j["scan"]["evidence"][0]["path"] == root);
  CHECK(j["scan"]["evidence"][0]["kind"] == "directory");

  std::vector<std::string> products;
  for (const json& f : j["findings"]) {
    products.push_back(f["product"]);
    CHECK(f["software"]["source"] == "/var/lib/dpkg/status");
    CHECK(f["software"]["evidence"] == root);
    CHECK(f["software"]["state"] == "installed");
    CHECK(f["matched"]["field"] == "id");
  }
  CHECK(products == std::vector<std::string>{"kaspersky", "telegram", "zoom"});
  const json& kesl = j["findings"][0];
  CHECK(kesl["software"]["id"] == "kesl");
  CHECK(kesl["software"]["version"] == "12.1.0-1297");
  CHECK(kesl["software"]["ecosystem"] == "dpkg");
  CHECK(kesl["product_name"] == "Kaspersky");
  CHECK(kesl["policies"].size() >= 2);
  CHECK(kesl["confidence"] == "high");
  CHECK(j["findings"][2]["matched"]["pattern"] == "zoom");
  CHECK(j["warnings"].empty());
  CHECK(j["stats"]["software"] >= 6);  // five installed + skype residue
  CHECK(j["stats"]["software"] <= 7);  // + the /opt/zoom install marker
  CHECK(j["stats"]["findings"] == 3);
  CHECK(j["stats"]["files_read"] >= 1);
  CHECK_FALSE(j.contains("software"));
}

TEST_CASE("residue is a finding only with --residue and never changes the verdict",
          "[e2e][dpkg]") {
  TempDir dir;
  BuildDebianRoot(dir);
  const std::string root = dir.path() + "/root";
  // Only the removed Skype is left once the installed banned packages go.
  Run("dpkg --root=" + ShellQuote(root) + " --log=" +
      ShellQuote(dir.path() + "/dpkg.log") +
      " --force-script-chrootless -r zoom kesl telegram-desktop");

  RunResult plain = RunContraband("scan --format json " + ShellQuote(root));
  CHECK(plain.exit_code == 0);
  CHECK(ParseJson(plain.out)["findings"].empty());

  RunResult r = RunContraband("scan --residue --inventory --format json " +
                              ShellQuote(root));
  INFO(r.err);
  CHECK(r.exit_code == 0);
  json j = ParseJson(r.out);
  REQUIRE(j["findings"].size() == 1);
  CHECK(j["findings"][0]["product"] == "skype");
  CHECK(j["findings"][0]["software"]["state"] == "residue");
  bool saw_xzoom = false;
  for (const json& s : j["software"]) saw_xzoom |= s["id"] == "xzoom";
  CHECK(saw_xzoom);
}

TEST_CASE("text report, -o, jsonl, csv and sarif", "[e2e][dpkg]") {
  TempDir dir;
  BuildDebianRoot(dir);
  const std::string root = ShellQuote(dir.path() + "/root");

  RunResult text = RunContraband("scan " + root);
  CHECK(text.exit_code == 1);
  CHECK_THAT(text.out, Catch::Contains("PRODUCT"));
  CHECK_THAT(text.out, Catch::Contains("kesl (dpkg)"));
  CHECK_THAT(text.out, Catch::Contains("/var/lib/dpkg/status"));
  CHECK_THAT(text.out, Catch::Contains("id equals zoom (high)"));
  CHECK_THAT(text.out, Catch::Contains("Verdict: banned software is installed."));
  CHECK_THAT(text.out, !Catch::Contains("xzoom"));

  const std::string out_file = dir.path() + "/report.json";
  RunResult quiet = RunContraband("scan -q --format json -o " +
                                  ShellQuote(out_file) + " " + root);
  CHECK(quiet.exit_code == 1);
  CHECK(quiet.out.empty());
  CHECK(ParseJson(ReadHostFile(out_file))["findings"].size() == 3);

  RunResult jsonl = RunContraband("scan --format jsonl --inventory " + root);
  CHECK(jsonl.exit_code == 1);
  std::vector<std::string> types;
  size_t pos = 0;
  while (pos < jsonl.out.size()) {
    size_t nl = jsonl.out.find('\n', pos);
    types.push_back(ParseJson(jsonl.out.substr(pos, nl - pos))["type"]);
    pos = nl + 1;
  }
  CHECK(std::count(types.begin(), types.end(), "finding") == 3);
  CHECK(std::count(types.begin(), types.end(), "software") >= 6);
  CHECK(types.back() == "summary");

  RunResult csv = RunContraband("scan --format csv " + root);
  CHECK(csv.exit_code == 1);
  CHECK(csv.out.rfind("type,product,confidence,policies", 0) == 0);
  CHECK_THAT(csv.out, Catch::Contains("finding,zoom,high,"));

  RunResult sarif = RunContraband("scan --format sarif " + root);
  json s = ParseJson(sarif.out);
  CHECK(s["version"] == "2.1.0");
  CHECK(s["runs"][0]["results"].size() == 3);
}

TEST_CASE("reports are deterministic apart from times", "[e2e][dpkg]") {
  TempDir dir;
  BuildDebianRoot(dir);
  const std::string root = ShellQuote(dir.path() + "/root");
  auto strip = [](json j) {
    j["scan"].erase("started");
    j["scan"].erase("finished");
    j["stats"].erase("duration_ms");
    return j.dump();
  };
  json a = ParseJson(RunContraband("scan --inventory --format json " + root).out);
  json b = ParseJson(RunContraband("scan --inventory --format json " + root).out);
  CHECK(strip(a) == strip(b));
}

TEST_CASE("policy option limits the products", "[e2e][dpkg]") {
  TempDir dir;
  BuildDebianRoot(dir);
  const std::string root = ShellQuote(dir.path() + "/root");
  RunResult r = RunContraband("scan --policy us-bod-17-01 --format json " + root);
  CHECK(r.exit_code == 1);
  json j = ParseJson(r.out);
  REQUIRE(j["findings"].size() == 1);
  CHECK(j["findings"][0]["product"] == "kaspersky");

  RunResult ua = RunContraband("scan --policy ua-nccc-2024 --format json " + root);
  CHECK(ua.exit_code == 1);
  CHECK(ParseJson(ua.out)["findings"][0]["product"] == "telegram");

  RunResult tw = RunContraband("scan --policy au-deepseek-2025 " + root);
  CHECK(tw.exit_code == 0);

  RunResult bad = RunContraband("scan --policy no-such-policy " + root);
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("no-such-policy"));
}

TEST_CASE("exit codes for missing evidence, bad usage and several evidence",
          "[e2e]") {
  TempDir dir;
  RunResult missing = RunContraband("scan " + ShellQuote(dir.path() + "/nope"));
  CHECK(missing.exit_code == 3);
  CHECK_THAT(missing.err, Catch::Contains(dir.path() + "/nope"));

  RunResult unknown = RunContraband("scan --no-such-option " + ShellQuote(dir.path()));
  CHECK(unknown.exit_code == 2);
  CHECK(RunContraband("scan --format yaml " + ShellQuote(dir.path())).exit_code == 2);
  CHECK(RunContraband("frobnicate").exit_code == 2);

  const std::string file = dir.Write("notes.txt", "not evidence");
  RunResult not_evidence = RunContraband("scan " + ShellQuote(file));
  CHECK(not_evidence.exit_code == 3);
  CHECK_THAT(not_evidence.err, Catch::Contains("notes.txt"));

  // An empty folder is readable evidence with nothing in it.
  dir.Write("empty/.keep", "");
  CHECK(RunContraband("scan " + ShellQuote(dir.path() + "/empty")).exit_code == 0);

  // Two evidence arguments, one missing: the other is still reported, exit 3.
  RunResult both = RunContraband("scan --format json " +
                                 ShellQuote(dir.path() + "/empty") + " " +
                                 ShellQuote(dir.path() + "/nope"));
  CHECK(both.exit_code == 3);
  CHECK(ParseJson(both.out)["scan"]["evidence"].size() == 1);
}

TEST_CASE("a damaged status file is a warning with its path, not a failure",
          "[e2e][dpkg]") {
  TempDir dir;
  dir.Write("root/var/lib/dpkg/status",
            "Package: zoom\nStatus: install ok installed\nVersion: 1\n\n"
            "Package: broken\ngarbage line\n\n"
            "Package: kesl\nStatus: install ok installed\nVers");
  RunResult r = RunContraband("scan --format json " + ShellQuote(dir.path() + "/root"));
  CHECK(r.exit_code == 1);
  json j = ParseJson(r.out);
  REQUIRE(j["findings"].size() == 2);  // kesl survives its cut-off Version
  REQUIRE(j["warnings"].size() == 2);
  CHECK(j["warnings"][0]["path"] == "/var/lib/dpkg/status");
  CHECK(j["warnings"][0]["collector"] == "dpkg");
}

TEST_CASE("the live host scans cleanly and quickly enough to be a script step",
          "[e2e]") {
  RunResult r = RunContraband("scan / --format json");
  INFO(r.err);
  CHECK((r.exit_code == 0 || r.exit_code == 1));
  json j = ParseJson(r.out);
  CHECK(j["scan"]["evidence"][0]["kind"] == "host");
  CHECK(j["stats"]["software"] > 0);  // this Debian machine has dpkg packages
}

TEST_CASE("version and catalog commands", "[e2e][catalog]") {
  RunResult v = RunContraband("--version");
  CHECK(v.exit_code == 0);
  CHECK_THAT(v.out, Catch::Matches("contraband [0-9.]+\ncatalog [0-9.]+ sha256 [0-9a-f]{64} [\\s\\S]*", Catch::CaseSensitive::Yes));

  RunResult list = RunContraband("catalog list");
  CHECK(list.exit_code == 0);
  for (const char* id : {"kaspersky", "wechat", "tiktok", "whatsapp", "skype",
                         "zoom", "telegram", "us-bod-17-01", "uk-ncsc-2017",
                         "ca-tbs-2023", "rostec-2021"}) {
    CHECK_THAT(list.out, Catch::Contains(id));
  }
  RunResult show = RunContraband("catalog show zoom");
  CHECK(show.exit_code == 0);
  json z = ParseJson(show.out);
  CHECK(z["id"] == "zoom");
  CHECK_FALSE(z["rules"].empty());
  CHECK(RunContraband("catalog show nothing-here").exit_code == 2);

  RunResult valid = RunContraband("catalog validate " + ShellQuote(std::string(SOURCE_DIR) + "/signatures"));
  CHECK(valid.exit_code == 0);
  CHECK_THAT(valid.out, Catch::Contains("valid catalog"));

  TempDir bad;
  bad.Write("products/zoom.json",
            R"({"schema": "contraband/product/v1", "id": "zoom", "name": "Zoom",
                "vendor": "Z", "rules": [{"ecosystem": "dpkg", "field": "id",
                "equals": ["zoom"], "confidence": "certain"}]})");
  RunResult invalid = RunContraband("catalog validate " + ShellQuote(bad.path()));
  CHECK(invalid.exit_code == 2);
  CHECK_THAT(invalid.err, Catch::Contains("products/zoom.json: rules[0].confidence"));

  // --catalog overrides the embedded catalog, for scans and for --version.
  TempDir own;
  own.Write("products/zoom.json",
            R"({"schema": "contraband/product/v1", "id": "zoom", "name": "Zoom",
                "vendor": "Z", "rules": [{"ecosystem": "dpkg", "field": "id",
                "equals": ["coreutils"], "confidence": "low"}]})");
  own.Write("root/var/lib/dpkg/status",
            "Package: coreutils\nStatus: install ok installed\nVersion: 9\n");
  RunResult custom = RunContraband("scan --format json --catalog " +
                                   ShellQuote(own.path() + "/products") + " " +
                                   ShellQuote(own.path() + "/root"));
  CHECK(custom.exit_code == 1);
  json c = ParseJson(custom.out);
  CHECK(c["catalog"]["version"] == "unversioned");
  CHECK(c["findings"][0]["confidence"] == "low");
  CHECK(RunContraband("scan --catalog " + ShellQuote(bad.path()) + " " +
                      ShellQuote(own.path() + "/root")).exit_code == 2);
}

TEST_CASE("fail-on and min-confidence options choose what counts, and the "
          "text report says why each product is banned",
          "[e2e][dpkg]") {
  TempDir own;
  // zoom matched by its exact id (high), kaspersky only by a low name rule.
  own.Write("products/zoom.json",
            R"({"schema": "contraband/product/v1", "id": "zoom", "name": "Zoom",
                "vendor": "Z", "rules": [{"ecosystem": "dpkg", "field": "id",
                "equals": ["zoom"], "confidence": "high"}]})");
  own.Write("products/kaspersky.json",
            R"({"schema": "contraband/product/v1", "id": "kaspersky",
                "name": "Kaspersky", "vendor": "K", "rules": [{"ecosystem":
                "dpkg", "field": "id", "prefix": ["kes"], "confidence": "low"}]})");
  own.Write("policies.json",
            R"({"schema": "contraband/policies/v1", "policies": [
                {"id": "us-bod-17-01", "name": "DHS BOD 17-01",
                 "jurisdiction": "US", "authority": "DHS",
                 "instrument": "BOD 17-01", "date": "2017-09-13",
                 "scope": "devices",
                 "source": "https://www.cisa.gov/news-events/directives/bod-17-01",
                 "products": ["kaspersky"]}]})");
  own.Write("root/var/lib/dpkg/status",
            "Package: zoom\nStatus: install ok installed\nVersion: 5\n\n"
            "Package: kesl\nStatus: install ok installed\nVersion: 12\n");
  const std::string args = "--catalog " + ShellQuote(own.path()) + " " +
                           ShellQuote(own.path() + "/root");
  auto products = [](const RunResult& r) {
    std::vector<std::string> out;
    const json report = ParseJson(r.out);
    for (const json& f : report["findings"]) out.push_back(f["product"]);
    return out;
  };

  RunResult text = RunContraband("scan " + args);
  INFO(text.err);
  CHECK(text.exit_code == 1);
  CHECK_THAT(text.out, Catch::Contains("Why banned:\n  kaspersky (Kaspersky):\n"
                                       "    us-bod-17-01 (2017-09-13): DHS BOD "
                                       "17-01 <https://www.cisa.gov/"));
  CHECK_THAT(text.out, Catch::Contains(
                           "  zoom (Zoom): no policy of this catalog names it"));

  RunResult all = RunContraband("scan --format json " + args);
  CHECK(products(all) == std::vector<std::string>{"kaspersky", "zoom"});

  RunResult high = RunContraband("scan --format json --min-confidence high " + args);
  CHECK(high.exit_code == 1);
  CHECK(products(high) == std::vector<std::string>{"zoom"});
  CHECK(ParseJson(high.out)["stats"]["findings"] == 1);

  // Both findings reported; only a high one would fail the run.
  own.Write("root/var/lib/dpkg/status",
            "Package: kesl\nStatus: install ok installed\nVersion: 12\n");
  RunResult low_only = RunContraband("scan --format json --fail-on high " + args);
  CHECK(low_only.exit_code == 0);
  CHECK(products(low_only) == std::vector<std::string>{"kaspersky"});
  CHECK(RunContraband("scan --fail-on low " + args).exit_code == 1);
  CHECK(RunContraband("scan --fail-on none " + args).exit_code == 0);
  CHECK(RunContraband("scan --fail-on sometimes " + args).exit_code == 2);
}

TEST_CASE("a baseline report marks findings new or unchanged and lists the "
          "resolved ones in every format, and fail-on-new alerts once",
          "[e2e][dpkg][baseline]") {
  TempDir dir;
  BuildDebianRoot(dir);
  const std::string root = ShellQuote(dir.path() + "/root");
  const std::string last = dir.path() + "/last.json";
  RunResult first = RunContraband("scan --format json -o " + ShellQuote(last) +
                                  " " + root);
  REQUIRE(first.exit_code == 1);

  // Nothing changed: every finding unchanged, and --fail-on-new is quiet.
  RunResult same = RunContraband("scan --format json --fail-on-new --baseline " +
                                 ShellQuote(last) + " " + root);
  INFO(same.err);
  CHECK(same.exit_code == 0);
  json s = ParseJson(same.out);
  for (const json& f : s["findings"]) CHECK(f["baseline"] == "unchanged");
  CHECK(s["baseline"]["new"] == 0);
  CHECK(s["baseline"]["unchanged"] == 3);
  CHECK(s["baseline"]["resolved"].empty());

  // kesl gone from the status file, and a banned package installed.
  const std::string status = dir.path() + "/root/var/lib/dpkg/status";
  std::string text = ReadHostFile(status);
  const size_t kesl = text.find("Package: kesl\n");
  REQUIRE(kesl != std::string::npos);
  const size_t end = text.find("\n\n", kesl);
  text.erase(kesl, end == std::string::npos ? std::string::npos : end + 2 - kesl);
  // Skype, left as config-files by BuildDebianRoot, installed again.
  const size_t skype = text.find("Package: skypeforlinux\n");
  REQUIRE(skype != std::string::npos);
  const size_t line = text.find("Status: ", skype);
  text.replace(line, text.find('\n', line) - line, "Status: install ok installed");
  WriteHostFile(status, text);

  const std::string args = "--baseline " + ShellQuote(last) + " " + root;
  RunResult changed = RunContraband("scan --format json --fail-on-new " + args);
  CHECK(changed.exit_code == 1);
  json c = ParseJson(changed.out);
  std::map<std::string, std::string> state;
  for (const json& f : c["findings"]) state[f["product"]] = f["baseline"];
  CHECK(state == std::map<std::string, std::string>{
                     {"skype", "new"}, {"telegram", "unchanged"}, {"zoom", "unchanged"}});
  REQUIRE(c["baseline"]["resolved"].size() == 1);
  CHECK(c["baseline"]["resolved"][0]["product"] == "kaspersky");
  CHECK(c["baseline"]["resolved"][0]["id"] == "kesl");

  RunResult t = RunContraband("scan " + args);
  CHECK_THAT(t.out, Catch::Contains("installed (new)"));
  CHECK_THAT(t.out, Catch::Contains("Resolved since the baseline " + last +
                                    " (1):\n  kaspersky: kesl (dpkg) 12.1.0-1297 "
                                    "installed /var/lib/dpkg/status"));
  RunResult jl = RunContraband("scan --format jsonl " + args);
  CHECK_THAT(jl.out, Catch::Contains("{\"type\":\"resolved\",\"product\":\"kaspersky\""));
  RunResult csv = RunContraband("scan --format csv " + args);
  CHECK_THAT(csv.out, Catch::Contains(",also_sources,baseline\r\n"));
  CHECK_THAT(csv.out, Catch::Contains("resolved,kaspersky,high,"));
  CHECK_THAT(csv.out, Catch::Contains(",new\r\n"));
  json sarif = ParseJson(RunContraband("scan --format sarif " + args).out);
  std::map<std::string, std::string> states;
  for (const json& res : sarif["runs"][0]["results"]) {
    states[res["ruleId"]] = res["baselineState"];
  }
  CHECK(states == std::map<std::string, std::string>{{"kaspersky", "absent"},
                                                     {"skype", "new"},
                                                     {"telegram", "unchanged"},
                                                     {"zoom", "unchanged"}});
  RunResult ecs = RunContraband("scan --format ecs " + args);
  const std::string summary = ecs.out.substr(ecs.out.rfind('\n', ecs.out.size() - 2) + 1);
  CHECK(ParseJson(summary)["contraband"]["baseline"]["resolved"][0]["id"] == "kesl");
  // One type per ECS field: a finding's word is baseline_status, the
  // summary's object is baseline.
  const json first_line = ParseJson(ecs.out.substr(0, ecs.out.find('\n')));
  CHECK(first_line["contraband"].contains("baseline_status"));
  CHECK_FALSE(first_line["contraband"].contains("baseline"));

  // A baseline that is not a report, and --fail-on-new alone: usage errors.
  const std::string junk = dir.Write("junk.json", "{\"hello\": 1}");
  RunResult bad = RunContraband("scan --baseline " + ShellQuote(junk) + " " + root);
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("is not a JSON report of contraband"));
  CHECK(RunContraband("scan --fail-on-new " + root).exit_code == 2);
}

TEST_CASE("max-runtime stops cleanly with a report that says it is partial, "
          "and nice runs at the lowest priority",
          "[e2e][dpkg][runtime]") {
  INFO("the test needs zstd and python3");
  REQUIRE(HaveTool("zstd"));
  TempDir dir;
  // A tar.zst whose first two entries are 7 GiB of zeros each (14 GiB to
  // decompress: seconds on any machine) before the dpkg status naming kesl;
  // made cheaply from one compressed GiB repeated (zstd reads concatenated
  // frames as one stream).
  const std::string script = R"(
set -e
cd "$1"
head -c 1G /dev/zero | zstd -q -1 -c > gib.zst
python3 - <<'PY'
import tarfile, io
def header(name, size):
    t = tarfile.TarInfo(name); t.size = size
    return t.tobuf(format=tarfile.USTAR_FORMAT)
status = b"Package: kesl\nStatus: install ok installed\nVersion: 12\n"
open("h1", "wb").write(header("zeros1", 7 << 30))
open("h2", "wb").write(header("zeros2", 7 << 30))
tail = header("var/lib/dpkg/status", len(status)) + status
tail += b"\0" * (-len(tail) % 512) + b"\0" * 1024
open("tail", "wb").write(tail)
PY
for f in h1 h2 tail; do zstd -q -1 -c $f > $f.zst; done
{ cat h1.zst; for i in 1 2 3 4 5 6 7; do cat gib.zst; done
  cat h2.zst; for i in 1 2 3 4 5 6 7; do cat gib.zst; done
  cat tail.zst; } > slow.tar.zst
mkdir -p second/var/lib/dpkg
printf 'Package: zoom\nStatus: install ok installed\nVersion: 5\n' > second/var/lib/dpkg/status
)";
  RunResult made = Run("bash -c " + ShellQuote(script) + " x " + ShellQuote(dir.path()));
  INFO(made.err);
  REQUIRE(made.exit_code == 0);
  const std::string slow = dir.path() + "/slow.tar.zst";
  const std::string second = dir.path() + "/second";

  // Without a limit both are read: kesl and zoom.
  RunResult whole = RunContraband("scan --format json " + ShellQuote(slow) +
                                  " " + ShellQuote(second));
  CHECK(whole.exit_code == 1);
  CHECK(ParseJson(whole.out)["findings"].size() == 2);

  // With one second, the scan stops after the zeros.
  RunResult r = RunContraband("scan --max-runtime 1 --format json " +
                              ShellQuote(slow) + " " + ShellQuote(second));
  INFO(r.err);
  CHECK(r.exit_code == 3);
  json j = ParseJson(r.out);
  CHECK(j["findings"].empty());  // neither kesl (after the zeros) nor zoom
  CHECK(j["scan"]["stopped"] == json::array({slow, second}));
  bool said = false;
  for (const json& w : j["warnings"]) {
    said |= w["message"].get<std::string>().find("--max-runtime reached after") !=
            std::string::npos;
  }
  CHECK(said);
  RunResult text = RunContraband("scan --max-runtime 1 " + ShellQuote(slow) +
                                 " " + ShellQuote(second));
  CHECK(text.exit_code == 3);
  CHECK_THAT(text.out, Catch::Contains("INCOMPLETE: --max-runtime stopped the "
                                       "scan, so these were read in part or not "
                                       "at all: " + slow + " " + second));

  // --nice, read back from the kernel.
  RunResult nice = RunContraband("scan --nice --verbose " + ShellQuote(second));
  CHECK(nice.exit_code == 1);
  CHECK_THAT(nice.err, Catch::Contains("running at nice 19, I/O class idle"));
}
