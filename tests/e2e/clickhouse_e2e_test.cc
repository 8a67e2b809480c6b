// End to end: contrib/clickhouse on Debian's clickhouse-server (18.16),
// started by the test on a loopback port in a temp folder and stopped after.
// Three hosts' ECS lines from real scans are flattened by
// ecs_to_clickhouse.py, inserted with INSERT ... FORMAT JSONEachRow, and the
// auditor's queries of queries.sql are asked. Skipped, visibly, where
// clickhouse-server is not installed.
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "support/test_support.h"

using namespace contraband::testing;

namespace {

const std::string kClickhouseDir = std::string(SOURCE_DIR) + "/contrib/clickhouse";

// A clickhouse-server of its own: config, data and logs in `dir`, listening
// on 127.0.0.1 only; killed when the object dies.
class ClickhouseServer {
 public:
  explicit ClickhouseServer(const TempDir& dir) : dir_(dir.path()) {
    // A free port, chosen by the kernel.
    port_ = Run("python3 -c 'import socket; s=socket.socket(); "
                "s.bind((\"127.0.0.1\", 0)); print(s.getsockname()[1])'")
                .out;
    port_.erase(port_.find_last_not_of("\n") + 1);
    const std::string http = std::to_string(std::stoi(port_) + 1);
    dir.Write("server/config.xml",
              "<?xml version=\"1.0\"?>\n<yandex>\n"
              "  <logger><level>warning</level><log>" + dir_ + "/server/log</log>"
              "<errorlog>" + dir_ + "/server/err.log</errorlog></logger>\n"
              "  <tcp_port>" + port_ + "</tcp_port>\n"
              "  <http_port>" + http + "</http_port>\n"
              "  <listen_host>127.0.0.1</listen_host>\n"
              "  <path>" + dir_ + "/server/data/</path>\n"
              "  <tmp_path>" + dir_ + "/server/tmp/</tmp_path>\n"
              "  <user_files_path>" + dir_ + "/server/user_files/</user_files_path>\n"
              "  <format_schema_path>" + dir_ + "/server/format_schemas/</format_schema_path>\n"
              "  <users_config>" + dir_ + "/server/users.xml</users_config>\n"
              "  <default_profile>default</default_profile>\n"
              "  <default_database>default</default_database>\n"
              "  <timezone>UTC</timezone>\n"
              "  <mark_cache_size>67108864</mark_cache_size>\n"
              "</yandex>\n");
    dir.Write("server/users.xml",
              "<?xml version=\"1.0\"?>\n<yandex>\n"
              "  <profiles><default><max_memory_usage>2000000000</max_memory_usage>"
              "</default></profiles>\n"
              "  <users><default><password></password><networks><ip>127.0.0.1</ip>"
              "</networks><profile>default</profile><quota>default</quota>"
              "</default></users>\n"
              "  <quotas><default><interval><duration>3600</duration>"
              "<queries>0</queries><errors>0</errors><result_rows>0</result_rows>"
              "<read_rows>0</read_rows><execution_time>0</execution_time>"
              "</interval></default></quotas>\n</yandex>\n");
    pid_ = Run("clickhouse-server --config-file=" +
               ShellQuote(dir_ + "/server/config.xml") + " </dev/null >" +
               ShellQuote(dir_ + "/server/stdout") + " 2>&1 & echo $!")
               .out;
    pid_.erase(pid_.find_last_not_of("\n") + 1);
    for (int i = 0; i < 300 && !ready_; ++i) {
      ready_ = Query("SELECT 1").out == "1\n";
      if (!ready_) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  ~ClickhouseServer() {
    if (pid_.empty()) return;
    Run("kill " + pid_ + "; for i in $(seq 100); do kill -0 " + pid_ +
        " 2>/dev/null || exit 0; sleep 0.1; done; kill -9 " + pid_);
  }
  bool ready() const { return ready_; }
  std::string Log() const { return ReadHostFile(dir_ + "/server/stdout"); }

  RunResult Query(const std::string& sql, const std::string& stdin_file = "") const {
    return Run("clickhouse-client --host 127.0.0.1 --port " + port_ +
               " --query " + ShellQuote(sql) +
               (stdin_file.empty() ? "" : " < " + ShellQuote(stdin_file)));
  }
  RunResult MultiQuery(const std::string& file) const {
    return Run("clickhouse-client --host 127.0.0.1 --port " + port_ +
               " --multiquery < " + ShellQuote(file));
  }

 private:
  std::string dir_;
  std::string port_;
  std::string pid_;
  bool ready_ = false;
};

// The query called `name` in queries.sql (from its "-- query: NAME" line to
// the next one), without the final semicolon.
std::string NamedQuery(const std::string& name) {
  const std::string sql = ReadHostFile(kClickhouseDir + "/queries.sql");
  const std::string marker = "\n-- query: " + name + "\n";
  size_t start = sql.find(marker);
  REQUIRE(start != std::string::npos);
  start += marker.size();
  size_t end = sql.find("\n-- query: ", start);
  std::string body = sql.substr(start, end == std::string::npos ? end : end - start);
  body.erase(body.find_last_of(';'));
  return body;
}

// Column `col` (0-based) of each tab-separated row of `tsv`.
std::vector<std::string> Column(const std::string& tsv, size_t col) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < tsv.size()) {
    size_t nl = tsv.find('\n', pos);
    if (nl == std::string::npos) nl = tsv.size();
    std::string row = tsv.substr(pos, nl - pos);
    size_t field_start = 0;
    for (size_t i = 0; i < col && field_start != std::string::npos; ++i) {
      field_start = row.find('\t', field_start);
      if (field_start != std::string::npos) ++field_start;
    }
    out.push_back(field_start == std::string::npos
                      ? ""
                      : row.substr(field_start, row.find('\t', field_start) - field_start));
    pos = nl + 1;
  }
  return out;
}

}  // namespace

TEST_CASE("ClickHouse ingests three hosts' ECS lines and answers which hosts "
          "have Kaspersky, what was found since a date, which policies each "
          "host breaks",
          "[e2e][clickhouse][contrib]") {
  if (!HaveTool("clickhouse-server") || !HaveTool("clickhouse-client")) {
    WARN("clickhouse-server or clickhouse-client not installed: skipped");
    return;
  }
  TempDir dir;
  BuildDebianRoot(dir);  // kesl, zoom, telegram-desktop installed
  dir.Write("clean/var/lib/dpkg/status",
            "Package: coreutils\nStatus: install ok installed\nVersion: 9.1-1\n");
  const std::string d = dir.path();
  // Three hosts' ECS files, named as the Ansible role fetches them.
  REQUIRE(Run("mkdir " + ShellQuote(d + "/night1")).exit_code == 0);
  CHECK(RunContraband("scan --format ecs -o " + ShellQuote(d + "/night1/clean-host.ecs.jsonl") +
                      " " + ShellQuote(d + "/clean")).exit_code == 0);
  CHECK(RunContraband("scan --format ecs -o " + ShellQuote(d + "/night1/banned-host.ecs.jsonl") +
                      " " + ShellQuote(d + "/root")).exit_code == 1);
  CHECK(RunContraband("scan --format ecs -o " + ShellQuote(d + "/night1/partial-host.ecs.jsonl") +
                      " " + ShellQuote(d + "/root") + " " + ShellQuote(d + "/gone"))
            .exit_code == 3);

  ClickhouseServer server(dir);
  INFO(server.Log());
  REQUIRE(server.ready());
  RunResult version = server.Query("SELECT version()");
  INFO("ClickHouse " << version.out);

  RunResult schema = server.MultiQuery(kClickhouseDir + "/schema.sql");
  INFO(schema.err);
  REQUIRE(schema.exit_code == 0);
  const std::string convert = "python3 " + ShellQuote(kClickhouseDir + "/ecs_to_clickhouse.py") +
                              " --host-from-filename ";
  auto ingest = [&](const std::string& night) {
    const std::string files = ShellQuote(d + "/" + night) + "/*.ecs.jsonl";
    for (const char* table : {"findings", "scans"}) {
      const std::string rows = d + "/" + night + "-" + table + ".jsonl";
      RunResult c = Run(convert + "--table " + table + " " + files + " > " + ShellQuote(rows));
      INFO(c.err);
      REQUIRE(c.exit_code == 0);
      // ClickHouse refuses an INSERT of no rows (a night of clean hosts).
      if (ReadHostFile(rows).empty()) continue;
      RunResult insert = server.Query(
          "INSERT INTO contraband_" + std::string(table) + " FORMAT JSONEachRow", rows);
      INFO(insert.err);
      REQUIRE(insert.exit_code == 0);
    }
  };
  ingest("night1");
  CHECK(server.Query("SELECT count() FROM contraband_findings").out == "6\n");
  CHECK(server.Query("SELECT count() FROM contraband_scans").out == "3\n");
  // The raw line is kept whole, and the time parsed as UTC.
  CHECK_THAT(server.Query("SELECT raw FROM contraband_findings WHERE "
                          "host_name = 'banned-host' AND product = 'kaspersky'").out,
             Catch::Contains("\"package\":{\"name\":\"kesl\""));

  // Which hosts have Kaspersky: the two whose dpkg has kesl.
  RunResult kaspersky = server.Query(NamedQuery("hosts_with_kaspersky"));
  INFO(kaspersky.err);
  REQUIRE(kaspersky.exit_code == 0);
  CHECK(Column(kaspersky.out, 0) ==
        std::vector<std::string>{"banned-host", "partial-host"});
  CHECK(Column(kaspersky.out, 2) == std::vector<std::string>{"['kesl']", "['kesl']"});

  RunResult policies = server.Query(NamedQuery("policies_per_host"));
  INFO(policies.err);
  REQUIRE(policies.exit_code == 0);
  CHECK(Column(policies.out, 0) == std::vector<std::string>{"banned-host", "partial-host"});
  CHECK_THAT(Column(policies.out, 1)[0], Catch::Contains("'us-bod-17-01'"));
  CHECK(Column(policies.out, 2)[0] == "['kaspersky','telegram','zoom']");

  RunResult since = server.Query(NamedQuery("found_since"));
  REQUIRE(since.exit_code == 0);
  CHECK(Column(since.out, 0).size() == 6);

  RunResult unverified = server.Query(NamedQuery("unverified_hosts"));
  REQUIRE(unverified.exit_code == 0);
  CHECK(Column(unverified.out, 0) == std::vector<std::string>{"partial-host"});

  // A later night: banned-host was cleaned up. Its latest scan decides, so
  // it no longer has Kaspersky although its older rows remain.
  std::string later = ReadHostFile(d + "/night1/clean-host.ecs.jsonl");
  const std::string key = "\"@timestamp\":\"";
  const size_t at = later.find(key);
  REQUIRE(at != std::string::npos);
  later.replace(at + key.size(), 20, "2099-01-01T00:00:00Z");
  dir.Write("night2/banned-host.ecs.jsonl", later);
  ingest("night2");
  CHECK(Column(server.Query(NamedQuery("hosts_with_kaspersky")).out, 0) ==
        std::vector<std::string>{"partial-host"});
  CHECK(server.Query("SELECT count() FROM contraband_findings WHERE "
                     "host_name = 'banned-host'").out == "3\n");
}
