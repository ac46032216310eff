#include "strata/findings/known_public.hpp"

#include <fstream>

#include "strata/core/digest.hpp"

namespace strata {

Result<KnownPublicSecrets> KnownPublicSecrets::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return fail(path + ": cannot read");
  KnownPublicSecrets out;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.empty() || line[0] == '#') continue;
    std::string hex = line.substr(0, line.find_first_of(" \t"));
    if (!Digest::parse("sha256:" + hex)) {
      return fail(path + ":" + std::to_string(number) + ": expected a sha256 hex digest");
    }
    auto reason_at = line.find_first_not_of(" \t", hex.size());
    out.add(hex, reason_at == std::string::npos ? "known public value" : line.substr(reason_at));
  }
  return out;
}

void KnownPublicSecrets::add(const std::string& sha256_hex, std::string reason) {
  reasons_[sha256_hex] = std::move(reason);
}

const std::string* KnownPublicSecrets::reason_for(const SecretValue& secret) const {
  if (reasons_.empty()) return nullptr;
  auto it = reasons_.find(sha256_of(secret.reveal()).hex);
  return it == reasons_.end() ? nullptr : &it->second;
}

}  // namespace strata
