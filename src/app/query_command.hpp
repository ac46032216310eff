// `strata query --db FILE …`: which stored images hold a secret, a fingerprint, a rule's
// findings…; every place each is, with its fate and history step, first and last seen.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace strata::app {

struct QueryCommandOptions {
  std::string db;
  bool secret_stdin = false;  // the secret to look for comes on stdin (never on the command line)
  std::string fingerprint;
  std::vector<std::string> rules;
  std::string severity;  // the lowest severity shown
  std::string fate;
  std::string repository;
  std::string image;
  std::string layer;
  std::string new_since;  // a sweep id, or "last-sweep": what the newest sweep found first
  std::string format = "text";
  std::string output;   // --output FILE: the stored image report (--image alone)
  bool reveal = false;  // the stored image report shows values the store keeps (--store-secrets)
};

void add_query_command(CLI::App& app, QueryCommandOptions& options);
int run_query_command(const QueryCommandOptions& options);

}  // namespace strata::app
