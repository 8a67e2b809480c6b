// Shell completion scripts (bash, zsh, fish) generated from the CLI11
// definitions in app.cc, so the completions can never drift from what the
// binary accepts: `contraband completions bash` prints the script; the build
// runs it for `cmake --install`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

namespace contraband {

/// One option as a completion script offers it.
struct CompletionOption {
  std::vector<std::string> names;  ///< "--format", "-o"
  bool takes_value = false;
  std::vector<std::string> choices;  ///< from ->check(CLI::IsMember(...))
  /// What the value is, from the option's type name: "file" (FILE, PATH),
  /// "dir" (DIR), or "" (no completion: a password, an id).
  std::string value_kind;
  std::string help;  ///< short description (zsh and fish show it)
};

/// A command (the root is "", then "scan", "catalog list", ...) with its
/// subcommands and every option it accepts, its parents' included (the
/// root's options are accepted after a command too: app.cc's fallthrough).
struct CompletionCommand {
  std::string path;
  std::vector<std::pair<std::string, std::string>> subcommands;  ///< name, help
  std::vector<CompletionOption> options;
  /// Kind of the positional arguments: "file", "dir", "other", or "" for
  /// none.
  std::string positional_kind;
};

/// Every visible command of `app`, root first; commands and options in a
/// group "" (hidden from --help) are left out.
std::vector<CompletionCommand> CompletionModel(const CLI::App& app);

/// The completion script for "bash", "zsh" or "fish"; "" for another shell.
std::string CompletionScript(const CLI::App& app, std::string_view shell);

}  // namespace contraband
