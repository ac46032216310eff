// Shared by the RegistryAuth tests: fake secrets made at run time (test_env.hpp), and HTTP options
// with quick retries so that a failing case ends in a fraction of a second.
//
//   std::string password = random_secret("pw-");   // "pw-" + 24 random hex digits
//   net::HttpClient http(quick_options());
#pragma once

#include <chrono>
#include <string>

#include "strata/net/http_client.hpp"
#include "support/test_env.hpp"  // random_secret

namespace strata::test {

inline net::HttpOptions quick_options() {
  net::HttpOptions options;
  options.retries = 1;
  options.timeout = std::chrono::seconds(20);
  options.backoff_base = std::chrono::milliseconds(10);
  options.backoff_max = std::chrono::milliseconds(50);
  return options;
}

}  // namespace strata::test
