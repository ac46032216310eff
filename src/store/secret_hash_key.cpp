#include "secret_hash_key.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

namespace strata {
namespace {

constexpr const char* kKeyName = "secret_hash_key";
constexpr size_t kKeyBytes = 32;

Status read_key(SqlSession& sql, std::string& key) {
  return sql.run("SELECT value FROM store_meta WHERE name = ?", {std::string(kKeyName)},
                 [&](const SqlStatement& row) { key = row.column_blob(0); });
}

}  // namespace

Result<std::string> load_or_create_secret_hash_key(SqlSession& sql) {
  std::string key;
  // Read first: a store that has its key may be opened read-only (strata query).
  auto done = read_key(sql, key);
  if (done && key.empty()) {
    done = sql.transaction([&]() -> Status {
      std::string fresh(kKeyBytes, '\0');
      if (RAND_bytes(reinterpret_cast<unsigned char*>(fresh.data()), kKeyBytes) != 1) {
        return fail("no random bytes for the secret-hash key (OpenSSL RAND_bytes)");
      }
      auto inserted = sql.run(
          "INSERT INTO store_meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
          {std::string(kKeyName), SqlBlob{fresh}});
      if (!inserted) return inserted;
      return read_key(sql, key);  // another process's key when it was first
    });
  }
  if (!done) return fail(done.error().with_context("secret-hash key"));
  if (key.size() != kKeyBytes) {
    return fail("secret-hash key: store_meta holds " + std::to_string(key.size()) + " bytes, not " +
                std::to_string(kKeyBytes));
  }
  return key;
}

std::string keyed_secret_hash(std::string_view key, std::string_view secret) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), mac, &size);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(size * 2);
  for (unsigned int i = 0; i < size; ++i) {
    hex += kHex[mac[i] >> 4];
    hex += kHex[mac[i] & 0xf];
  }
  return hex;
}

}  // namespace strata
