// `strata sweep REGISTRY --db FILE`: every repository and tag of a registry (or the references
// listed in --images-from), each scanned and recorded into the findings store as one sweep.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scan_command.hpp"

namespace CLI {
class App;
}

namespace strata::app {

struct SweepCommandOptions {
  std::string registry;
  std::string images_from;         // FILE: one reference per line
  std::vector<std::string> repos;  // --repo GLOB
  std::vector<std::string> tags;   // --tag GLOB
  size_t latest = 0;               // --latest N: per repository, the N newest tags (0: all)
  std::string worker;              // --worker NAME (default: the host name)
  int64_t lease_seconds = 300;     // --lease SECONDS
  std::string shard;               // --shard K/N
  bool exit_zero = false;          // --exit-zero: findings alone are not a failure
  ScanCommandOptions scan;         // --db, rules, remote options, --platform, --jobs
};

void add_sweep_command(CLI::App& app, SweepCommandOptions& options);
int run_sweep_command(const SweepCommandOptions& options);

}  // namespace strata::app
