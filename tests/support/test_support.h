// Helpers shared by the unit and end-to-end tests.
#pragma once

#include <nlohmann/json.hpp>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/registry.h"
#include "scan/scanner.h"

namespace contraband::testing {

/// The corpus file or folder `rel` under ../shared/corpus, or nullopt when the
/// corpus is absent (the caller WARNs and returns: a visible skip).
std::optional<std::string> CorpusPath(const std::string& rel);

/// Whether every corpus lookup found its file.
bool AllFound(std::initializer_list<std::optional<std::string>> paths);

/// Ends the test with a visible warning unless every corpus path was found:
/// the corpus lives beside the project in CI, not in a user's clone.
#define SKIP_UNLESS_CORPUS(...)                                      \
  do {                                                               \
    if (!::contraband::testing::AllFound({__VA_ARGS__})) {           \
      WARN("corpus absent: skipped");                                \
      return;                                                        \
    }                                                                \
  } while (0)

/// The bytes of a host file; throws when unreadable.
std::string ReadHostFile(const std::string& path);
void WriteHostFile(const std::string& path, const std::string& data);

/// A fresh folder under /tmp, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  /// Writes `data` to path()/rel, creating parent folders.
  std::string Write(const std::string& rel, const std::string& data) const;

 private:
  std::string path_;
};

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Runs a shell command line, capturing standard output and error.
RunResult Run(const std::string& command_line);

/// Runs the built contraband binary with `args` (shell syntax). A JSON
/// report or ECS lines it writes to standard output are checked against
/// schemas/report.schema.json or schemas/ecs.schema.json (a failed check).
RunResult RunContraband(const std::string& args);

/// Errors of `text` against the schema at `schema`, relative to the
/// source folder ("schemas/report.schema.json"; one document, or one a line
/// with `lines`), from Debian's python3-jsonschema; "" when it is valid.
std::string SchemaErrors(const std::string& schema, const std::string& text,
                         bool lines);

/// Whether a host command is on PATH.
bool HaveTool(const std::string& name);

/// Builds a Debian root in dir/root with the real dpkg: zoom, kesl,
/// telegram-desktop, xzoom and coreutils installed, skypeforlinux removed
/// with its conffile left (config-files).
void BuildDebianRoot(const TempDir& dir);

/// Builds zoom (with an epoch and a vendor) and kesl (noarch, a packager but
/// no vendor) with rpmbuild and records them with `rpm -i --justdb` in
/// dir/root/var/lib/rpm (rpmdb.sqlite); /usr/lib/sysimage/rpm is a symlink
/// to it, as on Fedora.
void BuildRpmRoot(const TempDir& dir);

/// Skype as snapd records it: state.json (revisions 301 and 311, current
/// 311) and the mounted revisions' meta/snap.yaml, /snap/skype/current -> 311.
void WriteSkypeSnap(const TempDir& root);

/// Telegram (org.telegram.desktop 4.14.9) as alice's own flatpak under
/// /home/alice/.local/share/flatpak, with /etc/passwd naming alice. Returns
/// the uid her home belongs to (1000 when run as root).
unsigned WriteTelegramFlatpakForAlice(const TempDir& root);

/// The registered collector called `name`, alone, to scan with just it;
/// fails the test when there is none.
std::vector<CollectorInfo> CollectorNamed(std::string_view name);

/// The record with this id (and arch, unless empty) in `r`, or nullptr.
const Software* FindSoftware(const CollectResult& r, const std::string& id,
                             const std::string& arch = "");

/// Every record with this id in `r` (one per user, per source...).
std::vector<const Software*> RecordsWithId(const CollectResult& r,
                                          const std::string& id);

/// Every warning of `r`, one "path: message" line each.
std::string AllWarnings(const CollectResult& r);

/// "id version" of every record of `r`, sorted.
std::vector<std::string> NameVersions(const CollectResult& r);

/// Parses JSON, failing the test when it is not JSON.
nlohmann::json ParseJson(const std::string& text);

/// The software of the first finding of a JSON report whose software id is
/// `id`, or null.
const nlohmann::json* FindingFor(const nlohmann::json& report, const std::string& id);

/// Single-quotes `s` for a shell command line.
std::string ShellQuote(const std::string& s);

}  // namespace contraband::testing
