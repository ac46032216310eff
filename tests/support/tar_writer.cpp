#include "support/tar_writer.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <zlib.h>
#include <zstd.h>

#include <stdexcept>

namespace strata::test {

struct TarWriter::Impl {
  archive* a = archive_write_new();
  std::string out;
  bool finished = false;

  static la_ssize_t write_cb(archive*, void* self, const void* buf, size_t n) {
    static_cast<Impl*>(self)->out.append(static_cast<const char*>(buf), n);
    return static_cast<la_ssize_t>(n);
  }

  void add(const std::string& path, mode_t type, int mode, const std::string& content,
           const char* symlink, const char* hardlink) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, path.c_str());
    archive_entry_set_filetype(e, type);
    archive_entry_set_perm(e, mode);
    archive_entry_set_mtime(e, 0, 0);
    if (symlink) archive_entry_set_symlink(e, symlink);
    if (hardlink) archive_entry_set_hardlink(e, hardlink);
    archive_entry_set_size(e, type == AE_IFREG && !hardlink ? content.size() : 0);
    if (archive_write_header(a, e) != ARCHIVE_OK) {
      throw std::runtime_error(std::string("tar header: ") + archive_error_string(a));
    }
    if (type == AE_IFREG && !hardlink && !content.empty()) {
      archive_write_data(a, content.data(), content.size());
    }
    archive_entry_free(e);
  }
};

TarWriter::TarWriter() : impl_(new Impl) {
  archive_write_set_format_pax_restricted(impl_->a);
  archive_write_set_bytes_per_block(impl_->a, 512);
  archive_write_open(impl_->a, impl_, nullptr, &Impl::write_cb, nullptr);
}

TarWriter::~TarWriter() {
  archive_write_free(impl_->a);
  delete impl_;
}

TarWriter& TarWriter::add_file(const std::string& path, const std::string& content, int mode) {
  impl_->add(path, AE_IFREG, mode, content, nullptr, nullptr);
  return *this;
}
TarWriter& TarWriter::add_dir(const std::string& path, int mode) {
  impl_->add(path, AE_IFDIR, mode, "", nullptr, nullptr);
  return *this;
}
TarWriter& TarWriter::add_symlink(const std::string& path, const std::string& target) {
  impl_->add(path, AE_IFLNK, 0777, "", target.c_str(), nullptr);
  return *this;
}
TarWriter& TarWriter::add_hardlink(const std::string& path, const std::string& target) {
  impl_->add(path, AE_IFREG, 0644, "", nullptr, target.c_str());
  return *this;
}
TarWriter& TarWriter::add_whiteout(const std::string& path) {
  auto slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  return add_file(dir + ".wh." + name, "", 0);
}
TarWriter& TarWriter::add_opaque(const std::string& dir) {
  return add_file(dir + "/.wh..wh..opq", "", 0);
}

std::string TarWriter::finish() {
  if (!impl_->finished) {
    archive_write_close(impl_->a);
    impl_->finished = true;
  }
  return impl_->out;
}

std::string gzip_compress(const std::string& data) {
  z_stream zs{};
  deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, data.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = data.size();
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = out.size();
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string zlib_compress(const std::string& data) {
  uLongf size = compressBound(data.size());
  std::string out(size, '\0');
  compress(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(data.data()),
           data.size());
  out.resize(size);
  return out;
}

std::string zstd_compress(const std::string& data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3);
  if (ZSTD_isError(n)) throw std::runtime_error("zstd compress failed");
  out.resize(n);
  return out;
}

}  // namespace strata::test
