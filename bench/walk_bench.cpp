// Walk-stage benchmarks: walk_layer over one in-memory layer (a tar of ~2000 text files,
// ~40 MiB uncompressed, generated once per process) stored gzip, zstd and uncompressed, with
// a visitor that discards the data (walk) and with one that feeds a FileScanner (walk_scan).
// Floors measured in the same run: raw zlib and ISA-L inflate of the same gzip bytes, raw
// zstd decode, a plain read of the tar; and strata's own gzip decoder alone.
// Bytes processed are always the uncompressed tar bytes, so every rate compares directly.
#include <archive.h>
#include <archive_entry.h>
#include <benchmark/benchmark.h>
#include <isa-l/igzip_lib.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "strata/extract/layer_walker.hpp"
#include "strata/match/match_engine.hpp"

namespace strata::bench {

// Defined in match_bench.cpp.
std::string english_text(size_t bytes, uint64_t seed);
std::string source_text(size_t bytes, uint64_t seed);
const MatchEngine* shipped_engine(std::string& error);

namespace {

constexpr size_t kFiles = 2000;
constexpr size_t kPayloadBytes = 40 << 20;
constexpr size_t kFilesPerDir = 50;
constexpr size_t kOutBlock = 256 << 10;

struct Layer {
  std::string tar;
  std::string gzip;
  std::string zstd;
  size_t files = 0;
  std::string error;  // set when generation failed
};

// Mixes the seed so file sizes do not depend on match_bench's Rng (only declared here).
uint64_t mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ull;
  return x ^ (x >> 33);
}

// Log-uniform sizes between 256 B and 256 KiB, scaled so they sum to ~kPayloadBytes.
std::vector<size_t> file_sizes() {
  std::vector<double> weights(kFiles);
  double total = 0;
  for (size_t i = 0; i < kFiles; ++i) {
    double u = static_cast<double>(mix(i + 1) >> 11) / static_cast<double>(1ull << 53);
    weights[i] = std::exp(std::log(256.0) + u * (std::log(256.0 * 1024) - std::log(256.0)));
    total += weights[i];
  }
  std::vector<size_t> sizes(kFiles);
  for (size_t i = 0; i < kFiles; ++i) {
    sizes[i] = std::max<size_t>(1, static_cast<size_t>(weights[i] / total * kPayloadBytes));
  }
  return sizes;
}

la_ssize_t append_to_string(struct archive*, void* out, const void* buffer, size_t length) {
  static_cast<std::string*>(out)->append(static_cast<const char*>(buffer), length);
  return static_cast<la_ssize_t>(length);
}

struct ArchiveWriteDeleter {
  void operator()(struct archive* a) const { archive_write_free(a); }
};
struct EntryDeleter {
  void operator()(struct archive_entry* e) const { archive_entry_free(e); }
};

// A pax tar with a directory per kFilesPerDir files; odd files are prose, even ones code.
std::optional<std::string> write_tar(std::string& out, size_t& files) {
  const std::string english = english_text(kPayloadBytes / 2 + (1 << 20), 11);
  const std::string source = source_text(kPayloadBytes / 2 + (1 << 20), 12);
  std::unique_ptr<struct archive, ArchiveWriteDeleter> a(archive_write_new());
  archive_write_set_format_pax_restricted(a.get());
  archive_write_add_filter_none(a.get());
  archive_write_set_bytes_in_last_block(a.get(), 1);
  if (archive_write_open(a.get(), &out, nullptr, append_to_string, nullptr) != ARCHIVE_OK) {
    return std::string("libarchive: ") + archive_error_string(a.get());
  }
  auto add = [&](const std::string& path, mode_t type, std::string_view data) -> bool {
    std::unique_ptr<struct archive_entry, EntryDeleter> e(archive_entry_new());
    archive_entry_set_pathname(e.get(), path.c_str());
    archive_entry_set_filetype(e.get(), type);
    archive_entry_set_perm(e.get(), type == AE_IFDIR ? 0755 : 0644);
    archive_entry_set_size(e.get(), static_cast<la_int64_t>(data.size()));
    archive_entry_set_mtime(e.get(), 1700000000, 0);
    if (archive_write_header(a.get(), e.get()) != ARCHIVE_OK) return false;
    return data.empty() || archive_write_data(a.get(), data.data(), data.size()) ==
                               static_cast<la_ssize_t>(data.size());
  };
  std::vector<size_t> sizes = file_sizes();
  size_t english_pos = 0;
  size_t source_pos = 0;
  for (size_t i = 0; i < kFiles; ++i) {
    std::string dir = "app/pkg" + std::to_string(i / kFilesPerDir);
    if (i % kFilesPerDir == 0 && !add(dir, AE_IFDIR, {})) break;
    bool prose = i % 2 == 1;
    const std::string& pool = prose ? english : source;
    size_t& pos = prose ? english_pos : source_pos;
    if (pos + sizes[i] > pool.size()) pos = 0;
    std::string path = dir + "/file" + std::to_string(i) + (prose ? ".md" : ".py");
    if (!add(path, AE_IFREG, std::string_view(pool).substr(pos, sizes[i]))) break;
    pos += sizes[i];
    ++files;
  }
  if (files != kFiles || archive_write_close(a.get()) != ARCHIVE_OK) {
    return std::string("libarchive: ") + archive_error_string(a.get());
  }
  return std::nullopt;
}

std::optional<std::string> gzip_compress(std::string_view in, std::string& out) {
  z_stream z{};
  if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return "zlib: deflateInit2 failed";
  }
  out.resize(deflateBound(&z, in.size()));
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return "zlib: deflate did not finish";
  return std::nullopt;
}

std::optional<std::string> zstd_compress(std::string_view in, std::string& out) {
  out.resize(ZSTD_compressBound(in.size()));
  size_t n = ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 3);
  if (ZSTD_isError(n)) return std::string("zstd: ") + ZSTD_getErrorName(n);
  out.resize(n);
  return std::nullopt;
}

const Layer& layer() {
  static const Layer built = [] {
    Layer l;
    if (auto e = write_tar(l.tar, l.files)) {
      l.error = *e;
    } else if (auto e = gzip_compress(l.tar, l.gzip)) {
      l.error = *e;
    } else if (auto e = zstd_compress(l.tar, l.zstd)) {
      l.error = *e;
    }
    return l;
  }();
  return built;
}

// A ByteStream over bytes owned elsewhere (MemoryStream would copy the blob every iteration).
class ViewStream final : public ByteStream {
 public:
  explicit ViewStream(std::string_view data) : data_(data) {}
  Result<size_t> read(char* buffer, size_t capacity) override {
    size_t n = std::min(capacity, data_.size() - pos_);
    std::memcpy(buffer, data_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

class DiscardingVisitor final : public EntryVisitor {
 public:
  Control on_entry(const EntryInfo&) override { return Control::kContinue; }
  Control on_data(std::string_view chunk) override {
    benchmark::DoNotOptimize(chunk.data());
    return Control::kContinue;
  }
  void on_entry_end() override {}
};

// Streams every regular file through the scanner, as the scan module does.
class ScanningVisitor final : public EntryVisitor {
 public:
  explicit ScanningVisitor(FileScanner& scanner) : scanner_(scanner) {}
  Control on_entry(const EntryInfo& entry) override {
    scanning_ = entry.type == EntryType::kFile;
    if (scanning_) scanner_.begin();
    return Control::kContinue;
  }
  Control on_data(std::string_view chunk) override {
    if (scanning_) scanner_.feed(chunk);
    return Control::kContinue;
  }
  void on_entry_end() override {
    if (!scanning_) return;
    scanning_ = false;
    matches_ += scanner_.finish().size();
  }
  size_t matches() const { return matches_; }

 private:
  FileScanner& scanner_;
  bool scanning_ = false;
  size_t matches_ = 0;
};

enum class Format { kGzip, kZstd, kNone };

std::string_view blob(const Layer& l, Format f) {
  switch (f) {
    case Format::kGzip:
      return l.gzip;
    case Format::kZstd:
      return l.zstd;
    case Format::kNone:
      break;
  }
  return l.tar;
}

// Common epilogue: rates in uncompressed bytes, and the blob's compression ratio.
void report(benchmark::State& state, const Layer& l, Format f) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * l.tar.size()));
  state.counters["blob_MiB"] = static_cast<double>(blob(l, f).size()) / (1 << 20);
  state.counters["tar_MiB"] = static_cast<double>(l.tar.size()) / (1 << 20);
}

const Layer* ready_layer(benchmark::State& state) {
  const Layer& l = layer();
  if (!l.error.empty()) {
    state.SkipWithError(l.error.c_str());
    return nullptr;
  }
  return &l;
}

// One walk; false (and the benchmark skipped) on error or a wrong file count. `pipelined`:
// decode on a helper thread, the visitor on this one (walk_layer_pipelined).
bool walk_once(benchmark::State& state, const Layer& l, Format f, EntryVisitor& visitor,
               bool pipelined = false) {
  LayerChanges changes;
  auto stream = std::make_unique<ViewStream>(blob(l, f));
  auto stats = pipelined ? walk_layer_pipelined(std::move(stream), visitor, changes, ScanLimits{})
                         : walk_layer(std::move(stream), visitor, changes, ScanLimits{});
  if (!stats) {
    state.SkipWithError(stats.error().message.c_str());
    return false;
  }
  if (stats->files != l.files || stats->bytes_decoded != l.tar.size()) {
    state.SkipWithError("walk saw a different layer than was written");
    return false;
  }
  return true;
}

void walk_benchmark(benchmark::State& state, Format f) {
  const Layer* l = ready_layer(state);
  if (!l) return;
  DiscardingVisitor visitor;
  for (auto _ : state) {
    if (!walk_once(state, *l, f, visitor)) return;
  }
  report(state, *l, f);
}

void walk_scan_benchmark(benchmark::State& state, Format f, bool pipelined) {
  const Layer* l = ready_layer(state);
  if (!l) return;
  std::string error;
  const MatchEngine* engine = shipped_engine(error);
  if (!engine) {
    state.SkipWithError(error.c_str());
    return;
  }
  FileScanner scanner(*engine);
  size_t matches = 0;
  for (auto _ : state) {
    ScanningVisitor visitor(scanner);
    if (!walk_once(state, *l, f, visitor, pipelined)) return;
    matches = visitor.matches();
  }
  report(state, *l, f);
  state.counters["matches"] = static_cast<double>(matches);
}

// Decode-only floor: zlib inflate of the gzip blob into a reused buffer.
void zlib_floor_benchmark(benchmark::State& state) {
  const Layer* l = ready_layer(state);
  if (!l) return;
  std::vector<unsigned char> out(kOutBlock);
  for (auto _ : state) {
    z_stream z{};
    inflateInit2(&z, 15 + 16);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(l->gzip.data()));
    z.avail_in = static_cast<uInt>(l->gzip.size());
    int rc = Z_OK;
    while (rc == Z_OK) {
      z.next_out = out.data();
      z.avail_out = static_cast<uInt>(out.size());
      rc = inflate(&z, Z_NO_FLUSH);
      benchmark::DoNotOptimize(out.data());
    }
    uint64_t total = z.total_out;
    inflateEnd(&z);
    if (rc != Z_STREAM_END || total != l->tar.size()) {
      state.SkipWithError("zlib: inflate failed");
      return;
    }
  }
  report(state, *l, Format::kGzip);
}

// Decode-only floor with ISA-L's igzip, the backend strata's gzip decoder uses.
void isal_floor_benchmark(benchmark::State& state) {
  const Layer* l = ready_layer(state);
  if (!l) return;
  std::vector<uint8_t> out(kOutBlock);
  auto s = std::make_unique<inflate_state>();
  for (auto _ : state) {
    isal_inflate_init(s.get());
    s->crc_flag = ISAL_GZIP;
    s->next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(l->gzip.data()));
    s->avail_in = static_cast<uint32_t>(l->gzip.size());
    uint64_t total = 0;
    while (s->block_state != ISAL_BLOCK_FINISH) {
      s->next_out = out.data();
      s->avail_out = static_cast<uint32_t>(out.size());
      if (isal_inflate(s.get()) != ISAL_DECOMP_OK) break;
      size_t produced = out.size() - s->avail_out;
      if (produced == 0 && s->avail_in == 0 && s->block_state != ISAL_BLOCK_FINISH) break;
      total += produced;
      benchmark::DoNotOptimize(out.data());
    }
    if (s->block_state != ISAL_BLOCK_FINISH || total != l->tar.size()) {
      state.SkipWithError("isa-l: inflate failed");
      return;
    }
  }
  report(state, *l, Format::kGzip);
}

// strata's own gzip decoder (make_decoder) read to the end: the decode cost inside walk.
void strata_decoder_benchmark(benchmark::State& state) {
  const Layer* l = ready_layer(state);
  if (!l) return;
  std::vector<char> out(kOutBlock);
  for (auto _ : state) {
    auto decoder = make_decoder(Compression::kGzip, std::make_unique<ViewStream>(l->gzip));
    if (!decoder) {
      state.SkipWithError(decoder.error().message.c_str());
      return;
    }
    uint64_t total = 0;
    for (;;) {
      auto n = (*decoder)->read(out.data(), out.size());
      if (!n) {
        state.SkipWithError(n.error().message.c_str());
        return;
      }
      if (*n == 0) break;
      total += *n;
      benchmark::DoNotOptimize(out.data());
    }
    if (total != l->tar.size()) {
      state.SkipWithError("decoder: wrong length");
      return;
    }
  }
  report(state, *l, Format::kGzip);
}

// Decode-only floor for zstd: streaming decompression into a reused buffer.
void zstd_floor_benchmark(benchmark::State& state) {
  const Layer* l = ready_layer(state);
  if (!l) return;
  std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> ctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
  std::vector<char> out(kOutBlock);
  for (auto _ : state) {
    ZSTD_DCtx_reset(ctx.get(), ZSTD_reset_session_only);
    ZSTD_inBuffer in{l->zstd.data(), l->zstd.size(), 0};
    uint64_t total = 0;
    size_t rc = 1;
    while (rc != 0) {
      ZSTD_outBuffer o{out.data(), out.size(), 0};
      rc = ZSTD_decompressStream(ctx.get(), &o, &in);
      if (ZSTD_isError(rc) || (o.pos == 0 && in.pos == in.size && rc != 0)) break;
      total += o.pos;
      benchmark::DoNotOptimize(out.data());
    }
    if (rc != 0 || total != l->tar.size()) {
      state.SkipWithError("zstd: decompression failed");
      return;
    }
  }
  report(state, *l, Format::kZstd);
}

// Floor for an uncompressed layer: reading the blob through a ByteStream into a reused
// buffer, which is all a walk of a plain tar must do besides parsing headers.
void read_floor_benchmark(benchmark::State& state) {
  const Layer* l = ready_layer(state);
  if (!l) return;
  std::vector<char> out(kOutBlock);
  for (auto _ : state) {
    ViewStream stream(l->tar);
    uint64_t total = 0;
    while (size_t n = *stream.read(out.data(), out.size())) {
      total += n;
      benchmark::DoNotOptimize(out.data());
    }
    benchmark::DoNotOptimize(total);
  }
  report(state, *l, Format::kNone);
}

const bool kRegistered = [] {
  auto ms = [](benchmark::internal::Benchmark* b) { b->Unit(benchmark::kMillisecond); };
  ms(benchmark::RegisterBenchmark("walk/gzip/zlib_floor", zlib_floor_benchmark));
  ms(benchmark::RegisterBenchmark("walk/gzip/isal_floor", isal_floor_benchmark));
  ms(benchmark::RegisterBenchmark("walk/gzip/strata_decoder", strata_decoder_benchmark));
  ms(benchmark::RegisterBenchmark("walk/zstd/zstd_floor", zstd_floor_benchmark));
  ms(benchmark::RegisterBenchmark("walk/none/read_floor", read_floor_benchmark));
  const std::pair<const char*, Format> formats[] = {
      {"gzip", Format::kGzip}, {"zstd", Format::kZstd}, {"none", Format::kNone}};
  for (const auto& [name, f] : formats) {
    ms(benchmark::RegisterBenchmark((std::string("walk/") + name + "/walk").c_str(), walk_benchmark,
                                    f));
    ms(benchmark::RegisterBenchmark((std::string("walk/") + name + "/walk_scan").c_str(),
                                    walk_scan_benchmark, f, false));
    // Wall time: the helper thread's CPU time is not the main thread's.
    benchmark::RegisterBenchmark((std::string("walk/") + name + "/walk_scan_pipelined").c_str(),
                                 walk_scan_benchmark, f, true)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  }
  return true;
}();

}  // namespace
}  // namespace strata::bench
