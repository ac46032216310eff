// Test support: hostile inputs built on the fly, so no test stores gigabytes. Runs of zeros
// cost about a thousandth of their size to deflate (one compressed megabyte of zeros is
// repeated), tar headers take any path length or size (pax records), and OCI layouts are
// written blob by blob, including blobs that are sparse files or say whatever size a test wants.
//
//   GzipBuilder gz;
//   gz.add(tar_file("app/.env", "KEY=v\n"));
//   gz.add(tar_header("zeros.bin", '0', 10ull << 30));
//   gz.add_zeros(10ull << 30);                      // 10 GiB of data, ~10 MB of gzip
//   gz.add(tar_end());
//   OciLayoutWriter layout(dir);
//   WrittenBlob layer = layout.add_blob(gz.finish());
//
// Thread safety: none (one object per thread). Errors: std::runtime_error on I/O failures.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "support/image_writer.hpp"

namespace strata::test {

// A raw deflate stream of data and long runs of zeros, with the CRC-32 and length of what it
// decodes to (for the gzip and zip wrappers).
class DeflateBuilder {
 public:
  DeflateBuilder();
  ~DeflateBuilder();
  DeflateBuilder(const DeflateBuilder&) = delete;
  DeflateBuilder& operator=(const DeflateBuilder&) = delete;

  void add(std::string_view data);
  void add_zeros(uint64_t count);  // ~1 byte of output per 1000 zeros
  // The stream, ended; the builder is spent.
  std::string finish();
  uint32_t crc32() const { return crc_; }
  uint64_t size() const { return size_; }

 private:
  struct Impl;
  Impl* impl_;
  uint32_t crc_ = 0;
  uint64_t size_ = 0;
};

// A gzip member around a DeflateBuilder.
class GzipBuilder {
 public:
  void add(std::string_view data) { deflate_.add(data); }
  void add_zeros(uint64_t count) { deflate_.add_zeros(count); }
  std::string finish();

 private:
  DeflateBuilder deflate_;
};

// A zip archive of deflated entries (each under 4 GiB: no zip64).
class ZipBuilder {
 public:
  ZipBuilder& add(const std::string& name, std::string_view content);
  ZipBuilder& add_zeros(const std::string& name, uint64_t count);
  std::string finish();

 private:
  ZipBuilder& add_deflated(const std::string& name, DeflateBuilder& entry);
  std::string out_;
  std::string central_;
  uint16_t entries_ = 0;
};

// One tar header (a pax extended header first when the path or link target is longer than
// ustar takes, or the size is 8 GiB or more). `type`: '0' file, '5' directory, '1' hard link,
// '2' symlink.
std::string tar_header(const std::string& path, char type, uint64_t size,
                       const std::string& link_target = "");
// A regular file entry with its content, padded.
std::string tar_file(const std::string& path, std::string_view content);
// The two zero blocks that end an archive.
std::string tar_end();
// NULs that pad `size` bytes of data to a whole 512-byte block.
std::string tar_padding(uint64_t size);

// A made-up GitHub token (ghp_ and 36 random base62 characters): a finding wherever it lands.
std::string planted_token();

// An OCI image layout written blob by blob. Descriptors and manifests are plain JSON the test
// may bend (sizes, loops) before they are written.
class OciLayoutWriter {
 public:
  explicit OciLayoutWriter(std::string dir);

  WrittenBlob add_blob(const std::string& bytes);
  // A blob of `head`, `zeros` NUL bytes left as a hole (a sparse file: no disk, no memory),
  // then `tail`; its digest is computed by streaming.
  WrittenBlob add_sparse_blob(const std::string& head, uint64_t zeros, const std::string& tail);

  // An image manifest blob for these layers (media types: tar, or tar+gzip when `gzip`), with
  // a config whose diff_ids are `diff_ids` (the layers' own digests when empty).
  WrittenBlob add_image(const std::vector<WrittenBlob>& layers, bool gzip,
                        std::vector<std::string> diff_ids = {});
  // The image manifest of add_image, before it is stored: for tests that edit it.
  nlohmann::json image_manifest(const std::vector<WrittenBlob>& layers, bool gzip,
                                std::vector<std::string> diff_ids = {});

  // oci-layout and index.json listing these descriptors.
  void write_index(const std::vector<nlohmann::json>& manifests);
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

// {"mediaType", "digest", "size"} (and a ref name annotation when given).
nlohmann::json manifest_descriptor(const WrittenBlob& blob, const std::string& ref_name = "");
nlohmann::json index_descriptor(const WrittenBlob& blob);
// An image index document listing these descriptors.
nlohmann::json index_document(const nlohmann::json& manifests);

// Writes `content` to `file` at the bottom of `depth` directories named `name`, one inside
// the next, under `root`: made with mkdirat/openat, since the path is longer than PATH_MAX.
// remove_deep_tree() removes such a tree (std::filesystem::remove_all cannot): rm -rf, which
// walks with openat. Removing directories is slow on some disks (ext4 with discard: ~3 ms
// each), so a deep tree is best made on tmpfs (deep_tree_base()).
void write_deep_file(const std::string& root, const std::string& name, int depth,
                     const std::string& file, const std::string& content);
void remove_deep_tree(const std::string& root);
// /dev/shm when it is a directory, else the system's temporary directory.
std::string deep_tree_base();

}  // namespace strata::test
