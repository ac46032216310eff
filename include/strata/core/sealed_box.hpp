// SealedBox: authenticated encryption (AES-256-GCM, OpenSSL) of bytes kept where their readers
// must not see them without a key held elsewhere. The findings store's layer-scan payloads carry
// the secrets a stored layer's findings are rebuilt from; sealed with a key that is not in the
// store, the store alone never reveals a secret (docs/store.md).
//
//   auto key = SealedBox::random_key();            // 32 bytes
//   SealedBox box(*key);
//   std::string sealed = *box.seal("payload");     // key id, nonce, ciphertext, tag
//   std::optional<std::string> back = box.open(sealed);  // nullopt: other key, or tampered
//
// Thread safety: seal/open are const and reentrant.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "strata/core/result.hpp"

namespace strata {

class SealedBox {
 public:
  static constexpr size_t kKeyBytes = 32;
  // `key`: kKeyBytes bytes.
  explicit SealedBox(std::string key);

  static Result<std::string> random_key();

  Result<std::string> seal(std::string_view plain) const;
  // The plain bytes, or nullopt when `sealed` was sealed with another key, is not a sealed
  // box, or was changed.
  std::optional<std::string> open(std::string_view sealed) const;

 private:
  std::string key_;
  std::string key_id_;  // names the key inside every box, so another key's boxes are told apart
};

}  // namespace strata
