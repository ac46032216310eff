// strata: finds leaked secrets in container images. See README.md.
#include <CLI/CLI.hpp>
#include <exception>
#include <string>

#include "diagnostics.hpp"
#include "exit_codes.hpp"
#include "lint_command.hpp"
#include "query_command.hpp"
#include "rules_command.hpp"
#include "scan_command.hpp"
#include "sweep_command.hpp"

namespace {

int run(int argc, char** argv) {
  CLI::App app{
      "strata finds leaked secrets (tokens, private keys, secret files) in container images:\n"
      "in every layer, including files a later layer deleted, and in the image config\n"
      "(build args in history, ENV, labels). Example: strata scan ./app.docker.tar",
      "strata"};
  app.footer(
      "\nExamples:\n"
      "  strata scan ./app.docker.tar                 docker save output\n"
      "  strata scan oci:./layout --platform linux/arm64\n"
      "  strata scan app.oci.tar --format json -o findings.json\n"
      "  docker save app:1 | strata scan -\n"
      "  strata scan registry.example.com/team/app:1.4 --db findings.db\n"
      "  strata sweep registry.example.com --repo 'team/*' --db findings.db\n"
      "  strata query --db findings.db --secret-stdin < leaked-key.txt\n"
      "  strata lint Dockerfile --context .         before the build\n"
      "  strata rules list\n"
      "\nExit codes: 0 no findings, 1 findings, 2 incomplete scan or usage error (2 wins).\n"
      "Secrets are redacted in every report unless --reveal is given.");
  app.set_version_flag("--version", std::string("strata ") + STRATA_VERSION);
  app.require_subcommand(1);
  app.fallthrough();  // -v and -q work after the subcommand too
  int verbosity = 0;
  bool quiet = false;
  app.add_flag("-v,--verbose", verbosity, "More diagnostics on stderr (-vv for debug)");
  app.add_flag("-q,--quiet", quiet, "Only errors on stderr");

  strata::app::ScanCommandOptions scan_options;
  strata::app::add_scan_command(app, scan_options);
  strata::app::RulesCommandOptions rules_options;
  strata::app::add_rules_command(app, rules_options);
  strata::app::SweepCommandOptions sweep_options;
  strata::app::add_sweep_command(app, sweep_options);
  strata::app::QueryCommandOptions query_options;
  strata::app::add_query_command(app, query_options);
  strata::app::LintCommandOptions lint_options;
  strata::app::add_lint_command(app, lint_options);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    // --help and --version are successes; every other parse problem is a usage error.
    return code == 0 ? 0 : strata::app::kExitIncomplete;
  }
  strata::app::set_diagnostics_level(verbosity, quiet);

  if (app.got_subcommand("scan")) return strata::app::run_scan_command(scan_options);
  if (app.got_subcommand("query")) return strata::app::run_query_command(query_options);
  if (app.got_subcommand("sweep")) return strata::app::run_sweep_command(sweep_options);
  if (app.got_subcommand("lint")) return strata::app::run_lint_command(lint_options);
  return strata::app::run_rules_command(rules_options);
}

}  // namespace

int main(int argc, char** argv) {
  strata::app::setup_diagnostics();
  // Every failure is an exit code: what no command caught ends here, named on stderr.
  try {
    return run(argc, argv);
  } catch (...) {
    strata::app::log_uncaught(std::current_exception());
    return strata::app::kExitIncomplete;
  }
}
