// Shared by the RegistryAuth tests: fake secrets made at run time, and HTTP options with quick
// retries so that a failing case ends in a fraction of a second.
//
//   std::string password = random_secret("pw-");   // "pw-" + 24 random hex digits
//   net::HttpClient http(quick_options());
#pragma once

#include <chrono>
#include <cstdio>
#include <random>
#include <string>

#include "strata/net/http_client.hpp"

namespace strata::test {

inline std::string random_secret(const char* prefix) {
  std::random_device random;
  char hex[25];
  std::snprintf(hex, sizeof hex, "%08x%08x%08x", random(), random(), random());
  return prefix + std::string(hex);
}

inline net::HttpOptions quick_options() {
  net::HttpOptions options;
  options.retries = 1;
  options.timeout = std::chrono::seconds(20);
  options.backoff_base = std::chrono::milliseconds(10);
  options.backoff_max = std::chrono::milliseconds(50);
  return options;
}

}  // namespace strata::test
