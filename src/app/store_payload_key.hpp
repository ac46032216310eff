// The key the findings store's layer-scan payloads are sealed with (core/sealed_box.hpp). The
// payloads carry the secrets a stored layer's findings are rebuilt from, so the key is kept out
// of the store: the store alone never reveals a secret. Losing the key costs only a rescan.
//
// $STRATA_STORE_KEY (64 hex digits: how sweep workers on several machines share one key, from a
// Kubernetes Secret for example), else `store.key` in the cache directory (core/cache_dir.hpp),
// made from random bytes with mode 0600 on first use. An error when caching is off
// (STRATA_NO_CACHE) and no key is given, or the file cannot be read or made.
#pragma once

#include <string>

#include "strata/core/result.hpp"

namespace strata::app {

Result<std::string> store_payload_key();

}  // namespace strata::app
