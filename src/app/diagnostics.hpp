// Diagnostics on stderr: spdlog's default logger ("strata: error: …"), writing through a sink
// that replaces a scan's secrets in every message as the reports do (secrets_to_hide), from
// the moment the scan has found them. An error may quote what it failed on (a path, a JSON
// value), and that may be a secret the scan found elsewhere.
//
//   setup_diagnostics();                     // first thing in main: nothing goes to stdout
//   set_diagnostics_level(verbosity, quiet);
//   hide_in_diagnostics(report.findings);    // after the scan, unless --reveal
//
// Also installs a terminate handler: whatever escapes every catch (a thread's exception) ends
// the process with one line on stderr and exit code 2, not an abort.
// Thread safety: messages may be logged from any thread, and hide_in_diagnostics called
// while they are; the other functions run once, before any thread starts.
#pragma once

#include <exception>
#include <vector>

#include "strata/findings/finding.hpp"

namespace strata::app {

void setup_diagnostics();
// -v info, -vv debug, -q errors only; warnings by default.
void set_diagnostics_level(int verbosity, bool quiet);
// From now on diagnostics show these findings' secrets redacted.
void hide_in_diagnostics(const std::vector<Finding>& findings);
// For main's last catch: logs what escaped as an error (scrubbed like every diagnostic).
void log_uncaught(const std::exception_ptr& thrown);

}  // namespace strata::app
