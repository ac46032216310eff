// Test helper: builds zip archives (jar, war, ...) in memory with libarchive's zip writer.
// Deflated entries always carry a data descriptor (libarchive writes them streaming);
// stored entries do when their size is left unknown.
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace strata::test {

class ZipWriter {
 public:
  enum class Method { kDeflate, kStore };

  // `encrypted`: every entry gets traditional PKWARE encryption.
  explicit ZipWriter(bool encrypted = false) : a_(archive_write_new()) {
    archive_write_set_format_zip(a_);
    archive_write_set_bytes_in_last_block(a_, 1);  // no padding after the archive
    if (encrypted) {
      archive_write_set_passphrase(a_, "test-only-passphrase");
      archive_write_set_format_option(a_, "zip", "encryption", "traditional");
    }
    archive_write_open(a_, &out_, nullptr, &write_cb, nullptr);
  }
  ~ZipWriter() { archive_write_free(a_); }
  ZipWriter(const ZipWriter&) = delete;
  ZipWriter& operator=(const ZipWriter&) = delete;

  ZipWriter& add(const std::string& path, const std::string& content,
                 Method method = Method::kDeflate, bool size_known = true) {
    begin(path, method, size_known ? static_cast<int64_t>(content.size()) : -1);
    if (!content.empty()) archive_write_data(a_, content.data(), content.size());
    return *this;
  }

  // `count` copies of `c`, written in pieces (for very large, very compressible entries).
  ZipWriter& add_repeated(const std::string& path, char c, uint64_t count) {
    begin(path, Method::kDeflate, static_cast<int64_t>(count));
    std::string piece(1 << 20, c);
    while (count > 0) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(count, piece.size()));
      archive_write_data(a_, piece.data(), n);
      count -= n;
    }
    return *this;
  }

  ZipWriter& add_dir(const std::string& path) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, path.c_str());
    archive_entry_set_filetype(e, AE_IFDIR);
    archive_entry_set_perm(e, 0755);
    archive_entry_set_size(e, 0);
    write_header(e);
    return *this;
  }

  std::string finish() {
    archive_write_close(a_);
    return out_;
  }

 private:
  void begin(const std::string& path, Method method, int64_t size) {
    if (method == Method::kDeflate) {
      archive_write_zip_set_compression_deflate(a_);
    } else {
      archive_write_zip_set_compression_store(a_);
    }
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, path.c_str());
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_mtime(e, 0, 0);
    if (size >= 0) archive_entry_set_size(e, size);
    write_header(e);
  }

  void write_header(archive_entry* e) {
    int r = archive_write_header(a_, e);
    archive_entry_free(e);
    if (r < ARCHIVE_WARN) {
      throw std::runtime_error(std::string("zip header: ") + archive_error_string(a_));
    }
  }

  static la_ssize_t write_cb(archive*, void* self, const void* buf, size_t n) {
    static_cast<std::string*>(self)->append(static_cast<const char*>(buf), n);
    return static_cast<la_ssize_t>(n);
  }

  archive* a_;
  std::string out_;
};

}  // namespace strata::test
