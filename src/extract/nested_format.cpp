#include "nested_format.hpp"

#include <array>
#include <cctype>

namespace strata {
namespace {

bool ends_with_nocase(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  s = s.substr(s.size() - suffix.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != suffix[i]) return false;
  }
  return true;
}

constexpr std::array<std::string_view, 8> kZipSuffixes = {".jar", ".war", ".ear", ".zip",
                                                          ".whl", ".egg", ".apk", ".nupkg"};
// Checked before ".gz" and ".zst", so "x.tar.gz" is a tar.
constexpr std::array<std::string_view, 5> kTarSuffixes = {".tar", ".tar.gz", ".tgz", ".tar.zst",
                                                          ".tzst"};

std::string_view basename(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace

NestedFormat nested_format(std::string_view path) {
  std::string_view base = basename(path);
  for (auto suffix : kZipSuffixes) {
    if (base.size() > suffix.size() && ends_with_nocase(base, suffix)) return NestedFormat::kZip;
  }
  for (auto suffix : kTarSuffixes) {
    if (base.size() > suffix.size() && ends_with_nocase(base, suffix)) return NestedFormat::kTar;
  }
  if (base.size() > 3 && ends_with_nocase(base, ".gz")) return NestedFormat::kSingleGzip;
  if (base.size() > 4 && ends_with_nocase(base, ".zst")) return NestedFormat::kSingleZstd;
  return NestedFormat::kNone;
}

const char* nested_format_name(NestedFormat f) {
  switch (f) {
    case NestedFormat::kZip:
      return "zip";
    case NestedFormat::kTar:
      return "tar";
    case NestedFormat::kSingleGzip:
      return "gzip";
    case NestedFormat::kSingleZstd:
      return "zstd";
    case NestedFormat::kNone:
      break;
  }
  return "none";
}

std::string single_file_name(std::string_view path) {
  std::string_view base = basename(path);
  auto dot = base.rfind('.');
  return std::string(dot == std::string_view::npos ? base : base.substr(0, dot));
}

}  // namespace strata
