// CPU time of the calling thread, for the pipelined walk's account of where its time went.
#pragma once

#include <time.h>

namespace strata {

inline double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace strata
