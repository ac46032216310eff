// Test support: builds tar archives in memory (libarchive's writer, pax format) and
// compresses them, so tests can make layers with exactly the entries a case needs.
//
//   TarWriter t;
//   t.add_file("app/.env", "KEY=value\n");
//   t.add_whiteout("app/id_rsa");          // writes app/.wh.id_rsa
//   std::string layer = gzip_compress(t.finish());
#pragma once

#include <string>

namespace strata::test {

class TarWriter {
 public:
  TarWriter();
  ~TarWriter();
  TarWriter(const TarWriter&) = delete;
  TarWriter& operator=(const TarWriter&) = delete;

  // Paths are written exactly as given ("./a", "/a" and "a" all stay as they are).
  TarWriter& add_file(const std::string& path, const std::string& content, int mode = 0644);
  TarWriter& add_dir(const std::string& path, int mode = 0755);
  TarWriter& add_symlink(const std::string& path, const std::string& target);
  TarWriter& add_hardlink(const std::string& path, const std::string& target);
  // "dir/name" -> "dir/.wh.name"
  TarWriter& add_whiteout(const std::string& path);
  // "dir" -> "dir/.wh..wh..opq"
  TarWriter& add_opaque(const std::string& dir);
  std::string finish();

 private:
  struct Impl;
  Impl* impl_;
};

std::string gzip_compress(const std::string& data);
// A bare zlib stream, as git stores loose objects.
std::string zlib_compress(const std::string& data);
std::string zstd_compress(const std::string& data);

}  // namespace strata::test
