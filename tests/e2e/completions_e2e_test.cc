// End to end: the completion scripts `contraband completions SHELL` prints,
// loaded into the real shells. bash: sourced, then _contraband is run with
// COMP_WORDS set as bash sets them; fish: `complete -C` asks fish itself;
// zsh: parsed with `zsh -n`, then run with stand-ins for the completion
// system's builtins (compsys needs a terminal). And every option --help
// lists is in the scripts: they are generated, so they cannot drift.
#include <catch2/catch.hpp>

#include <regex>
#include <set>
#include <string>

#include "support/test_support.h"

using namespace contraband::testing;

namespace {

std::string Script(const std::string& shell) {
  RunResult r = RunContraband("completions " + shell);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

// What _contraband offers for the words typed, `words` in bash syntax with
// the word being completed last ('' for a new empty word).
std::string BashComplete(const std::string& script_path,
                         const std::string& words) {
  const std::string program =
      "source " + ShellQuote(script_path) +
      " || exit 9\n"
      "COMP_WORDS=(" + words + ")\n"
      "COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))\n"
      "COMPREPLY=()\n"
      "_contraband\n"
      "if (( ${#COMPREPLY[@]} )); then printf '%s\\n' \"${COMPREPLY[@]}\"; fi\n";
  RunResult r = Run("bash --norc --noprofile -c " + ShellQuote(program));
  INFO(r.err);
  CHECK(r.exit_code == 0);
  return r.out;
}

}  // namespace

TEST_CASE("Completions: the bash script completes commands, options and "
          "option values",
          "[e2e][completions]") {
  TempDir dir;
  const std::string path = dir.Write("contraband.bash", Script("bash"));
  CHECK(BashComplete(path, "contraband sc") == "scan\n");
  CHECK(BashComplete(path, "contraband scan --for") == "--format\n");
  CHECK(BashComplete(path, "contraband scan --fail-on ''") ==
        "high\nmedium\nlow\nnone\n");
  CHECK(BashComplete(path, "contraband scan --format = cy") == "cyclonedx\n");
  CHECK(BashComplete(path, "contraband --format h") == "html\n");
  CHECK(BashComplete(path, "contraband catalog ''") ==
        "list\nshow\nvalidate\ncoverage\nsign\nverify\n");
  CHECK(BashComplete(path, "contraband inventory --as d") ==
        "directory\ndisk-image\n");
  // A value of an option is not a command: "--catalog catalog" stays at the
  // top, so "sc" still completes to scan.
  CHECK(BashComplete(path, "contraband --catalog catalog sc") == "scan\n");
  // Evidence arguments are files.
  dir.Write("evidence-root/x", "");
  CHECK(BashComplete(path, "contraband scan " +
                               ShellQuote(dir.path() + "/evidence-r")) ==
        dir.path() + "/evidence-root\n");
  // The hidden command (completions) stays hidden; collectors is not.
  CHECK(BashComplete(path, "contraband co") == "collectors\n");
  RunResult spec = Run("bash --norc --noprofile -c " +
                       ShellQuote("source " + ShellQuote(path) +
                                  "; complete -p contraband"));
  CHECK(spec.out == "complete -o filenames -F _contraband contraband\n");
}

TEST_CASE("Completions: every option --help lists is in the scripts",
          "[e2e][completions]") {
  const std::string bash = Script("bash");
  const std::string zsh = Script("zsh");
  const std::string fish = Script("fish");
  const std::regex option("--[a-z][a-z-]+");
  for (const char* cmd : {"", "scan", "inventory", "catalog list", "catalog show",
                          "catalog validate", "catalog coverage", "catalog sign",
                          "catalog verify", "collectors"}) {
    const std::string help = RunContraband(std::string(cmd) + " --help").out;
    std::set<std::string> names;
    for (auto it = std::sregex_iterator(help.begin(), help.end(), option);
         it != std::sregex_iterator(); ++it) {
      names.insert(it->str());
    }
    REQUIRE(!names.empty());
    for (const std::string& name : names) {
      INFO(std::string(cmd) + " " + name);
      CHECK(bash.find(name) != std::string::npos);
      CHECK(zsh.find("'" + name + ":") != std::string::npos);
      CHECK(fish.find("-l '" + name.substr(2) + "'") != std::string::npos);
    }
  }
  CHECK(RunContraband("completions tcsh").exit_code == 2);
}

TEST_CASE("Completions: the fish script parses and fish completes with it",
          "[e2e][completions]") {
  if (!HaveTool("fish")) {
    WARN("fish is not installed: fish completion test skipped");
    return;
  }
  TempDir dir;
  const std::string path = dir.Write("contraband.fish", Script("fish"));
  RunResult parse = Run("fish -n " + ShellQuote(path));
  INFO(parse.err);
  CHECK(parse.exit_code == 0);
  auto complete = [&](const std::string& line) {
    RunResult r = Run("fish --no-config -c " +
                      ShellQuote("source " + ShellQuote(path) +
                                 "; complete -C" + ShellQuote(line)));
    INFO(r.err);
    CHECK(r.exit_code == 0);
    return r.out;
  };
  CHECK(complete("contraband sc").rfind("scan\t", 0) == 0);
  CHECK(complete("contraband scan --for").rfind("--format\t", 0) == 0);
  const std::string fail_on = complete("contraband scan --fail-on ");
  for (const char* level : {"high\t", "medium\t", "low\t", "none\t"}) {
    CHECK(fail_on.find(level) != std::string::npos);
  }
  const std::string catalog = complete("contraband catalog ");
  CHECK(catalog.find("list\t") != std::string::npos);
  CHECK(catalog.find("validate\t") != std::string::npos);
  CHECK(catalog.find("scan\t") == std::string::npos);
}

TEST_CASE("Completions: the zsh script parses and offers what bash offers",
          "[e2e][completions]") {
  if (!HaveTool("zsh")) {
    WARN("zsh is not installed: zsh completion test skipped");
    return;
  }
  TempDir dir;
  const std::string path = dir.Write("_contraband", Script("zsh"));
  RunResult parse = Run("zsh -n " + ShellQuote(path));
  INFO(parse.err);
  CHECK(parse.exit_code == 0);
  CHECK(ReadHostFile(path).rfind("#compdef contraband\n", 0) == 0);
  // Stand-ins print what the completion system would be asked to offer.
  auto complete = [&](const std::string& words, int current,
                      const std::string& prefix) {
    const std::string program =
        "_describe() { local n=${@[-1]} e; for e in \"${(@P)n}\"; do "
        "print -r -- \"${e%%:*}\"; done }\n"
        "compadd() { [[ $1 == -- ]] && shift; print -rl -- \"$@\" }\n"
        "_files() { print -r -- FILES }\n"
        "source " + ShellQuote(path) + " >/dev/null\n"
        "words=(" + words + "); CURRENT=" + std::to_string(current) +
        "; PREFIX=" + ShellQuote(prefix) + "\n_contraband\n";
    RunResult r = Run("zsh -f -c " + ShellQuote(program));
    INFO(r.err);
    CHECK(r.exit_code == 0);
    return r.out;
  };
  CHECK(complete("contraband sc", 2, "sc").find("scan\n") != std::string::npos);
  CHECK(complete("contraband scan --for", 3, "--for").find("--format\n") !=
        std::string::npos);
  CHECK(complete("contraband scan --fail-on ''", 4, "") ==
        "high\nmedium\nlow\nnone\n");
  CHECK(complete("contraband scan -o ''", 4, "") == "FILES\n");
  CHECK(complete("contraband catalog ''", 3, "") ==
        "list\nshow\nvalidate\ncoverage\nsign\nverify\n");
}
