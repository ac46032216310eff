#include "support/python_server.hpp"

#include <unistd.h>

#include <chrono>
#include <stdexcept>

namespace strata::test {

bool have_python() { return ::access(kPython, X_OK) == 0; }

PythonServer start_python_server(const std::string& script, const std::vector<std::string>& args,
                                 const std::vector<std::string>& env,
                                 const SubprocessOptions& options) {
  std::vector<std::string> argv = {
      kPython, std::string(STRATA_SOURCE_DIR) + "/tests/support/" + script, "--exit-on-stdin-eof"};
  argv.insert(argv.end(), args.begin(), args.end());
  PythonServer server;
  server.process = std::make_unique<Subprocess>(argv, env, options);
  std::optional<std::string> line = server.process->read_line(std::chrono::seconds(20));
  if (!line) throw std::runtime_error(script + " did not start (printed no port)");
  server.first_line = *line;
  return server;
}

}  // namespace strata::test
