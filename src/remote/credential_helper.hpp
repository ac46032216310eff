// Credential helpers, as docker runs them: `docker-credential-NAME get` found on PATH, the
// server URL on stdin, {"ServerURL": …, "Username": …, "Secret": …} on stdout. Username
// "<token>" means Secret is an identity token.
//
//   auto creds = run_credential_helper("pass", "ghcr.io", std::chrono::seconds(30),
//                                      "credHelpers in ~/.docker/config.json");
//
// The helper runs without a shell in its own process group, its stderr discarded (it may
// print secrets there), its answer bounded to 64 KiB and its time to `timeout` (then the group
// is killed). A helper that exits non-zero saying "credentials not found" means none: nullopt.
//
// Errors name the helper, `context` and what went wrong (not found on PATH, exit status,
// timeout, an answer that is not the expected JSON), never its output.
// Thread safety: may be called from several threads at once.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "strata/core/result.hpp"
#include "strata/remote/credentials.hpp"

namespace strata {

[[nodiscard]] Result<std::optional<Credentials>> run_credential_helper(
    const std::string& name, const std::string& server_url, std::chrono::milliseconds timeout,
    const std::string& context);

}  // namespace strata
