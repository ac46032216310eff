#include "strata/remote/image_reference.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "ascii.hpp"
#include "quoted.hpp"

namespace strata {
namespace {

constexpr std::string_view kDockerHub = "docker.io";
constexpr size_t kMaxNameLength = 255;  // registry/repository, as docker limits it
constexpr size_t kMaxTagLength = 128;

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool has_upper(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

// [a-z0-9]+ runs joined by one separator: '.', '_', '__' or a run of '-' (docker's grammar).
bool valid_path_component(std::string_view c) {
  if (c.empty() || !is_lower_alnum(c.front()) || !is_lower_alnum(c.back())) return false;
  for (size_t i = 0; i < c.size();) {
    if (is_lower_alnum(c[i])) {
      ++i;
      continue;
    }
    size_t run = c.find_first_not_of(c[i], i) - i;  // never npos: c ends alphanumeric
    bool ok = c[i] == '-' || (c[i] == '_' && run <= 2) || (c[i] == '.' && run == 1);
    i += run;
    if (!ok || !is_lower_alnum(c[i])) return false;  // one separator between two runs
  }
  return true;
}

// A host label: alphanumerics with inner '-'.
bool valid_host_label(std::string_view label) {
  if (label.empty() || !is_alnum(label.front()) || !is_alnum(label.back())) return false;
  return std::all_of(label.begin(), label.end(), [](char c) { return is_alnum(c) || c == '-'; });
}

bool valid_port(std::string_view port) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  return !port.empty() && ec == std::errc() && end == port.data() + port.size() && value <= 65535;
}

bool valid_ipv6_literal(std::string_view host) {  // "[…]", checked loosely: hex digits and ':'
  if (host.size() < 4 || host.front() != '[' || host.back() != ']') return false;
  auto inner = host.substr(1, host.size() - 2);
  return inner.find_first_not_of("0123456789abcdefABCDEF:.") == std::string_view::npos &&
         inner.find(':') != std::string_view::npos;
}

// host[:port], where host is dot-separated labels or a bracketed IPv6 literal.
Status check_registry(std::string_view registry) {
  std::string_view host = registry;
  size_t colon = registry.rfind(':');
  if (colon != std::string_view::npos && registry.find(']', colon) == std::string_view::npos) {
    if (!valid_port(registry.substr(colon + 1))) return fail("registry port is not a number");
    host = registry.substr(0, colon);
  }
  if (host.starts_with('[')) {
    if (!valid_ipv6_literal(host)) return fail("invalid IPv6 address in registry");
    return {};
  }
  for (size_t start = 0;;) {
    size_t dot = host.find('.', start);
    if (!valid_host_label(host.substr(start, dot - start))) return fail("invalid registry host");
    if (dot == std::string_view::npos) return {};
    start = dot + 1;
  }
}

Status check_repository(std::string_view repository) {
  if (has_upper(repository)) return fail("repository name must be lowercase");
  for (size_t start = 0;;) {
    size_t slash = repository.find('/', start);
    if (!valid_path_component(repository.substr(start, slash - start))) {
      return fail("invalid repository name (components are [a-z0-9] joined by '.', '_' or '-')");
    }
    if (slash == std::string_view::npos) return {};
    start = slash + 1;
  }
}

Status check_tag(std::string_view tag) {
  auto word = [](char c) { return is_alnum(c) || c == '_'; };
  bool ok =
      !tag.empty() && tag.size() <= kMaxTagLength && word(tag.front()) &&
      std::all_of(tag.begin(), tag.end(), [&](char c) { return word(c) || c == '.' || c == '-'; });
  if (!ok) return fail("invalid tag (up to 128 of [A-Za-z0-9_.-], not starting with '.' or '-')");
  return {};
}

// Docker's rule: the first component names a registry when it looks like a host (a '.' or
// ':' in it, "localhost", or upper case, which a repository may not have).
bool names_registry(std::string_view first) {
  return first.find_first_of(".:[") != std::string_view::npos || first == "localhost" ||
         has_upper(first);
}

// Splits "name[:tag]" where the tag's ':' comes after the last '/' (a port's does not).
std::pair<std::string_view, std::string_view> split_tag(std::string_view name_and_tag) {
  size_t colon = name_and_tag.rfind(':');
  size_t slash = name_and_tag.rfind('/');
  if (colon == std::string_view::npos || (slash != std::string_view::npos && colon < slash)) {
    return {name_and_tag, {}};
  }
  return {name_and_tag.substr(0, colon), name_and_tag.substr(colon + 1)};
}

bool is_image_id(std::string_view name) {
  return name.size() == 64 && name.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

Status fill_name(ImageReference& ref, std::string_view name) {
  if (is_image_id(name)) return fail("a 64-digit hex string is an image ID, not a repository name");
  size_t slash = name.find('/');
  if (slash != std::string_view::npos && names_registry(name.substr(0, slash))) {
    ref.registry = std::string(name.substr(0, slash));
    ref.repository = std::string(name.substr(slash + 1));
    if (auto ok = check_registry(ref.registry); !ok) return ok;
    if (ref.registry == "index.docker.io") ref.registry = kDockerHub;
  } else {
    ref.registry = kDockerHub;
    ref.repository = std::string(name);
  }
  if (ref.registry == kDockerHub && ref.repository.find('/') == std::string::npos) {
    ref.repository = "library/" + ref.repository;
  }
  if (auto ok = check_repository(ref.repository); !ok) return ok;
  if (ref.registry.size() + 1 + ref.repository.size() > kMaxNameLength) {
    return fail("name longer than 255 characters");
  }
  return {};
}

Result<ImageReference> parse_reference(std::string_view text) {
  if (text.empty()) return fail("empty reference");
  if (std::any_of(text.begin(), text.end(),
                  [](char c) { return !std::isgraph(static_cast<unsigned char>(c)); })) {
    return fail("contains whitespace or control characters");
  }
  ImageReference ref;
  std::string_view rest = text;
  if (size_t at = text.find('@'); at != std::string_view::npos) {
    auto digest = Digest::parse(text.substr(at + 1));
    if (!digest) return fail(digest.error());
    ref.digest = *digest;
    rest = text.substr(0, at);
  }
  auto [name, tag] = split_tag(rest);
  if (rest.size() > name.size()) {  // a ':' was there, even with nothing after it
    if (auto ok = check_tag(tag); !ok) return fail(ok.error());
    ref.tag = std::string(tag);
  }
  if (name.empty()) return fail("no repository name");
  if (auto ok = fill_name(ref, name); !ok) return fail(ok.error());
  if (ref.tag.empty() && !ref.digest) ref.tag = "latest";
  return ref;
}

// The registry without its port: "127.0.0.1", "[::1]", "localhost".
std::string_view registry_host(std::string_view registry) {
  size_t colon = registry.rfind(':');
  if (colon == std::string_view::npos || registry.find(']', colon) != std::string_view::npos) {
    return registry;
  }
  return registry.substr(0, colon);
}

bool is_loopback_ipv4(std::string_view host) {
  int octets = 0;
  for (size_t start = 0; start <= host.size(); ++octets) {
    size_t dot = std::min(host.find('.', start), host.size());
    auto part = host.substr(start, dot - start);
    unsigned value = 0;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (part.empty() || ec != std::errc() || end != part.data() + part.size() || value > 255) {
      return false;
    }
    if (octets == 0 && value != 127) return false;
    start = dot + 1;
  }
  return octets == 4;
}

}  // namespace

Result<ImageReference> ImageReference::parse(std::string_view text) {
  auto ref = parse_reference(text);
  if (!ref) return fail(ref.error().with_context("invalid image reference " + quoted(text)));
  return ref;
}

std::string ImageReference::str() const {
  std::string out = registry + "/" + repository;
  if (!tag.empty()) out += ":" + tag;
  if (digest) out += "@" + digest->str();
  return out;
}

std::string ImageReference::pinned(const Digest& manifest_digest) const {
  if (!manifest_digest.empty()) return registry + "/" + repository + "@" + manifest_digest.str();
  if (digest) return registry + "/" + repository + "@" + digest->str();
  return str();
}

std::string ImageReference::manifest_selector() const { return digest ? digest->str() : tag; }

std::string ImageReference::api_host() const {
  return registry == kDockerHub ? "registry-1.docker.io" : registry;
}

bool ImageReference::is_loopback() const {
  std::string_view host = registry_host(registry);
  std::string lower = ascii_lower(host);
  return lower == "localhost" || lower == "[::1]" || is_loopback_ipv4(lower);
}

}  // namespace strata
