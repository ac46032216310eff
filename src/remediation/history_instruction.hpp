// What Dockerfile instruction a history entry records, across builders: BuildKit
// ("COPY .env . # buildkit", "RUN |1 A=x /bin/sh -c cmd # buildkit", "ENV K=V"), the classic
// builder and buildah ("/bin/sh -c #(nop)  ENV K=V", "/bin/sh -c #(nop) COPY file:… in /app ",
// "|1 A=x /bin/sh -c cmd"; buildah also keeps RUN's --mount options in the command).
//
//   HistoryInstruction h = classify_history(entry.created_by);
//   if (h.keyword == "RUN") use(h.body);   // the shell command, no args, no /bin/sh -c
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "text_helpers.hpp"

namespace strata {

struct HistoryInstruction {
  std::string keyword;             // "RUN", "COPY", …; "" when not recognised (a base rootfs)
  std::string body;                // RUN: the shell command; others: what follows the keyword
  std::vector<std::string> flags;  // RUN options buildah records ("--mount=type=secret,…")
  bool buildkit = false;
};

HistoryInstruction classify_history(std::string_view created_by);

// COPY/ADD: the destination ("/app/", "."), from either history form or a Dockerfile's args.
std::string copy_destination(std::string_view keyword_body, bool classic_form);

// Names assigned by ENV/ARG/LABEL arguments: "A=1 B=\"x y\"" -> {A, B}; "A" -> {A}; the legacy
// "ENV A some value" -> {A}.
std::vector<std::string> assigned_names(std::string_view args, bool legacy_single_pair);

// The value assigned to `name` in ENV/LABEL arguments, quotes removed ("" when absent).
std::string assigned_value(std::string_view args, std::string_view name);

// Quote-aware split on blanks (quotes kept in the tokens).
std::vector<std::string> split_words(std::string_view s);

}  // namespace strata
