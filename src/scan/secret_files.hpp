// Secret files recognised by their path (and, for some, a look at their first bytes): the
// classic result of `COPY . .` shipping the build context. They are findings even when no
// token rule matches inside; the scan escalates them when one does.
//
//   const SecretFileRule* rule = secret_file_candidate("app/.env");
//   if (rule && secret_file_confirmed(*rule, head_of_file)) report(rule->id, path);
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "strata/rules/rule.hpp"

namespace strata {

struct SecretFileRule {
  const char* id;    // "file.dotenv"
  const char* name;  // ".env file"
  Severity severity;
  const char* description;  // why it matters and what to do
  // Returns true when the file's first bytes show it really holds credentials; nullptr when
  // the path alone is enough.
  bool (*confirms)(std::string_view head);
};

// Bytes of a candidate file kept for confirm checks and decoding.
inline constexpr size_t kSecretFileHeadBytes = 256 * 1024;

// The rule whose path pattern matches, or nullptr. Paths are normalized layer paths.
const SecretFileRule* secret_file_candidate(std::string_view path);
bool secret_file_confirmed(const SecretFileRule& rule, std::string_view head);

// The `.git` directory a path lies in ("src/app/.git" for "src/app/.git/config"), or "".
std::string git_directory_of(std::string_view path);
// True for loose objects: .git/objects/ab/cdef… (zlib streams).
bool is_git_loose_object(std::string_view path);
const SecretFileRule& git_directory_rule();

// Every built-in file rule, for listings.
const std::vector<const SecretFileRule*>& secret_file_rules();

}  // namespace strata
