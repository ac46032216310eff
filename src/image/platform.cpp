#include <string>
#include <string_view>
#include <vector>

#include "strata/image/image.hpp"

namespace strata {
namespace {

// Architecture spellings people type for the names OCI uses.
std::string normalize_arch(std::string_view arch) {
  if (arch == "x86_64" || arch == "x86-64") return "amd64";
  if (arch == "aarch64") return "arm64";
  return std::string(arch);
}

// The variant an image without one is built for (OCI platform defaults).
std::string_view default_variant(std::string_view arch) {
  if (arch == "arm64") return "v8";
  if (arch == "arm") return "v7";
  return "";
}

std::string_view effective_variant(const Platform& p) {
  return p.variant.empty() ? default_variant(p.architecture) : std::string_view(p.variant);
}

}  // namespace

std::string Platform::str() const {
  if (os.empty() && architecture.empty()) return "";  // a plain rootfs: no platform known
  std::string s = os + "/" + architecture;
  if (!variant.empty()) s += "/" + variant;
  return s;
}

Result<Platform> Platform::parse(std::string_view text) {
  auto bad = [&] {
    return fail("invalid platform \"" + std::string(text.substr(0, 80)) +
                "\": want os/arch[/variant]");
  };
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t slash = text.find('/', start);
    parts.push_back(text.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (parts.size() < 2 || parts.size() > 3) return bad();
  for (std::string_view p : parts) {
    if (p.empty()) return bad();
  }
  Platform platform;
  platform.os = std::string(parts[0]);
  platform.architecture = normalize_arch(parts[1]);
  if (parts.size() == 3) platform.variant = std::string(parts[2]);
  return platform;
}

bool Platform::matches(const Platform& wanted) const {
  if (os != wanted.os || architecture != wanted.architecture) return false;
  if (wanted.variant.empty()) return true;
  return effective_variant(*this) == effective_variant(wanted);
}

}  // namespace strata
