// SecretValue: holds a found secret; every way of printing it redacts unless asked.
//
//   SecretValue s("npm_Ab12...");
//   s.redacted();   // "npm_…(40 chars)"
//   s.reveal();     // the value itself: only for --reveal and fingerprints
//
// There is deliberately no operator<< or implicit conversion to string.
#pragma once

#include <string>

namespace strata {

class SecretValue {
 public:
  SecretValue() = default;
  explicit SecretValue(std::string value) : value_(std::move(value)) {}

  // A short prefix (at most 4 characters, fewer for short secrets) and the length.
  std::string redacted() const;
  const std::string& reveal() const { return value_; }
  size_t size() const { return value_.size(); }
  bool operator==(const SecretValue&) const = default;
  auto operator<=>(const SecretValue&) const = default;

 private:
  std::string value_;
};

}  // namespace strata
