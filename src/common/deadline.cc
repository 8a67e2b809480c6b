#include "common/deadline.h"

#include <atomic>

namespace contraband {
namespace {

using Clock = std::chrono::steady_clock;

// Nanoseconds since the clock's epoch; 0 when no deadline is set. Atomic:
// the archive pipeline's thread may ask too.
std::atomic<int64_t> deadline_ns{0};

}  // namespace

void SetDeadlineAfter(std::chrono::seconds seconds) {
  deadline_ns = seconds.count() <= 0
                    ? 0
                    : std::chrono::duration_cast<std::chrono::nanoseconds>(
                          (Clock::now() + seconds).time_since_epoch())
                          .count();
}

bool DeadlinePassed() {
  const int64_t d = deadline_ns.load(std::memory_order_relaxed);
  return d != 0 &&
         std::chrono::duration_cast<std::chrono::nanoseconds>(
             Clock::now().time_since_epoch())
                 .count() >= d;
}

}  // namespace contraband
