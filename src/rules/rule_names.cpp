#include <array>
#include <string>

#include "strata/rules/rule.hpp"

namespace strata {
namespace {

constexpr std::array<const char*, 5> kSeverityNames = {"info", "low", "medium", "high", "critical"};
constexpr std::array<const char*, 3> kConfidenceNames = {"low", "medium", "high"};
constexpr std::array<const char*, 4> kChecksumKindNames = {"none", "crc32-base62-last6", "jwt",
                                                           "base64-json"};
constexpr std::array<const char*, 3> kValidationStateNames = {"not-applicable", "valid", "invalid"};

}  // namespace

const char* severity_name(Severity s) { return kSeverityNames.at(static_cast<size_t>(s)); }

Result<Severity> parse_severity(std::string_view text) {
  for (size_t i = 0; i < kSeverityNames.size(); ++i) {
    if (text == kSeverityNames[i]) return static_cast<Severity>(i);
  }
  return fail("unknown severity \"" + std::string(text.substr(0, 40)) +
              "\" (expected info, low, medium, high or critical)");
}

const char* confidence_name(Confidence c) { return kConfidenceNames.at(static_cast<size_t>(c)); }

Result<Confidence> parse_confidence(std::string_view text) {
  for (size_t i = 0; i < kConfidenceNames.size(); ++i) {
    if (text == kConfidenceNames[i]) return static_cast<Confidence>(i);
  }
  return fail("unknown confidence \"" + std::string(text.substr(0, 40)) +
              "\" (expected low, medium or high)");
}

const char* checksum_kind_name(ChecksumKind kind) {
  return kChecksumKindNames.at(static_cast<size_t>(kind));
}

Result<ChecksumKind> parse_checksum_kind(std::string_view text) {
  for (size_t i = 0; i < kChecksumKindNames.size(); ++i) {
    if (text == kChecksumKindNames[i]) return static_cast<ChecksumKind>(i);
  }
  return fail("unknown checksum \"" + std::string(text.substr(0, 40)) +
              "\" (expected none, crc32-base62-last6, jwt or base64-json)");
}

const char* validation_state_name(ValidationState state) {
  return kValidationStateNames.at(static_cast<size_t>(state));
}

}  // namespace strata
