// The options of `strata scan` that reach registries and daemons: --plain-http, --ca-file,
// --retries, --timeout, --username with --password-stdin.
#pragma once

#include <string>

#include "strata/core/result.hpp"
#include "strata/remote/open_reference.hpp"

namespace CLI {
class App;
}

namespace strata::app {

struct RemoteCommandOptions {
  bool plain_http = false;
  std::string ca_file;
  int retries = 3;
  double timeout_seconds = 60;
  std::string username;
  bool password_stdin = false;
};

void add_remote_options(CLI::App& scan, RemoteCommandOptions& options);

// RemoteOptions for a scan; reads the password from stdin when asked. Errors are usage errors
// ("--password-stdin needs --username").
Result<RemoteOptions> remote_options_for(const RemoteCommandOptions& options,
                                         const std::string& target);

}  // namespace strata::app
