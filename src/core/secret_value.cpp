#include "strata/core/secret_value.hpp"

namespace strata {

std::string SecretValue::redacted() const {
  if (!withheld_.empty()) return withheld_;
  // Show a prefix only when it leaves most of the secret hidden.
  size_t shown = value_.size() >= 16 ? 4 : value_.size() >= 8 ? 2 : 0;
  // Never cut a UTF-8 character in half: back off to the start of the one at the cut.
  while (shown > 0 && shown < value_.size() &&
         (static_cast<unsigned char>(value_[shown]) & 0xC0) == 0x80) {
    --shown;
  }
  std::string out = value_.substr(0, shown);
  out += "…(" + std::to_string(value_.size()) + " chars)";
  return out;
}

}  // namespace strata
