// --max-runtime: one deadline for the whole process, which the long loops
// (evidence arguments, files handed to collectors, archive entries) check
// between steps, so a scan stops cleanly with what it read so far rather
// than being killed by the engine that runs it.
#pragma once

#include <chrono>

namespace contraband {

/// Sets the deadline `seconds` from now (0: none).
void SetDeadlineAfter(std::chrono::seconds seconds);

/// Whether a deadline is set and has passed.
bool DeadlinePassed();

}  // namespace contraband
