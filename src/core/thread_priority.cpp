#include "strata/core/thread_priority.hpp"

#ifdef __linux__
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#endif

namespace strata {

#ifdef __linux__
int thread_nice() {
  errno = 0;  // -1 is a valid nice value: errno tells it from an error
  int nice = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
  return errno == 0 ? nice : 0;
}

bool lower_thread_priority(int nice) {
  if (thread_nice() >= nice) return true;
  return setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), nice) == 0;
}
#else
int thread_nice() { return 0; }
bool lower_thread_priority(int) { return false; }
#endif

}  // namespace strata
