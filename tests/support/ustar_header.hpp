// Test support: tar header blocks written by hand, for tests of tar readers (libarchive's writer
// would refuse some of the headers tests need, such as a regular file whose name ends in '/').
//
//   std::string tar = ustar_header("a.txt", '0', 3) + tar_padded("abc") + std::string(1024, '\0');
#pragma once

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

namespace strata::test {

// Rewrites the checksum field of a 512-byte header block to match its bytes (unsigned sum).
inline void seal_tar_header(std::string& h) {
  std::memset(h.data() + 148, ' ', 8);
  unsigned sum = 0;
  for (unsigned char c : h) sum += c;
  std::snprintf(h.data() + 148, 8, "%06o", sum);
}

// A ustar header; `size` is written in octal.
inline std::string ustar_header(const std::string& name, char type, size_t size) {
  std::string h(512, '\0');
  std::memcpy(h.data(), name.data(), std::min<size_t>(name.size(), 100));
  std::snprintf(h.data() + 100, 8, "%07o", 0644);
  std::snprintf(h.data() + 108, 8, "%07o", 0);
  std::snprintf(h.data() + 116, 8, "%07o", 0);
  std::snprintf(h.data() + 124, 12, "%011zo", size);
  std::snprintf(h.data() + 136, 12, "%011o", 0);
  h[156] = type;
  std::memcpy(h.data() + 257, "ustar", 6);
  std::memcpy(h.data() + 263, "00", 2);
  seal_tar_header(h);
  return h;
}

// `data` padded with NULs to a whole number of 512-byte blocks.
inline std::string tar_padded(std::string data) {
  data.resize((data.size() + 511) / 512 * 512, '\0');
  return data;
}

// A pax record, "<length> <key>=<value>\n", its length counting itself.
inline std::string pax_record(const std::string& key, const std::string& value) {
  std::string body = " " + key + "=" + value + "\n";
  size_t length = body.size() + 1;
  while (std::to_string(length).size() + body.size() != length) ++length;
  return std::to_string(length) + body;
}

// An extended header ('x', 'g', 'L' or 'K') with its body, padded.
inline std::string tar_extension(char type, const std::string& body) {
  return ustar_header("ExtHeader", type, body.size()) + tar_padded(body);
}

}  // namespace strata::test
