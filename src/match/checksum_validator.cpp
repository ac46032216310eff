// Offline validation of token formats that carry structure: checksums, JWTs, base64 JSON (see
// secret_validator.hpp).
#include <zlib.h>

#include <string>

#include "strata/match/secret_validator.hpp"
#include "structured_secret.hpp"

namespace strata {
namespace {

constexpr std::string_view kBase62 =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr size_t kCheckChars = 6;

// base62 of a 32-bit value, left-padded with '0' to 6 characters (62^6 > 2^32, so it fits).
std::string base62_6(uint32_t value) {
  std::string out(kCheckChars, '0');
  for (size_t i = kCheckChars; i-- > 0 && value > 0; value /= 62) out[i] = kBase62[value % 62];
  return out;
}

ValidationState check_crc32_base62_last6(std::string_view secret) {
  // The random part and its check digits follow the prefix's last '_' (base62 has no '_').
  size_t underscore = secret.rfind('_');
  std::string_view body =
      underscore == std::string_view::npos ? secret : secret.substr(underscore + 1);
  if (body.size() <= kCheckChars) return ValidationState::kInvalid;
  std::string_view random = body.substr(0, body.size() - kCheckChars);
  std::string_view check = body.substr(body.size() - kCheckChars);
  uLong crc = crc32(0L, Z_NULL, 0);
  crc = crc32(crc, reinterpret_cast<const Bytef*>(random.data()), static_cast<uInt>(random.size()));
  return base62_6(static_cast<uint32_t>(crc)) == check ? ValidationState::kValid
                                                       : ValidationState::kInvalid;
}

class ChecksumValidator final : public SecretValidator {
 public:
  ValidationResult validate(const Rule& rule, std::string_view secret) const override {
    ValidationState state = rule.checksum == ChecksumKind::kJwt
                                ? match_detail::check_jwt(secret, rule.expect)
                            : rule.checksum == ChecksumKind::kBase64Json
                                ? match_detail::check_base64_json(secret, rule.expect)
                                : check_checksum(rule.checksum, secret);
    switch (state) {
      case ValidationState::kValid:
        return {state, std::string(checksum_kind_name(rule.checksum)) + ": structure matches"};
      case ValidationState::kInvalid:
        return {state, std::string(checksum_kind_name(rule.checksum)) + ": structure mismatch"};
      case ValidationState::kNotApplicable:
        break;
    }
    return {state, "the rule has no checksum"};
  }
};

}  // namespace

ValidationState check_checksum(ChecksumKind kind, std::string_view secret) {
  switch (kind) {
    case ChecksumKind::kCrc32Base62Last6:
      return check_crc32_base62_last6(secret);
    case ChecksumKind::kJwt:  // these need the rule's expectations: validate()
    case ChecksumKind::kBase64Json:
    case ChecksumKind::kNone:
      break;
  }
  return ValidationState::kNotApplicable;
}

const SecretValidator& checksum_validator() {
  static const ChecksumValidator validator;
  return validator;
}

}  // namespace strata
