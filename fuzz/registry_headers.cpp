// Fuzzes what a registry sends back in headers: WWW-Authenticate challenges (schemes,
// quoted-string parameters, several challenges in one header) and Link pagination headers
// resolved against the request URL. The first line is the WWW-Authenticate value, the rest
// the Link value.
#include <cstdint>

#include "fuzz_input.hpp"
#include "strata/remote/registry_auth.hpp"
#include "strata/remote/registry_catalog.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (16 << 10)) return -1;
  std::string_view text = fuzz::as_text(data, size);
  size_t newline = text.find('\n');
  std::string_view challenge = text.substr(0, newline);
  std::string_view link = newline == text.npos ? "" : text.substr(newline + 1);
  auto challenges = strata::parse_www_authenticate(challenge);
  (void)challenges;
  auto next = strata::next_page_url(link, "https://registry.example:5000/v2/_catalog?n=100");
  (void)next;
  return 0;
}
