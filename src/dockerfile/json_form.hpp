// The two ways an instruction's arguments are written: the JSON form (`["npm", "ci"]`) and
// whitespace-separated words (`COPY a b /dst/`).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace strata {

// The strings of a JSON array of strings; nullopt for anything else (Docker then takes the
// text as shell form). Escapes: \" \\ \/ \b \f \n \r \t and \uXXXX (BMP, as UTF-8).
std::optional<std::vector<std::string>> parse_json_string_array(std::string_view text);

// Words split at unquoted whitespace; quotes ('…' and "…") group and are removed.
std::vector<std::string> unquoted_words(std::string_view text);

}  // namespace strata
