#include "encoded_values.hpp"

#include "strata/core/base64.hpp"

#include <zlib.h>

#include <array>

namespace strata {

std::vector<EncodedValue> docker_config_auths(std::string_view json) {
  std::vector<EncodedValue> out;
  for (size_t at = json.find("\"auth\""); at != std::string_view::npos;
       at = json.find("\"auth\"", at + 6)) {
    size_t colon = json.find_first_not_of(" \t\r\n", at + 6);
    if (colon == std::string_view::npos || json[colon] != ':') continue;
    size_t open = json.find_first_not_of(" \t\r\n", colon + 1);
    if (open == std::string_view::npos || json[open] != '"') continue;
    size_t close = json.find('"', open + 1);
    if (close == std::string_view::npos) break;
    auto decoded = base64_decode(json.substr(open + 1, close - open - 1));
    if (decoded && decoded->find(':') != std::string::npos) {
      out.push_back(EncodedValue{"auth", std::move(*decoded), open + 1});
    }
  }
  return out;
}

std::vector<EncodedValue> kubernetes_secret_data(std::string_view yaml) {
  std::vector<EncodedValue> out;
  bool in_data = false;
  size_t data_indent = 0;
  for (size_t pos = 0; pos < yaml.size();) {
    size_t end = std::min(yaml.find('\n', pos), yaml.size());
    std::string_view line = yaml.substr(pos, end - pos);
    size_t indent = line.find_first_not_of(' ');
    if (indent != std::string_view::npos && line[indent] != '#') {
      std::string_view body = line.substr(indent);
      if (body == "data:" || body.starts_with("data: ")) {
        in_data = true;
        data_indent = indent;
      } else if (in_data && indent <= data_indent) {
        in_data = false;
      } else if (in_data) {
        auto colon = body.find(": ");
        if (colon != std::string_view::npos) {
          std::string_view value = body.substr(colon + 2);
          while (!value.empty() && (value.back() == '\r' || value.back() == ' ')) {
            value.remove_suffix(1);
          }
          if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'')) {
            value = value.substr(1, value.size() - 2);
          }
          auto decoded = base64_decode(value);
          if (decoded && !decoded->empty()) {
            uint64_t offset = pos + indent + colon + 2;
            out.push_back(EncodedValue{"data." + std::string(body.substr(0, colon)),
                                       std::move(*decoded), offset});
          }
        }
      }
    }
    pos = end + 1;
  }
  return out;
}

std::optional<std::string> inflate_git_object(std::string_view compressed, size_t max_bytes) {
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK) return std::nullopt;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  zs.avail_in = static_cast<uInt>(compressed.size());
  std::string out;
  char buf[65536];
  int rc = Z_OK;
  while (rc == Z_OK && out.size() < max_bytes) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof buf - zs.avail_out);
  }
  inflateEnd(&zs);
  if (rc != Z_STREAM_END && rc != Z_OK) return std::nullopt;
  // A loose object starts with "<type> <size>\0".
  auto nul = out.find('\0');
  if (nul == std::string::npos || nul > 32) return std::nullopt;
  if (out.size() > max_bytes) out.resize(max_bytes);
  return out;
}

}  // namespace strata
