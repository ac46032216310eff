// What COPY and ADD take: from the build context (which files a source covers) and from other
// stages (lint.copy-from-whole-stage).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "lint_support.hpp"

namespace strata {

// Whether `source` names context path `path` itself (COPY .env .), not a tree or glob it is in.
bool names_path(std::string_view source, std::string_view path);

// The sources of a COPY/ADD (its words but the destination), variables substituted with the
// ARG and ENV values in scope (defaults; a value that does not substitute is kept as written).
std::vector<std::string> copy_sources(const Dockerfile& df, const DockerfileInstruction& in);
// The same for all its words, the destination last.
std::vector<std::string> copy_words(const Dockerfile& df, const DockerfileInstruction& in);

void check_copy_from_stages(const LintTarget& target, std::vector<Finding>& out);

}  // namespace strata
