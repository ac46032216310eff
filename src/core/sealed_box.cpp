#include "strata/core/sealed_box.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

#include "strata/core/digest.hpp"

namespace strata {

namespace {

constexpr std::string_view kMagic = "strata-sealed-1";
constexpr size_t kKeyIdBytes = 8;
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

unsigned char* bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }
const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

SealedBox::SealedBox(std::string key) : key_(std::move(key)) {
  key_id_ = sha256_of(std::string(kMagic) + key_).hex.substr(0, 2 * kKeyIdBytes);
}

Result<std::string> SealedBox::random_key() {
  std::string key(kKeyBytes, '\0');
  if (RAND_bytes(bytes(key), static_cast<int>(key.size())) != 1) {
    return fail("no random bytes for a sealing key (OpenSSL RAND_bytes)");
  }
  return key;
}

// Layout: magic, key id (hex), nonce, ciphertext, tag. The header is authenticated too.
Result<std::string> SealedBox::seal(std::string_view plain) const {
  if (key_.size() != kKeyBytes) return fail("sealing key: not 32 bytes");
  std::string out = std::string(kMagic) + key_id_;
  std::string nonce(kNonceBytes, '\0');
  if (RAND_bytes(bytes(nonce), static_cast<int>(nonce.size())) != 1) {
    return fail("no random bytes for a nonce (OpenSSL RAND_bytes)");
  }
  std::string header = out;
  out += nonce;
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  std::string cipher(plain.size(), '\0');
  int len = 0, final_len = 0;
  bool ok =
      ctx &&
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(key_), bytes(nonce)) == 1 &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, bytes(header), static_cast<int>(header.size())) ==
          1 &&
      EVP_EncryptUpdate(ctx.get(), bytes(cipher), &len, bytes(plain),
                        static_cast<int>(plain.size())) == 1 &&
      EVP_EncryptFinal_ex(ctx.get(), bytes(cipher) + len, &final_len) == 1;
  std::string tag(kTagBytes, '\0');
  ok = ok && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, tag.data()) == 1;
  if (!ok) return fail("sealing failed (OpenSSL AES-256-GCM)");
  return out + cipher + tag;
}

std::optional<std::string> SealedBox::open(std::string_view sealed) const {
  std::string header = std::string(kMagic) + key_id_;
  if (key_.size() != kKeyBytes || !sealed.starts_with(header) ||
      sealed.size() < header.size() + kNonceBytes + kTagBytes) {
    return std::nullopt;
  }
  std::string_view nonce = sealed.substr(header.size(), kNonceBytes);
  std::string_view cipher = sealed.substr(header.size() + kNonceBytes);
  std::string tag(cipher.substr(cipher.size() - kTagBytes));
  cipher.remove_suffix(kTagBytes);
  std::string plain(cipher.size(), '\0');
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0, final_len = 0;
  bool ok =
      ctx &&
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(key_), bytes(nonce)) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, bytes(header), static_cast<int>(header.size())) ==
          1 &&
      EVP_DecryptUpdate(ctx.get(), bytes(plain), &len, bytes(cipher),
                        static_cast<int>(cipher.size())) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), bytes(plain) + len, &final_len) == 1;
  if (!ok) return std::nullopt;
  return plain;
}

}  // namespace strata
