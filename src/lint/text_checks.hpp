// Secrets written in the Dockerfile's text, found by the rules engine (ARG and ENV values,
// LABEL, HEALTHCHECK, CMD/ENTRYPOINT, RUN), and ADD of URLs that carry credentials.
#pragma once

#include <vector>

#include "lint_support.hpp"

namespace strata {

void check_text(const LintTarget& target, const MatchEngine& engine, std::vector<Finding>& out);
void check_add_urls(const LintTarget& target, std::vector<Finding>& out);

}  // namespace strata
