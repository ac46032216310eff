#include "strata/source/open_source.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "file_tree.hpp"
#include "layout_image_source.hpp"
#include "single_layer_source.hpp"
#include "tar_index.hpp"
#include "temp_file.hpp"

namespace strata {
namespace {

enum class FileKind { kAuto, kDockerArchive, kOciArchive };

bool is_dir(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}
bool is_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// The layer media type a compressed file's magic bytes call for; "" when not compressed.
std::string compressed_media_type(const std::string& path) {
  unsigned char m[6] = {};
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  ssize_t n = ::pread(fd, m, sizeof m, 0);
  ::close(fd);
  const std::string base = kRootfsTarMediaType;
  if (n >= 2 && m[0] == 0x1f && m[1] == 0x8b) return base + "+gzip";
  if (n >= 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd) return base + "+zstd";
  if (n >= 3 && m[0] == 'B' && m[1] == 'Z' && m[2] == 'h') return base + "+bzip2";
  if (n >= 6 && m[0] == 0xfd && m[1] == '7' && m[2] == 'z' && m[3] == 'X' && m[4] == 'Z') {
    return base + "+xz";
  }
  return "";
}

Result<std::unique_ptr<ImageSource>> open_file(const std::string& path, const std::string& source,
                                               FileKind kind, const SourceOptions& options,
                                               std::shared_ptr<TempFile> spool) {
  std::string compressed = compressed_media_type(path);
  if (!compressed.empty()) {
    if (kind != FileKind::kAuto) {
      return fail(source + ": a compressed archive; decompress it first (e.g. gunzip -k)");
    }
    return open_rootfs_tar(path, source, compressed, std::move(spool));
  }
  auto index = TarIndex::build(path);
  if (!index) {
    const char* what = kind == FileKind::kDockerArchive ? "a docker-archive"
                       : kind == FileKind::kOciArchive  ? "an OCI archive"
                                                        : "a docker-archive, OCI archive or tar";
    return fail(source + ": not " + what + ": " + index.error().message);
  }
  auto tree = std::make_unique<TarTree>(std::move(*index));
  bool docker = tree->locate("manifest.json").has_value();
  bool oci = tree->locate("index.json") && tree->locate("oci-layout");
  if (kind == FileKind::kDockerArchive && !docker) {
    return fail(source + ": not a docker-archive: manifest.json is missing");
  }
  if (kind == FileKind::kOciArchive && !oci) {
    return fail(source + ": not an OCI archive: index.json or oci-layout is missing");
  }
  if (kind == FileKind::kOciArchive || (kind == FileKind::kAuto && !docker && oci)) {
    return LayoutImageSource::open(std::move(tree), LayoutKind::kOci, source, options,
                                   std::move(spool));
  }
  if (docker) {
    return LayoutImageSource::open(std::move(tree), LayoutKind::kDockerArchive, source, options,
                                   std::move(spool));
  }
  return open_rootfs_tar(path, source, kRootfsTarMediaType, std::move(spool));
}

Result<std::unique_ptr<ImageSource>> open_oci_dir(const std::string& dir, const std::string& source,
                                                  const SourceOptions& options) {
  return LayoutImageSource::open(std::make_unique<DirectoryTree>(dir), LayoutKind::kOci, source,
                                 options, nullptr);
}

// "oci:DIR" or "oci:DIR:tag" (the tag selects a ref name).
Result<std::unique_ptr<ImageSource>> open_oci_reference(const std::string& rest,
                                                        const std::string& source,
                                                        SourceOptions options) {
  if (is_dir(rest)) return open_oci_dir(rest, source, options);
  auto colon = rest.rfind(':');
  if (colon != std::string::npos && is_dir(rest.substr(0, colon))) {
    if (!options.image_filter) options.image_filter = rest.substr(colon + 1);
    return open_oci_dir(rest.substr(0, colon), source, options);
  }
  return fail(source + ": not a directory");
}

// A spooled stream is a file without a name of its own: messages and reports use `source`.
Result<std::unique_ptr<ImageSource>> open_spooled(std::shared_ptr<TempFile> spool,
                                                  const std::string& source, FileKind kind,
                                                  const SourceOptions& options) {
  std::string path = spool->path();
  return open_file(path, source, kind, options, std::move(spool));
}

}  // namespace

Result<std::unique_ptr<ImageSource>> open_archive_stream(ByteStream& in,
                                                         const std::string& source_name,
                                                         const SourceOptions& options,
                                                         StreamedArchive format) {
  auto spool = spool_to_temp_file(in, options.temp_dir, source_name);
  if (!spool) return fail(spool.error());
  FileKind kind =
      format == StreamedArchive::kDockerArchive ? FileKind::kDockerArchive : FileKind::kAuto;
  return open_spooled(std::move(*spool), source_name, kind, options);
}

Result<std::unique_ptr<ImageSource>> open_image_source(const std::string& reference,
                                                       const SourceOptions& options) {
  if (reference == "-") {
    auto spool = spool_to_temp_file(STDIN_FILENO, options.temp_dir, "stdin");
    if (!spool) return fail(spool.error());
    return open_spooled(std::move(*spool), "stdin", FileKind::kAuto, options);
  }
  if (reference.starts_with("oci:"))
    return open_oci_reference(reference.substr(4), reference, options);
  for (auto [prefix, kind] : {std::pair{"oci-archive:", FileKind::kOciArchive},
                              std::pair{"docker-archive:", FileKind::kDockerArchive}}) {
    std::string p = prefix;
    if (!reference.starts_with(p)) continue;
    std::string path = reference.substr(p.size());
    if (!is_file(path)) return fail(reference + ": no such file");
    return open_file(path, reference, kind, options, nullptr);
  }
  struct stat st {};
  if (::stat(reference.c_str(), &st) != 0) return fail(reference + ": " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) {
    if (is_file(reference + "/index.json") && is_file(reference + "/oci-layout")) {
      return open_oci_dir(reference, reference, options);
    }
    return open_directory(reference, reference);
  }
  return open_file(reference, reference, FileKind::kAuto, options, nullptr);
}

}  // namespace strata
