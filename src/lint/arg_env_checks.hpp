// ARG and ENV with secret names (lint.arg-secret, lint.env-secret) and their fixes: a build
// secret mount in each RUN that reads the ARG, the ARG and ENV lines dropped.
#pragma once

#include <vector>

#include "lint_support.hpp"

namespace strata {

void check_args_and_envs(const LintTarget& target, std::vector<Finding>& out, LintFixes* fixes);

}  // namespace strata
