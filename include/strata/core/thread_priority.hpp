// Scheduling priority of the calling thread. On Linux the nice value belongs to each thread and
// a thread starts with its creator's, so lowering it also lowers every thread started from the
// calling one afterwards. Elsewhere it does nothing.
#pragma once

namespace strata {

// Nice value given to work that should only take cycles other work leaves idle.
inline constexpr int kFillerNice = 10;

// Raises the calling thread's nice value to at least `nice` (a lower priority). Unprivileged
// threads cannot raise their priority again, so callers do this once, on threads of their own.
// Returns whether the thread now runs at that nice value or lower priority.
bool lower_thread_priority(int nice);

// The calling thread's nice value (0 where threads have none of their own).
int thread_nice();

}  // namespace strata
