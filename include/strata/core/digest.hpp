// Digests: "sha256:<64 hex>" values, an incremental SHA-256 (OpenSSL EVP, which uses the CPU's
// SHA extensions), and VerifyingStream, which checks a blob against its digest as it streams.
//
//   auto d = Digest::parse("sha256:ab…");            // Result<Digest>
//   VerifyingStream v(std::move(raw), *d, "layer 2"); // read() fails at EOF on mismatch
//
// Thread safety: plain values; a hasher or stream belongs to one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "strata/core/byte_stream.hpp"
#include "strata/core/result.hpp"

namespace strata {

struct Digest {
  std::string algorithm;  // "sha256"
  std::string hex;        // lower-case

  static Result<Digest> parse(std::string_view text);
  std::string str() const { return empty() ? "" : algorithm + ":" + hex; }  // "" when empty
  // "sha256:9f2c1a2b3c4d" (12 hex digits), for people.
  std::string short_str() const { return empty() ? "" : algorithm + ":" + hex.substr(0, 12); }
  bool empty() const { return hex.empty(); }
  auto operator<=>(const Digest&) const = default;
};

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const void* data, size_t size);
  void update(std::string_view data) { update(data.data(), data.size()); }
  Digest finish();  // once

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

Digest sha256_of(std::string_view data);

// Wraps a stream; at its end compares the SHA-256 (and size, when expected_size >= 0) with the
// expected digest and fails with "<what> sha256:…: digest mismatch (got sha256:…)".
class VerifyingStream final : public ByteStream {
 public:
  VerifyingStream(std::unique_ptr<ByteStream> inner, Digest expected, std::string what,
                  int64_t expected_size = -1);
  Result<size_t> read(char* buffer, size_t capacity) override;
  uint64_t bytes_read() const { return bytes_; }

 private:
  std::unique_ptr<ByteStream> inner_;
  Digest expected_;
  std::string what_;
  int64_t expected_size_;
  Sha256 hasher_;
  uint64_t bytes_ = 0;
  bool verified_ = false;
  std::string failure_;  // set once the stream has failed
};

}  // namespace strata
