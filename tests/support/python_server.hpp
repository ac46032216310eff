// Test support: the python3 test servers in tests/support (static_file_server.py,
// fault_proxy.py, auth_test_server.py, token_server.py), started as Subprocess children with
// --exit-on-stdin-eof, so they go with the test process even when it cannot stop them.
//
//   if (!have_python()) STRATA_SKIP_OR_FAIL() << kPython << " not installed";
//   PythonServer proxy = start_python_server("fault_proxy.py", {"--upstream", url});
//   int port = std::stoi(proxy.first_line);  // what it printed first: its port(s) or socket
//
// Thread safety: as Subprocess. Errors: start_python_server throws std::runtime_error naming
// the script when it cannot start or prints no first line within 20 s.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "support/subprocess.hpp"

namespace strata::test {

inline constexpr const char* kPython = "/usr/bin/python3";  // Debian's, not a pyenv shim

bool have_python();

struct PythonServer {
  std::unique_ptr<Subprocess> process;
  std::string first_line;
};

// Runs tests/support/SCRIPT with `args` (and --exit-on-stdin-eof); env and options go to the
// Subprocess.
PythonServer start_python_server(const std::string& script, const std::vector<std::string>& args,
                                 const std::vector<std::string>& env = {},
                                 const SubprocessOptions& options = {});

}  // namespace strata::test
