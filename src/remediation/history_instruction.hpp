// The arguments of Dockerfile instructions, as a Dockerfile and BuildKit's history write them:
// COPY's destination, the names and values ENV/ARG/LABEL assign, quote-aware words. Which
// instruction a history entry records is parse_history_step's (strata/image/history_step.hpp).
//
//   HistoryStep h = parse_history_step(entry.created_by);
//   if (h.keyword == "ENV") names = assigned_names(h.body, true);
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "strata/dockerfile/text_helpers.hpp"
#include "strata/image/history_step.hpp"

namespace strata {

// COPY/ADD: the destination ("/app/", ".") of Dockerfile arguments (the last word). The
// classic history form's is HistoryStep::classic_copy.destination.
std::string copy_destination(std::string_view args);

// Names assigned by ENV/ARG/LABEL arguments: "A=1 B=\"x y\"" -> {A, B}; "A" -> {A}; the legacy
// "ENV A some value" -> {A}.
std::vector<std::string> assigned_names(std::string_view args, bool legacy_single_pair);

// The value assigned to `name` in ENV/LABEL arguments, quotes removed ("" when absent).
std::string assigned_value(std::string_view args, std::string_view name);

}  // namespace strata
