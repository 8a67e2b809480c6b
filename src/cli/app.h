// The command line: parses options (CLI11), runs the command, returns the
// exit code. main() is only a call to this.
#pragma once

namespace contraband {

/// Exit codes, the contract scripts rely on (DESIGN.md).
enum ExitCode : int {
  kExitClean = 0,       ///< scan finished, nothing banned installed
  kExitBanned = 1,      ///< scan finished, banned software installed
  kExitUsage = 2,       ///< bad usage or unusable catalog
  kExitEvidence = 3,    ///< evidence missing, unreadable or of unknown kind
};

int RunCli(int argc, char** argv);

}  // namespace contraband
