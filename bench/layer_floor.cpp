// strata_layer_floor: one-thread reference walks over layer blobs, for bench/image-bench.sh.
//
//   strata_layer_floor libarchive BLOB...             libarchive (zlib/zstd) + tar, data discarded
//   strata_layer_floor strata BLOB...                 strata's walk_layer (ISA-L), data discarded
//   strata_layer_floor decode BLOB...                 strata's decoder alone, no tar parsing
//   strata_layer_floor libarchive-scan RULES BLOB...  libarchive walk + FileScanner per file
//
// Prints one JSON object: mode, seconds (wall, whole run), tar_bytes (uncompressed), files,
// file_bytes, matches. Blobs are read from disk (page cache) in the order given, one thread.
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "strata/extract/layer_walker.hpp"
#include "strata/match/match_engine.hpp"
#include "strata/rules/rule.hpp"

namespace strata {
namespace {

struct Totals {
  uint64_t tar_bytes = 0;
  uint64_t files = 0;
  uint64_t file_bytes = 0;
  uint64_t matches = 0;
};

bool libarchive_walk(const char* path, FileScanner* scanner, Totals& t) {
  archive* a = archive_read_new();
  archive_read_support_filter_gzip(a);
  archive_read_support_filter_zstd(a);
  archive_read_support_format_tar(a);
  if (archive_read_open_filename(a, path, 1 << 20) != ARCHIVE_OK) {
    std::fprintf(stderr, "%s: %s\n", path, archive_error_string(a));
    archive_read_free(a);
    return false;
  }
  archive_entry* e = nullptr;
  int r;
  while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
    if (archive_entry_filetype(e) != AE_IFREG) continue;
    ++t.files;
    if (scanner) scanner->begin();
    const void* buf;
    size_t size;
    la_int64_t offset;
    while ((r = archive_read_data_block(a, &buf, &size, &offset)) == ARCHIVE_OK) {
      t.file_bytes += size;
      if (scanner) scanner->feed(std::string_view(static_cast<const char*>(buf), size));
    }
    if (scanner) t.matches += scanner->finish().size();
    if (r != ARCHIVE_EOF) break;
  }
  bool ok = r == ARCHIVE_EOF;
  if (!ok) std::fprintf(stderr, "%s: %s\n", path, archive_error_string(a));
  t.tar_bytes += static_cast<uint64_t>(archive_filter_bytes(a, 0));
  archive_read_free(a);
  return ok;
}

class DiscardVisitor final : public EntryVisitor {
 public:
  Control on_entry(const EntryInfo&) override { return Control::kContinue; }
  Control on_data(std::string_view) override { return Control::kContinue; }
  void on_entry_end() override {}
};

class FdStream final : public ByteStream {
 public:
  explicit FdStream(int fd) : fd_(fd) {}
  ~FdStream() override { ::close(fd_); }
  Result<size_t> read(char* buffer, size_t capacity) override {
    ssize_t n = ::read(fd_, buffer, capacity);
    if (n < 0) return fail(std::string("read: ") + std::strerror(errno));
    return static_cast<size_t>(n);
  }

 private:
  int fd_;
};

bool strata_walk(const char* path, Totals& t) {
  int fd = ::open(path, O_RDONLY);
  if (fd < 0) {
    std::fprintf(stderr, "%s: %s\n", path, std::strerror(errno));
    return false;
  }
  DiscardVisitor v;
  LayerChanges changes;
  auto stats = walk_layer(std::make_unique<FdStream>(fd), v, changes, ScanLimits{});
  if (!stats) {
    std::fprintf(stderr, "%s: %s\n", path, stats.error().message.c_str());
    return false;
  }
  t.tar_bytes += stats->bytes_decoded;
  t.files += stats->files;
  t.file_bytes += stats->file_bytes;
  return true;
}

// The decoder alone (sniffed like walk_layer does), output discarded: what of the walk is
// inflate and what is tar parsing and the visitor calls.
bool decode_only(const char* path, Totals& t) {
  int fd = ::open(path, O_RDONLY);
  if (fd < 0) {
    std::fprintf(stderr, "%s: %s\n", path, std::strerror(errno));
    return false;
  }
  std::string head(512, '\0');
  ssize_t got = ::pread(fd, head.data(), head.size(), 0);
  head.resize(got > 0 ? static_cast<size_t>(got) : 0);
  auto decoded = make_decoder(sniff_compression(head), std::make_unique<FdStream>(fd));
  if (!decoded) {
    std::fprintf(stderr, "%s: %s\n", path, decoded.error().message.c_str());
    return false;
  }
  std::vector<char> buf(256 << 10);
  for (;;) {
    auto n = (*decoded)->read(buf.data(), buf.size());
    if (!n) {
      std::fprintf(stderr, "%s: %s\n", path, n.error().message.c_str());
      return false;
    }
    if (*n == 0) return true;
    t.tar_bytes += *n;
  }
}

int run(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: %s libarchive|strata|decode BLOB... | libarchive-scan RULES BLOB...\n",
                 argv[0]);
    return 2;
  }
  std::string mode = argv[1];
  int first = 2;
  std::shared_ptr<const MatchEngine> engine;
  std::unique_ptr<FileScanner> scanner;
  if (mode == "libarchive-scan") {
    auto rules = load_rule_files({argv[2]});
    if (!rules) {
      std::fprintf(stderr, "rules: %s\n", rules.error().message.c_str());
      return 2;
    }
    auto compiled = MatchEngine::compile(std::move(*rules));
    if (!compiled) {
      std::fprintf(stderr, "rules: %s\n", compiled.error().message.c_str());
      return 2;
    }
    engine = *compiled;
    scanner = std::make_unique<FileScanner>(*engine);
    first = 3;
  } else if (mode != "libarchive" && mode != "strata" && mode != "decode") {
    std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
    return 2;
  }
  Totals t;
  auto started = std::chrono::steady_clock::now();
  for (int i = first; i < argc; ++i) {
    bool ok = mode == "strata"   ? strata_walk(argv[i], t)
              : mode == "decode" ? decode_only(argv[i], t)
                                 : libarchive_walk(argv[i], scanner.get(), t);
    if (!ok) return 1;
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf(
      "{\"mode\": \"%s\", \"seconds\": %.4f, \"tar_bytes\": %llu, \"files\": %llu, "
      "\"file_bytes\": %llu, \"matches\": %llu}\n",
      mode.c_str(), seconds, static_cast<unsigned long long>(t.tar_bytes),
      static_cast<unsigned long long>(t.files), static_cast<unsigned long long>(t.file_bytes),
      static_cast<unsigned long long>(t.matches));
  return 0;
}

}  // namespace
}  // namespace strata

int main(int argc, char** argv) { return strata::run(argc, argv); }
