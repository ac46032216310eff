#include "support/hostile_images.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <stdexcept>

#include "strata/core/digest.hpp"
#include "support/subprocess.hpp"
#include "support/test_env.hpp"
#include "support/ustar_header.hpp"

namespace strata::test {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

constexpr uint64_t kZeroSegment = 1 << 20;
constexpr const char* kManifestType = "application/vnd.oci.image.manifest.v1+json";
constexpr const char* kIndexType = "application/vnd.oci.image.index.v1+json";
constexpr const char* kConfigType = "application/vnd.oci.image.config.v1+json";
constexpr const char* kLayerTar = "application/vnd.oci.image.layer.v1.tar";

// Raw deflate of `data` ending in a full flush: byte-aligned and referring to nothing before
// it, so such pieces may be concatenated in any order and number.
std::string deflate_piece(z_stream& zs, std::string_view data, int flush) {
  std::string out;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  char buffer[1 << 16];
  do {
    zs.next_out = reinterpret_cast<Bytef*>(buffer);
    zs.avail_out = sizeof buffer;
    if (deflate(&zs, flush) == Z_STREAM_ERROR) throw std::runtime_error("deflate failed");
    out.append(buffer, sizeof buffer - zs.avail_out);
  } while (zs.avail_out == 0 || zs.avail_in > 0);
  return out;
}

void init_raw_deflate(z_stream& zs, int level) {
  zs = {};
  if (deflateInit2(&zs, level, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2 failed");
  }
}

// kZeroSegment zeros deflated once, and their CRC-32.
struct ZeroSegment {
  std::string deflated;
  uint32_t crc = 0;
};

const ZeroSegment& zero_segment() {
  static const ZeroSegment segment = [] {
    ZeroSegment s;
    std::string zeros(kZeroSegment, '\0');
    z_stream zs;
    init_raw_deflate(zs, 9);
    s.deflated = deflate_piece(zs, zeros, Z_FULL_FLUSH);
    deflateEnd(&zs);
    s.crc = static_cast<uint32_t>(
        ::crc32(0, reinterpret_cast<const Bytef*>(zeros.data()), static_cast<uInt>(zeros.size())));
    return s;
  }();
  return segment;
}

void put_le(std::string& out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

std::string ustar_with_link(const std::string& path, char type, uint64_t size,
                            const std::string& link_target) {
  std::string h = ustar_header(path.size() <= 100 ? path : "pax-path", type,
                               size < (8ull << 30) ? static_cast<size_t>(size) : 0);
  if (!link_target.empty()) {
    std::string link = link_target.size() <= 100 ? link_target : "pax-link";
    std::memcpy(h.data() + 157, link.data(), link.size());
    seal_tar_header(h);
  }
  return h;
}

void write_whole_file(const std::string& path, const std::string& bytes) {
  fs::create_directories(fs::path(path).parent_path());
  write_file(path, bytes);
}

}  // namespace

struct DeflateBuilder::Impl {
  z_stream zs;
  std::string out;
};

DeflateBuilder::DeflateBuilder() : impl_(new Impl) {
  init_raw_deflate(impl_->zs, 6);
  crc_ = static_cast<uint32_t>(::crc32(0, nullptr, 0));
}

DeflateBuilder::~DeflateBuilder() {
  deflateEnd(&impl_->zs);
  delete impl_;
}

void DeflateBuilder::add(std::string_view data) {
  impl_->out += deflate_piece(impl_->zs, data, Z_FULL_FLUSH);
  crc_ = static_cast<uint32_t>(
      ::crc32(crc_, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
  size_ += data.size();
}

void DeflateBuilder::add_zeros(uint64_t count) {
  const ZeroSegment& segment = zero_segment();
  for (; count >= kZeroSegment; count -= kZeroSegment) {
    impl_->out += segment.deflated;
    crc_ = static_cast<uint32_t>(crc32_combine(crc_, segment.crc, kZeroSegment));
    size_ += kZeroSegment;
  }
  if (count > 0) add(std::string(count, '\0'));
}

std::string DeflateBuilder::finish() {
  impl_->out += deflate_piece(impl_->zs, {}, Z_FINISH);
  return std::move(impl_->out);
}

std::string GzipBuilder::finish() {
  // ID1 ID2, deflate, no flags, no mtime, no extra flags, OS unknown.
  std::string out("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff", 10);
  uint32_t crc = deflate_.crc32();
  uint64_t size = deflate_.size();
  out += deflate_.finish();
  put_le(out, crc, 4);
  put_le(out, size & 0xffffffffu, 4);
  return out;
}

ZipBuilder& ZipBuilder::add(const std::string& name, std::string_view content) {
  DeflateBuilder entry;
  entry.add(content);
  return add_deflated(name, entry);
}

ZipBuilder& ZipBuilder::add_zeros(const std::string& name, uint64_t count) {
  DeflateBuilder entry;
  entry.add_zeros(count);
  return add_deflated(name, entry);
}

ZipBuilder& ZipBuilder::add_deflated(const std::string& name, DeflateBuilder& entry) {
  uint32_t crc = entry.crc32();
  uint64_t size = entry.size();
  std::string data = entry.finish();
  if (size >= 0xffffffffu || data.size() >= 0xffffffffu) throw std::runtime_error("zip64 needed");
  auto common = [&](std::string& h) {  // version needed .. name length
    put_le(h, 20, 2);
    put_le(h, 0, 2);     // flags
    put_le(h, 8, 2);     // deflate
    put_le(h, 0, 2);     // time
    put_le(h, 0x21, 2);  // date: 1980-01-01
    put_le(h, crc, 4);
    put_le(h, data.size(), 4);
    put_le(h, size, 4);
    put_le(h, name.size(), 2);
    put_le(h, 0, 2);  // extra length
  };
  uint64_t offset = out_.size();
  put_le(out_, 0x04034b50, 4);
  common(out_);
  out_ += name;
  out_ += data;
  put_le(central_, 0x02014b50, 4);
  put_le(central_, 20, 2);  // made by
  common(central_);
  put_le(central_, 0, 2);  // comment length
  put_le(central_, 0, 2);  // disk
  put_le(central_, 0, 2);  // internal attributes
  put_le(central_, 0, 4);  // external attributes
  put_le(central_, offset, 4);
  central_ += name;
  ++entries_;
  return *this;
}

std::string ZipBuilder::finish() {
  std::string out = out_ + central_;
  put_le(out, 0x06054b50, 4);
  put_le(out, 0, 2);
  put_le(out, 0, 2);
  put_le(out, entries_, 2);
  put_le(out, entries_, 2);
  put_le(out, central_.size(), 4);
  put_le(out, out_.size(), 4);
  put_le(out, 0, 2);
  return out;
}

std::string tar_header(const std::string& path, char type, uint64_t size,
                       const std::string& link_target) {
  std::string pax;
  if (path.size() > 100) pax += pax_record("path", path);
  if (link_target.size() > 100) pax += pax_record("linkpath", link_target);
  if (size >= (8ull << 30)) pax += pax_record("size", std::to_string(size));
  std::string out = pax.empty() ? "" : tar_extension('x', pax);
  return out + ustar_with_link(path, type, size, link_target);
}

std::string tar_file(const std::string& path, std::string_view content) {
  return tar_header(path, '0', content.size()) + std::string(content) + tar_padding(content.size());
}

std::string tar_end() { return std::string(1024, '\0'); }

std::string tar_padding(uint64_t size) { return std::string((512 - size % 512) % 512, '\0'); }

std::string planted_token() {
  static const char kBase62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::random_device random;
  std::string token = std::string("gh") + "p_";
  for (int i = 0; i < 36; ++i) token.push_back(kBase62[random() % 62]);
  return token;
}

OciLayoutWriter::OciLayoutWriter(std::string dir) : dir_(std::move(dir)) {
  fs::create_directories(dir_ + "/blobs/sha256");
}

WrittenBlob OciLayoutWriter::add_blob(const std::string& bytes) {
  Digest d = sha256_of(bytes);
  write_whole_file(dir_ + "/blobs/sha256/" + d.hex, bytes);
  return {d.str(), static_cast<int64_t>(bytes.size())};
}

WrittenBlob OciLayoutWriter::add_sparse_blob(const std::string& head, uint64_t zeros,
                                             const std::string& tail) {
  Sha256 hash;
  hash.update(head);
  const std::string chunk(kZeroSegment, '\0');
  for (uint64_t left = zeros; left > 0;) {
    uint64_t n = std::min<uint64_t>(left, chunk.size());
    hash.update(chunk.data(), static_cast<size_t>(n));
    left -= n;
  }
  hash.update(tail);
  Digest d = hash.finish();
  std::string path = dir_ + "/blobs/sha256/" + d.hex;
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot create " + path);
  uint64_t size = head.size() + zeros + tail.size();
  bool ok = ::pwrite(fd, head.data(), head.size(), 0) == static_cast<ssize_t>(head.size()) &&
            ::ftruncate(fd, static_cast<off_t>(size)) == 0 &&
            ::pwrite(fd, tail.data(), tail.size(), static_cast<off_t>(head.size() + zeros)) ==
                static_cast<ssize_t>(tail.size());
  ::close(fd);
  if (!ok) throw std::runtime_error("cannot write " + path);
  return {d.str(), static_cast<int64_t>(size)};
}

json OciLayoutWriter::image_manifest(const std::vector<WrittenBlob>& layers, bool gzip,
                                     std::vector<std::string> diff_ids) {
  json layer_descs = json::array();
  for (const WrittenBlob& l : layers) {
    layer_descs.push_back({{"mediaType", std::string(kLayerTar) + (gzip ? "+gzip" : "")},
                           {"digest", l.digest},
                           {"size", l.size}});
    if (diff_ids.size() < layers.size()) diff_ids.push_back(l.digest);
  }
  json config = {{"architecture", "amd64"},
                 {"os", "linux"},
                 {"config", json::object()},
                 {"rootfs", {{"type", "layers"}, {"diff_ids", diff_ids}}}};
  WrittenBlob c = add_blob(config.dump());
  return {{"schemaVersion", 2},
          {"mediaType", kManifestType},
          {"config", {{"mediaType", kConfigType}, {"digest", c.digest}, {"size", c.size}}},
          {"layers", layer_descs}};
}

WrittenBlob OciLayoutWriter::add_image(const std::vector<WrittenBlob>& layers, bool gzip,
                                       std::vector<std::string> diff_ids) {
  return add_blob(image_manifest(layers, gzip, std::move(diff_ids)).dump());
}

void OciLayoutWriter::write_index(const std::vector<json>& manifests) {
  write_whole_file(dir_ + "/oci-layout", json{{"imageLayoutVersion", "1.0.0"}}.dump());
  write_whole_file(dir_ + "/index.json", index_document(json(manifests)).dump());
}

json manifest_descriptor(const WrittenBlob& blob, const std::string& ref_name) {
  json d = {{"mediaType", kManifestType}, {"digest", blob.digest}, {"size", blob.size}};
  if (!ref_name.empty()) d["annotations"] = {{"org.opencontainers.image.ref.name", ref_name}};
  return d;
}

json index_descriptor(const WrittenBlob& blob) {
  return {{"mediaType", kIndexType}, {"digest", blob.digest}, {"size", blob.size}};
}

json index_document(const json& manifests) {
  return {{"schemaVersion", 2}, {"mediaType", kIndexType}, {"manifests", manifests}};
}

void write_deep_file(const std::string& root, const std::string& name, int depth,
                     const std::string& file, const std::string& content) {
  int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  for (int i = 0; fd >= 0 && i < depth; ++i) {
    if (::mkdirat(fd, name.c_str(), 0755) != 0 && errno != EEXIST) break;
    int next = ::openat(fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ::close(fd);
    fd = next;
  }
  if (fd < 0) throw std::runtime_error("cannot make deep directories under " + root);
  int out = ::openat(fd, file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  bool ok = out >= 0 &&
            ::write(out, content.data(), content.size()) == static_cast<ssize_t>(content.size());
  if (out >= 0) ::close(out);
  ::close(fd);
  if (!ok) throw std::runtime_error("cannot write " + file + " deep under " + root);
}

void remove_deep_tree(const std::string& root) {
  CommandResult r = run_command({"rm", "-rf", "--", root}, 300);
  if (r.exit_code != 0) throw std::runtime_error("rm -rf " + root + ": " + r.output);
}

std::string deep_tree_base() {
  return fs::is_directory("/dev/shm") ? "/dev/shm" : fs::temp_directory_path().string();
}

}  // namespace strata::test
