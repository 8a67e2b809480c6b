// End to end: contrib/ansible run by Debian's ansible-playbook against three
// inventory hosts (all connection local) whose evidence gives exit 0, 1 and
// 3; the role copies the built binary, scans, fetches ECS lines; the report
// play merges them. ansible-lint checks the playbooks and roles. Skipped,
// visibly, where ansible-playbook is not installed.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "support/test_support.h"

using namespace contraband::testing;
using nlohmann::json;

namespace {

const std::string kAnsibleDir = std::string(SOURCE_DIR) + "/contrib/ansible";

std::vector<std::string> FilesIn(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.is_regular_file()) names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

size_t CountLines(const std::string& text) {
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

// The PLAY RECAP line of `host` ("host : ok=9 changed=5 ... failed=1 ...").
std::string RecapLine(const std::string& out, const std::string& host) {
  const size_t recap = out.find("PLAY RECAP");
  if (recap == std::string::npos) return "";
  size_t pos = out.find("\n" + host + " ", recap);
  if (pos == std::string::npos) return "";
  ++pos;
  return out.substr(pos, out.find('\n', pos) - pos);
}

}  // namespace

TEST_CASE("Ansible audit playbook over three local hosts fails the "
          "incomplete one, fetches three ECS files and merges them",
          "[e2e][ansible][contrib]") {
  if (!HaveTool("ansible-playbook")) {
    WARN("ansible-playbook not installed (Debian ansible-core): skipped");
    return;
  }
  TempDir dir;
  BuildDebianRoot(dir);  // dir/root: kesl, zoom, telegram-desktop installed
  dir.Write("clean/var/lib/dpkg/status",
            "Package: coreutils\nStatus: install ok installed\nVersion: 9.1-1\n");
  const std::string d = dir.path();
  // Three hosts on this machine; each its own working folder, as separate
  // machines would have. The third names evidence that is not there: its
  // scan is incomplete (exit 3) with a partial report.
  dir.Write("inventory.yml",
            "all:\n"
            "  vars:\n"
            "    ansible_connection: local\n"
            "    ansible_python_interpreter: /usr/bin/python3\n"
            "    contraband_binary: " CONTRABAND_BIN "\n"
            "    contraband_fetch_dir: " + d + "/fetched\n"
            "  hosts:\n"
            "    clean-host:\n"
            "      contraband_evidence: [" + d + "/clean]\n"
            "      contraband_remote_dir: " + d + "/remote/clean-host\n"
            "    banned-host:\n"
            "      contraband_evidence: [" + d + "/root]\n"
            "      contraband_remote_dir: " + d + "/remote/banned-host\n"
            "    partial-host:\n"
            "      contraband_evidence: [" + d + "/root, " + d + "/gone]\n"
            "      contraband_remote_dir: " + d + "/remote/partial-host\n");
  const std::string env = "ANSIBLE_CONFIG=" + ShellQuote(kAnsibleDir + "/ansible.cfg") +
                          " ANSIBLE_NOCOLOR=1 ANSIBLE_LOCAL_TEMP=" +
                          ShellQuote(d + "/ansible-tmp") + " ";
  RunResult r = Run(env + "ansible-playbook -i " + ShellQuote(d + "/inventory.yml") +
                    " " + ShellQuote(kAnsibleDir + "/audit.yml") + " 2>&1");
  INFO(r.out);
  // ansible-playbook exits 2 when a host failed.
  CHECK(r.exit_code == 2);
  // Which hosts failed: only the incomplete one.
  CHECK_THAT(RecapLine(r.out, "banned-host"), Catch::Contains("failed=0"));
  CHECK_THAT(RecapLine(r.out, "clean-host"), Catch::Contains("failed=0"));
  CHECK_THAT(RecapLine(r.out, "partial-host"), Catch::Contains("failed=1"));
  CHECK_THAT(r.out, Catch::Contains("\"rc\": 3"));

  // What was fetched: three ECS files (the partial one too) and statuses.
  const std::string fetched = d + "/fetched";
  REQUIRE(std::filesystem::is_directory(fetched));
  CHECK(FilesIn(fetched) ==
        std::vector<std::string>{"banned-host.ecs.jsonl", "banned-host.status.json",
                                 "clean-host.ecs.jsonl", "clean-host.status.json",
                                 "partial-host.ecs.jsonl", "partial-host.status.json"});
  const std::string banned = ReadHostFile(fetched + "/banned-host.ecs.jsonl");
  const std::string clean = ReadHostFile(fetched + "/clean-host.ecs.jsonl");
  const std::string partial = ReadHostFile(fetched + "/partial-host.ecs.jsonl");
  // Each is what the binary writes: schema-valid ECS lines.
  for (const std::string* text : {&banned, &clean, &partial}) {
    CHECK(SchemaErrors("schemas/ecs.schema.json", *text, true).empty());
  }
  CHECK(CountLines(banned) == 4);  // kaspersky, telegram, zoom, summary
  CHECK(CountLines(clean) == 1);   // the summary only
  CHECK(CountLines(partial) == 4);
  CHECK_THAT(partial, Catch::Contains("\"verdict\":\"incomplete\""));
  CHECK(ParseJson(ReadHostFile(fetched + "/partial-host.status.json"))["rc"] == 3);
  CHECK(ParseJson(ReadHostFile(fetched + "/clean-host.status.json"))["rc"] == 0);
  // The role cleans up after itself on each host and left the verified copy.
  CHECK_FALSE(std::filesystem::exists(d + "/remote/banned-host/findings.ecs.jsonl"));
  CHECK(ReadHostFile(d + "/remote/banned-host/contraband") ==
        ReadHostFile(CONTRABAND_BIN));

  // The merged summary, printed by the playbook and written as JSON.
  CHECK_THAT(r.out, Catch::Contains("contraband fleet summary: 3 hosts, 6 findings"));
  CHECK_THAT(r.out, Catch::Contains(
      "hosts by verdict: banned-installed 1, incomplete 1, clean 1"));
  json summary = ParseJson(ReadHostFile(fetched + "/report/summary.json"));
  CHECK(summary["hosts"] == 3);
  CHECK(summary["products"]["kaspersky"]["hosts"] == 2);
  CHECK(summary["products"]["kaspersky"]["host_names"] ==
        json::array({"banned-host", "partial-host"}));
  CHECK(summary["products"]["zoom"]["installed_hosts"] == 2);
  CHECK(summary["per_host"]["clean-host"]["verdict"] == "clean");
  CHECK(summary["per_host"]["banned-host"]["verdict"] == "banned-installed");
  CHECK(summary["per_host"]["banned-host"]["findings"] == 3);
  CHECK(summary["per_host"]["partial-host"]["verdict"] == "incomplete");
  CHECK_THAT(summary["per_host"]["partial-host"]["stderr"].get<std::string>(),
             Catch::Contains("/gone"));
  const std::string page = ReadHostFile(fetched + "/report/fleet.html");
  // The incomplete host's findings count: Kaspersky is installed there too.
  CHECK(summary["hosts_with_installed"] == 2);
  CHECK_THAT(r.out, Catch::Contains("hosts with banned software installed: 2"));
  CHECK_THAT(page, Catch::Contains("Banned software is installed on 2 of 3 hosts. "
                                   "1 hosts were not scanned completely."));
  CHECK_THAT(page, Catch::Contains("<td>partial-host</td>"));
  // Self-contained: nothing is loaded from anywhere.
  CHECK_THAT(page, !Catch::Contains("src=") && !Catch::Contains("href="));
}

TEST_CASE("Ansible merge step escapes hostile values in the fleet HTML and "
          "skips broken lines with a warning",
          "[e2e][ansible][contrib]") {
  TempDir dir;
  // A package name and a host name from hostile evidence, and a damaged line.
  dir.Write("in/<b>host.ecs.jsonl",
            R"({"event":{"kind":"alert"},"rule":{"id":"kaspersky","name":"K"},)"
            R"("package":{"name":"<script>alert(1)</script>","version":"1\"><img>"},)"
            R"("contraband":{"software":{"state":"installed"}}})"
            "\nnot json\n"
            R"({"event":{"kind":"state"},"contraband":{"verdict":"banned-installed"}})"
            "\n");
  RunResult r = Run("python3 " +
                    ShellQuote(kAnsibleDir +
                               "/roles/contraband_report/files/contraband_merge.py") +
                    " " + ShellQuote(dir.path() + "/in") + " " +
                    ShellQuote(dir.path() + "/out"));
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const std::string page = ReadHostFile(dir.path() + "/out/fleet.html");
  CHECK_THAT(page, !Catch::Contains("<script>"));
  CHECK_THAT(page, !Catch::Contains("<img>"));
  CHECK_THAT(page, !Catch::Contains("<b>host"));
  CHECK_THAT(page, Catch::Contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
  CHECK_THAT(page, Catch::Contains("&lt;b&gt;host"));
  CHECK_THAT(r.out, Catch::Contains("warning: "));
  CHECK_THAT(r.out, Catch::Contains(":2: not JSON"));
  json summary = ParseJson(ReadHostFile(dir.path() + "/out/summary.json"));
  CHECK(summary["findings"] == 1);
  CHECK(summary["per_host"]["<b>host"]["verdict"] == "banned-installed");
}

TEST_CASE("ansible-lint passes on the contrib playbooks and roles",
          "[e2e][ansible][contrib]") {
  if (!HaveTool("ansible-lint")) {
    WARN("ansible-lint not installed: skipped");
    return;
  }
  TempDir home;
  // --offline: no Galaxy lookups (CI has no network); the production profile.
  RunResult r = Run("cd " + ShellQuote(kAnsibleDir) + " && HOME=" +
                    ShellQuote(home.path()) +
                    " NO_COLOR=1 ansible-lint --offline --profile production "
                    "audit.yml report.yml roles/ 2>&1");
  INFO(r.out);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("Passed"));
}
