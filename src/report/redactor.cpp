#include "redactor.hpp"

#include <algorithm>

namespace strata {

Redactor::Redactor(const std::vector<Finding>& findings, bool reveal) : reveal_(reveal) {
  for (const Finding& f : findings) {
    // A secret file's "secret" is its path: nothing to hide in other text.
    if (!f.secret.reveal().empty() && !f.secret_is_path) secrets_.push_back(&f.secret);
  }
  // Longer secrets first, so a secret containing another is replaced whole.
  std::sort(secrets_.begin(), secrets_.end(),
            [](const SecretValue* a, const SecretValue* b) { return a->size() > b->size(); });
}

std::string Redactor::secret(const SecretValue& value) const {
  return reveal_ ? value.reveal() : value.redacted();
}

std::string Redactor::text(std::string text) const {
  if (reveal_) return text;
  for (const SecretValue* s : secrets_) {
    const std::string& needle = s->reveal();
    const std::string replacement = s->redacted();
    for (size_t pos = text.find(needle); pos != std::string::npos;
         pos = text.find(needle, pos + replacement.size())) {
      text.replace(pos, needle.size(), replacement);
    }
  }
  return text;
}

}  // namespace strata
