// Pure helpers of the PostgreSQL connection (pg_connection.cpp): `?` placeholders as `$1..$n`,
// the name a database is shown by in errors, and scrubbing a URL's password from any text.
//
//   numbered_placeholders("SELECT a FROM t WHERE b = ? AND c = '?'")
//       // "SELECT a FROM t WHERE b = $1 AND c = '?'"
//   postgresql_display_name("postgresql://u:pw@db:5433/strata")  // "postgresql://u@db:5433/strata"
//
// Thread safety: pure functions. Errors: none (a URL libpq cannot parse is shown without its
// user information).
#pragma once

#include <string>
#include <string_view>

namespace strata {

// `?` outside quoted text ('…', "…") and comments (-- …) numbered $1, $2, … in order.
std::string numbered_placeholders(std::string_view sql);

// The database a URL names, as errors show it: "postgresql://user@host:port/db", never the
// password (nor other parameters, which may hold one).
std::string postgresql_display_name(const std::string& url);

// `text` with every occurrence of the URL's password (raw and percent-decoded) replaced by
// "***", for messages that libpq or the server composed.
std::string without_password(std::string text, const std::string& url);

}  // namespace strata
