#include "strata/core/digest.hpp"

#include <openssl/evp.h>

namespace strata {

Result<Digest> Digest::parse(std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos) {
    return fail("invalid digest \"" + std::string(text.substr(0, 80)) + "\": no algorithm");
  }
  Digest d{std::string(text.substr(0, colon)), std::string(text.substr(colon + 1))};
  if (d.algorithm != "sha256") {
    return fail("unsupported digest algorithm \"" + d.algorithm + "\" (only sha256)");
  }
  bool hex = d.hex.size() == 64 && d.hex.find_first_not_of("0123456789abcdef") == std::string::npos;
  if (!hex) return fail("invalid sha256 digest \"" + std::string(text.substr(0, 80)) + "\"");
  return d;
}

struct Sha256::Impl {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~Impl() { EVP_MD_CTX_free(ctx); }
};

namespace {
// OpenSSL 3 looks EVP_sha256() up in its provider tables on every init (a lock and a table
// search, ~1 µs); fetched once, the algorithm is a pointer. One hash per report location adds
// up to tens of thousands of inits.
const EVP_MD* sha256_algorithm() {
  static const EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return fetched ? fetched : EVP_sha256();
}
}  // namespace

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {
  EVP_DigestInit_ex(impl_->ctx, sha256_algorithm(), nullptr);
}
Sha256::~Sha256() = default;

void Sha256::update(const void* data, size_t size) { EVP_DigestUpdate(impl_->ctx, data, size); }

Digest Sha256::finish() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(impl_->ctx, md, &len);
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  hex.reserve(len * 2);
  for (unsigned i = 0; i < len; ++i) {
    hex.push_back(kHex[md[i] >> 4]);
    hex.push_back(kHex[md[i] & 15]);
  }
  return Digest{"sha256", hex};
}

Digest sha256_of(std::string_view data) {
  Sha256 h;
  h.update(data);
  return h.finish();
}

VerifyingStream::VerifyingStream(std::unique_ptr<ByteStream> inner, Digest expected,
                                 std::string what, int64_t expected_size)
    : inner_(std::move(inner)),
      expected_(std::move(expected)),
      what_(std::move(what)),
      expected_size_(expected_size) {}

Result<size_t> VerifyingStream::read(char* buffer, size_t capacity) {
  // A stream that failed stays failed.
  if (!failure_.empty()) return fail(failure_);
  if (verified_) return size_t{0};
  auto n = inner_->read(buffer, capacity);
  if (!n) {
    failure_ = n.error().with_context(what_ + " " + expected_.str()).message;
    return fail(failure_);
  }
  if (*n > 0) {
    hasher_.update(buffer, *n);
    bytes_ += *n;
    return n;
  }
  verified_ = true;
  Digest got = hasher_.finish();
  if (got != expected_) {
    failure_ = what_ + " " + expected_.str() + ": digest mismatch (got " + got.str() + ")";
  } else if (expected_size_ >= 0 && bytes_ != static_cast<uint64_t>(expected_size_)) {
    failure_ = what_ + " " + expected_.str() + ": size mismatch (expected " +
               std::to_string(expected_size_) + " bytes, got " + std::to_string(bytes_) + ")";
  }
  if (!failure_.empty()) return fail(failure_);
  return size_t{0};
}

}  // namespace strata
