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

  // A secret known only by its redacted form and length (a findings store that keeps no
  // values): reveal() is empty; redacted() and size() are the original's.
  static SecretValue withheld(std::string redacted, size_t size) {
    SecretValue s;
    s.withheld_ = std::move(redacted);
    s.withheld_size_ = size;
    return s;
  }

  // A short prefix (at most 4 characters, fewer for short secrets) and the length.
  std::string redacted() const;
  const std::string& reveal() const { return value_; }
  size_t size() const { return withheld_.empty() ? value_.size() : withheld_size_; }
  bool operator==(const SecretValue&) const = default;
  auto operator<=>(const SecretValue&) const = default;

 private:
  std::string value_;
  std::string withheld_;  // redacted(), for a withheld value
  size_t withheld_size_ = 0;
};

}  // namespace strata
