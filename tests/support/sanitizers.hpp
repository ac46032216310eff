// Whether this test binary runs under AddressSanitizer: STRATA_UNDER_ASAN is 1 or 0. gcc says
// so with __SANITIZE_ADDRESS__, clang with __has_feature(address_sanitizer), and the debug
// preset builds with clang. Tests that measure memory or limit address space skip under it.
#pragma once

#if defined(__SANITIZE_ADDRESS__)
#define STRATA_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define STRATA_UNDER_ASAN 1
#endif
#endif
#ifndef STRATA_UNDER_ASAN
#define STRATA_UNDER_ASAN 0
#endif
