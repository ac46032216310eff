// Result<T>: a value or an Error carrying context, for expected per-item failures
// (corrupt layer, bad manifest, rule that fails to compile).
//
//   Result<int> parse(std::string_view s);
//   auto r = parse("x");
//   if (!r) return fail(r.error().with_context("layer 3"));
//
// Thread safety: plain values. Errors never carry secret values.
#pragma once

#include <expected>
#include <string>
#include <utility>

namespace strata {

struct Error {
  std::string message;

  // Prefixes context: Error{"zstd: corrupt block"}.with_context("layer 3") reads
  // "layer 3: zstd: corrupt block".
  [[nodiscard]] Error with_context(const std::string& context) const {
    return Error{context + ": " + message};
  }
};

template <class T>
using Result = std::expected<T, Error>;

// Result<void> for operations that only succeed or fail.
using Status = std::expected<void, Error>;

[[nodiscard]] inline std::unexpected<Error> fail(std::string message) {
  return std::unexpected<Error>(Error{std::move(message)});
}
[[nodiscard]] inline std::unexpected<Error> fail(Error error) {
  return std::unexpected<Error>(std::move(error));
}

// Whether a callback wants the producer to go on or stop.
enum class Control { kContinue, kStop };

}  // namespace strata
