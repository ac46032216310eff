// Variable substitution as BuildKit does it in ADD, COPY, ENV, LABEL, FROM, ARG, USER,
// WORKDIR, …: `$VAR`, `${VAR}`, `${VAR:-default}` (unset or empty), `${VAR-default}` (unset),
// `${VAR:+alt}` (set and non-empty), `${VAR+alt}` (set), `${VAR:?msg}` / `${VAR?msg}` (an
// error), nested words (`${A:-${B}}`); the escape character makes `$` literal; single quotes
// keep their text literal, and quotes are removed as the builder removes them.
//
//   auto v = expand_variables("${HOME:-/root}/.npmrc", lookup);   // Result<std::string>
//   referenced_variables("npm ci --token=$NPM_TOKEN")             // {"NPM_TOKEN"}
//
// Thread safety: pure functions. Errors: an unterminated `${`, a bad name, `${VAR:?msg}` with
// VAR unset; each names what and where (the column).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "strata/core/result.hpp"

namespace strata {

// A variable's value, or nullopt when it is not set.
using VariableLookup = std::function<std::optional<std::string>(std::string_view name)>;

Result<std::string> expand_variables(std::string_view text, const VariableLookup& lookup,
                                     char escape = '\\');

// The names a shell text refers to (`$A`, `${A}`, `${A:-x}`), in order, each once; not those
// in single quotes or after the escape character. For RUN, whose text the shell expands.
std::vector<std::string> referenced_variables(std::string_view text, char escape = '\\');

}  // namespace strata
