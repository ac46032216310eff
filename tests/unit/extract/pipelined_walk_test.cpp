// walk_layer_pipelined: the visitor sees what walk_layer shows it, in the same order, with any
// queue size; errors come after what was seen before them; a throwing visitor neither hangs nor
// loses its exception.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <new>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

#include "recording_visitor.hpp"
#include "strata/extract/layer_walker.hpp"
#include "support/tar_writer.hpp"
#include "zip_writer.hpp"

namespace strata {
namespace {

using test::gzip_compress;
using test::memory_stream;
using test::pseudo_random_bytes;
using test::TarWriter;
using test::ZipWriter;

// Writes every call as a line into a shared trace, independent of how data was chunked: data is
// summed per entry, and each nested call notes how many bytes its parent file had seen by then.
class TraceVisitor final : public EntryVisitor {
 public:
  TraceVisitor(std::string& trace, int depth, TraceVisitor* parent = nullptr)
      : trace_(trace), depth_(depth), parent_(parent) {}

  std::thread::id last_thread;

  Control on_entry(const EntryInfo& entry) override {
    last_thread = std::this_thread::get_id();
    data_.clear();
    line("entry " + entry.path + " type=" + std::to_string(static_cast<int>(entry.type)) +
         " size=" + std::to_string(entry.size) + " link=" + entry.link_target);
    return Control::kContinue;
  }
  Control on_data(std::string_view chunk) override {
    last_thread = std::this_thread::get_id();
    data_.append(chunk);
    return Control::kContinue;
  }
  void on_entry_end() override {
    line("end bytes=" + std::to_string(data_.size()) +
         " hash=" + std::to_string(std::hash<std::string>{}(data_)));
  }
  EntryVisitor* nested_visitor() override {
    if (!child_) child_ = std::make_unique<TraceVisitor>(trace_, depth_ + 1, this);
    return child_.get();
  }

 private:
  void line(const std::string& what) {
    std::string at = parent_ ? " at=" + std::to_string(parent_->data_.size()) : "";
    trace_ += std::to_string(depth_) + " " + what + at + "\n";
  }

  std::string& trace_;
  int depth_;
  TraceVisitor* parent_;
  std::unique_ptr<TraceVisitor> child_;
  std::string data_;
};

// A layer with small and big files, links, a whiteout and a jar holding a jar; first, with
// `files_of_32k`, that many files of 32 KiB.
std::string mixed_layer(int files_of_32k = 0) {
  ZipWriter inner;
  inner.add("config.properties", "db.user=app\n");
  ZipWriter outer;
  outer.add("WEB-INF/web.xml", "<web-app/>\n").add("WEB-INF/lib/inner.jar", inner.finish());
  TarWriter t;
  for (int i = 0; i < files_of_32k; ++i) {
    t.add_file("app/f" + std::to_string(i), pseudo_random_bytes(32 << 10, i));
  }
  t.add_dir("app").add_file("app/small.txt", "small\n");
  for (int i = 0; i < 300; ++i) t.add_file("app/many/" + std::to_string(i), std::to_string(i));
  t.add_file("app/big.bin", pseudo_random_bytes(3 << 20, 7));
  t.add_symlink("app/link", "small.txt").add_hardlink("app/hard", "app/small.txt");
  t.add_whiteout("app/gone").add_file("app/site.war", outer.finish());
  t.add_file("app/after.txt", "after\n");
  return gzip_compress(t.finish());
}

struct Traced {
  std::string trace;
  LayerChanges changes;
  Result<WalkStats> stats;
};

Traced plain(const std::string& blob) {
  Traced t;
  TraceVisitor v(t.trace, 0);
  t.stats = walk_layer(memory_stream(blob), v, t.changes, ScanLimits{});
  return t;
}

Traced pipelined(const std::string& blob, PipelineOptions options) {
  Traced t;
  TraceVisitor v(t.trace, 0);
  t.stats = walk_layer_pipelined(memory_stream(blob), v, t.changes, ScanLimits{}, nullptr, options);
  return t;
}

TEST(PipelinedWalk, SameCallsInTheSameOrderAsAPlainWalk) {
  std::string blob = mixed_layer();
  Traced a = plain(blob);
  Traced b = pipelined(blob, PipelineOptions{});
  ASSERT_TRUE(a.stats) << a.stats.error().message;
  ASSERT_TRUE(b.stats) << b.stats.error().message;
  EXPECT_NE(a.trace.find("1 entry app/site.war!/WEB-INF/web.xml"), std::string::npos);
  EXPECT_NE(a.trace.find("2 entry app/site.war!/WEB-INF/lib/inner.jar!/config.properties"),
            std::string::npos);
  EXPECT_EQ(a.trace, b.trace);
  EXPECT_EQ(a.stats->files, b.stats->files);
  EXPECT_EQ(a.stats->file_bytes, b.stats->file_bytes);
  EXPECT_EQ(a.stats->nested_entries, b.stats->nested_entries);
  EXPECT_EQ(a.changes.entries.size(), b.changes.entries.size());
  EXPECT_EQ(a.changes.whiteouts, b.changes.whiteouts);
}

TEST(PipelinedWalk, TinyQueueSplitsDataButNotTheCalls) {
  std::string blob = mixed_layer();
  Traced a = plain(blob);
  Traced b = pipelined(blob, PipelineOptions{2, 1000});
  ASSERT_TRUE(b.stats) << b.stats.error().message;
  EXPECT_EQ(a.trace, b.trace);
}

TEST(PipelinedWalk, VisitorRunsOnTheCallingThread) {
  std::string trace;
  TraceVisitor v(trace, 0);
  LayerChanges changes;
  auto stats = walk_layer_pipelined(memory_stream(mixed_layer()), v, changes, ScanLimits{});
  ASSERT_TRUE(stats) << stats.error().message;
  EXPECT_EQ(v.last_thread, std::this_thread::get_id());
}

TEST(PipelinedWalk, DecodeErrorMidLayerComesAfterEverythingBeforeIt) {
  TarWriter t;
  t.add_file("first.txt", "first\n").add_file("big.bin", pseudo_random_bytes(2 << 20, 9));
  t.add_file("last.txt", "last\n");
  std::string blob = gzip_compress(t.finish());
  blob.resize(blob.size() / 2);
  Traced a = plain(blob);
  Traced b = pipelined(blob, PipelineOptions{2, 4096});
  ASSERT_FALSE(a.stats);
  ASSERT_FALSE(b.stats);
  EXPECT_EQ(a.stats.error().message, b.stats.error().message);
  EXPECT_NE(b.trace.find("0 entry first.txt"), std::string::npos);
  EXPECT_EQ(a.trace, b.trace);
}

TEST(PipelinedWalk, KStopFromOnEntrySkipsThatEntrysCalls) {
  test::RecordingVisitor v;
  v.decide = [](const EntryInfo& e) {
    return e.path == "skip.txt" ? Control::kStop : Control::kContinue;
  };
  TarWriter t;
  t.add_file("skip.txt", "skipped\n").add_file("keep.txt", "kept\n");
  LayerChanges changes;
  auto stats = walk_layer_pipelined(memory_stream(t.finish()), v, changes, ScanLimits{});
  ASSERT_TRUE(stats) << stats.error().message;
  ASSERT_EQ(v.seen.size(), 1u);
  EXPECT_EQ(v.seen[0].info.path, "keep.txt");
  EXPECT_EQ(v.seen[0].data, "kept\n");
  EXPECT_TRUE(v.seen[0].ended);
}

TEST(PipelinedWalk, KStopFromOnDataEndsThatFilesData) {
  test::RecordingVisitor v;
  v.stop_after = 1;
  TarWriter t;
  t.add_file("big.bin", pseudo_random_bytes(1 << 20, 5)).add_file("next.txt", "next\n");
  LayerChanges changes;
  auto stats = walk_layer_pipelined(memory_stream(t.finish()), v, changes, ScanLimits{}, nullptr,
                                    PipelineOptions{2, 1000});
  ASSERT_TRUE(stats) << stats.error().message;
  ASSERT_EQ(v.seen.size(), 2u);
  EXPECT_EQ(v.seen[0].chunks, 1u);
  EXPECT_TRUE(v.seen[0].ended);
  EXPECT_EQ(v.seen[1].data, "next\n");
}

// Hands out its bytes in small pieces, then fails: with an error, or by throwing as a source
// that runs out of memory would.
class FailingStream final : public ByteStream {
 public:
  FailingStream(std::string data, size_t piece, bool throws = false)
      : inner_(std::move(data), piece), throws_(throws) {}
  Result<size_t> read(char* buffer, size_t capacity) override {
    auto n = inner_.read(buffer, capacity);
    if (n && *n == 0 && throws_) throw std::bad_alloc();
    if (n && *n == 0) return fail("blob: connection reset");
    return n;
  }

 private:
  test::ChunkedStream inner_;
  bool throws_;
};

// A gzip layer of a small file and a big one, cut two thirds of the way through.
std::string layer_cut_in_its_second_file() {
  TarWriter t;
  t.add_file("first.txt", "first\n").add_file("big.bin", pseudo_random_bytes(3 << 20, 4));
  std::string blob = gzip_compress(t.finish());
  blob.resize(blob.size() * 2 / 3);
  return blob;
}

TEST(PipelinedWalk, BlobReadErrorComesAfterEverythingBeforeIt) {
  std::string blob = layer_cut_in_its_second_file();
  for (bool prefetch : {false, true}) {
    Traced a, b;
    TraceVisitor va(a.trace, 0), vb(b.trace, 0);
    a.stats = walk_layer(std::make_unique<FailingStream>(blob, 1000), va, a.changes, ScanLimits{});
    b.stats = walk_layer_pipelined(std::make_unique<FailingStream>(blob, 1000), vb, b.changes,
                                   ScanLimits{}, nullptr, PipelineOptions{3, 8192, prefetch});
    ASSERT_FALSE(b.stats);
    EXPECT_NE(b.stats.error().message.find("connection reset"), std::string::npos)
        << b.stats.error().message;
    EXPECT_EQ(a.stats.error().message, b.stats.error().message);
    EXPECT_EQ(a.trace, b.trace);
    EXPECT_NE(b.trace.find("0 entry first.txt"), std::string::npos);
  }
}

// An exception on the walking thread (here from the blob, read there or on the read-ahead
// thread) ends the walk with an error after everything before it: never std::terminate.
TEST(PipelinedWalk, BlobThatThrowsGivesAnErrorAfterEverythingBeforeIt) {
  std::string blob = layer_cut_in_its_second_file();
  for (bool prefetch : {false, true}) {
    std::string trace;
    TraceVisitor v(trace, 0);
    LayerChanges changes;
    auto stats = walk_layer_pipelined(std::make_unique<FailingStream>(blob, 1000, true), v, changes,
                                      ScanLimits{}, nullptr, PipelineOptions{3, 8192, prefetch});
    ASSERT_FALSE(stats);
    EXPECT_NE(stats.error().message.find("out of memory"), std::string::npos)
        << stats.error().message;
    EXPECT_NE(trace.find("0 entry first.txt"), std::string::npos);
  }
}

TEST(PipelinedWalk, SmallReadsFromTheBlobGiveTheSameWalk) {
  std::string blob = mixed_layer();
  Traced a = plain(blob);
  Traced b;
  TraceVisitor v(b.trace, 0);
  b.stats = walk_layer_pipelined(std::make_unique<test::ChunkedStream>(blob, 777), v, b.changes,
                                 ScanLimits{});
  ASSERT_TRUE(b.stats) << b.stats.error().message;
  EXPECT_EQ(a.trace, b.trace);
  EXPECT_EQ(b.stats->bytes_in, blob.size());
}

// The calling side's visitor, made slow so the walker is soon ahead of it; with `first_stall`,
// stopped that long at its first entry's end (long enough for the walker to take every block
// and batch).
class SlowVisitor final : public EntryVisitor {
 public:
  explicit SlowVisitor(EntryVisitor& inner, std::chrono::milliseconds first_stall = {})
      : inner_(inner), first_stall_(first_stall) {}
  Control on_entry(const EntryInfo& entry) override { return inner_.on_entry(entry); }
  Control on_data(std::string_view chunk) override { return inner_.on_data(chunk); }
  void on_entry_end() override {
    std::this_thread::sleep_for(std::exchange(first_stall_, {}));
    std::this_thread::sleep_for(std::chrono::microseconds(300));
    inner_.on_entry_end();
  }
  EntryVisitor* nested_visitor() override { return inner_.nested_visitor(); }

 private:
  EntryVisitor& inner_;
  std::chrono::milliseconds first_stall_;
};

// A depth-0 trace split into one block per top-level entry (its lines up to its end), by path.
std::map<std::string, std::string> blocks_by_entry(const std::string& trace) {
  std::map<std::string, std::string> out;
  std::istringstream in(trace);
  std::string path;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("0 entry ")) path = line.substr(8, line.find(' ', 8) - 8);
    out[path] += line + "\n";
  }
  return out;
}

// The same blocks in the trace's order.
std::vector<std::pair<std::string, std::string>> blocks_by_entry_in_order(
    const std::string& trace) {
  std::vector<std::pair<std::string, std::string>> out;
  std::istringstream in(trace);
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("0 entry ") || out.empty()) {
      out.emplace_back(line.substr(8, line.find(' ', 8) - 8), "");
    }
    out.back().second += line + "\n";
  }
  return out;
}

TEST(PipelinedWalk, WalkerVisitorTakesSmallFilesWhileTheCallerIsBehind) {
  std::string blob = mixed_layer();
  Traced whole = plain(blob);
  ASSERT_TRUE(whole.stats) << whole.stats.error().message;

  std::string caller_trace, walker_trace;
  TraceVisitor caller_inner(caller_trace, 0);
  SlowVisitor caller(caller_inner);
  TraceVisitor walker(walker_trace, 0);
  PipelineOptions options{2, 1000};
  options.walker_visitor = &walker;
  PipelineStats pipeline;
  options.stats = &pipeline;
  LayerChanges changes;
  auto stats =
      walk_layer_pipelined(memory_stream(blob), caller, changes, ScanLimits{}, nullptr, options);
  ASSERT_TRUE(stats) << stats.error().message;
  EXPECT_EQ(stats->files, whole.stats->files);
  EXPECT_EQ(changes.entries.size(), whole.changes.entries.size());

  // Every entry is seen whole by exactly one of the two visitors.
  auto expected = blocks_by_entry(whole.trace);
  auto by_caller = blocks_by_entry(caller_trace);
  auto by_walker = blocks_by_entry(walker_trace);
  EXPECT_FALSE(by_walker.empty());
  EXPECT_FALSE(by_walker.contains("app/big.bin"));   // 3 MiB: past walker_file_bytes
  EXPECT_FALSE(by_walker.contains("app/site.war"));  // archives stay with the caller
  EXPECT_FALSE(by_walker.contains("app"));           // directories and links stay with the caller
  for (const auto& [path, block] : by_walker) EXPECT_FALSE(by_caller.contains(path)) << path;
  EXPECT_EQ(pipeline.walker_files, by_walker.size());
  auto both = by_caller;
  both.merge(by_walker);
  EXPECT_EQ(both, expected);
  EXPECT_NE(walker.last_thread, std::this_thread::get_id());
}

// A walk whose entries go to a slow caller and to `more` other visitors, each slowed alike
// (with a first stall of `first_stall`), the blob read in pieces of `read_size`: each
// visitor's trace and thread.
struct SpreadWalk {
  std::vector<std::string> traces;  // the caller's first
  std::vector<std::thread::id> threads;
  PipelineStats pipeline;
  Result<WalkStats> stats = fail("not run");
};

SpreadWalk spread_walk(const std::string& blob, size_t more, PipelineOptions options,
                       size_t read_size = 1 << 20, std::chrono::milliseconds first_stall = {}) {
  SpreadWalk w;
  w.traces.resize(more + 1);
  std::vector<std::unique_ptr<TraceVisitor>> inner;
  std::vector<std::unique_ptr<SlowVisitor>> slow;
  for (std::string& trace : w.traces) {
    inner.push_back(std::make_unique<TraceVisitor>(trace, 0));
    slow.push_back(std::make_unique<SlowVisitor>(*inner.back(), first_stall));
  }
  for (size_t i = 1; i <= more; ++i) options.more_visitors.push_back(slow[i].get());
  options.stats = &w.pipeline;
  LayerChanges changes;
  w.stats = walk_layer_pipelined(std::make_unique<test::ChunkedStream>(blob, read_size), *slow[0],
                                 changes, ScanLimits{}, nullptr, options);
  for (auto& v : inner) w.threads.push_back(v->last_thread);
  return w;
}

// One layer's files spread over several visiting threads: every entry, nested archives
// included, is seen whole by exactly one visitor, on its own thread, and each visitor sees its
// entries in the walk's order.
TEST(PipelinedWalk, MoreVisitorsEachSeeWholeEntriesOnTheirOwnThreads) {
  std::string blob = mixed_layer(60);
  Traced whole = plain(blob);
  ASSERT_TRUE(whole.stats) << whole.stats.error().message;
  SpreadWalk w = spread_walk(blob, 2, PipelineOptions{8, 64 << 10});
  ASSERT_TRUE(w.stats) << w.stats.error().message;
  EXPECT_EQ(w.stats->files, whole.stats->files);
  EXPECT_EQ(w.pipeline.visiting_threads, 3u);
  std::map<std::string, std::string> both;
  for (size_t i = 0; i < w.traces.size(); ++i) {
    auto blocks = blocks_by_entry(w.traces[i]);
    EXPECT_FALSE(blocks.empty()) << "visitor " << i << " was given nothing";
    // In walk order: the visitor's trace is the whole trace's blocks of its entries, in order.
    std::string in_order;
    for (const auto& [path, block] : blocks_by_entry_in_order(whole.trace)) {
      if (blocks.contains(path)) in_order += block;
    }
    EXPECT_EQ(w.traces[i], in_order) << "visitor " << i;
    for (const auto& [path, block] : blocks) EXPECT_FALSE(both.contains(path)) << path;
    both.merge(blocks);
  }
  EXPECT_EQ(both, blocks_by_entry(whole.trace));
  EXPECT_NE(w.threads[1], w.threads[0]);
  EXPECT_NE(w.threads[2], w.threads[0]);
  EXPECT_NE(w.threads[1], w.threads[2]);
}

// With every visitor stalled, the smallest pool and the blob read in small pieces, blocks are
// viewed by batches of several visiting sides at once: a block reused too early would show as
// wrong data, one never released as a hang.
TEST(PipelinedWalk, StalledVisitorsSeeEveryBlockIntactWithTheSmallestPool) {
  std::string blob = mixed_layer();
  Traced whole = plain(blob);
  ASSERT_TRUE(whole.stats) << whole.stats.error().message;
  for (size_t read_size : {size_t{97}, size_t{1} << 20}) {
    SpreadWalk w =
        spread_walk(blob, 2, PipelineOptions{2, 1000}, read_size, std::chrono::milliseconds(100));
    ASSERT_TRUE(w.stats) << w.stats.error().message;
    std::map<std::string, std::string> both;
    for (const std::string& trace : w.traces) both.merge(blocks_by_entry(trace));
    EXPECT_EQ(both, blocks_by_entry(whole.trace)) << "reads of " << read_size;
  }
}

// A stalled caller, the smallest pool (4 blocks) and `blob` read in pieces of `read_size`: the
// trace of the pipelined walk, and whether its walker ran out of blocks or batches.
std::pair<std::string, double> stalled_walk(const std::string& blob, size_t read_size,
                                            bool prefetch) {
  std::string trace;
  TraceVisitor inner(trace, 0);
  SlowVisitor caller(inner, std::chrono::milliseconds(200));
  LayerChanges changes;
  PipelineStats pipeline;
  PipelineOptions options{2, 1000, prefetch};
  options.stats = &pipeline;
  auto stats = walk_layer_pipelined(std::make_unique<test::ChunkedStream>(blob, read_size), caller,
                                    changes, ScanLimits{}, nullptr, options);
  EXPECT_TRUE(stats) << stats.error().message;
  return {trace, pipeline.walker_waited};
}

// File data travels as views of the decoded blocks; a block is filled again only once every
// batch viewing it was replayed. With the caller stalled, the smallest pool and a blob read in
// small pieces (so the decoder fills blocks only partly and a batch views many), a block reused
// too early would show as wrong data, and one never released as a hang.
TEST(PipelinedWalk, StalledCallerSeesEveryBlockIntactWithTheSmallestPool) {
  std::string blob = mixed_layer();
  Traced whole = plain(blob);
  ASSERT_TRUE(whole.stats) << whole.stats.error().message;
  for (size_t read_size : {size_t{97}, size_t{4096}, size_t{1} << 20}) {
    auto [trace, walker_waited] = stalled_walk(blob, read_size, true);
    EXPECT_EQ(trace, whole.trace) << "reads of " << read_size;
    EXPECT_GT(walker_waited, 0.0) << "the walker never ran out of blocks or batches";
  }
}

// A stored (uncompressed) entry of a nested zip lies in the layer's own bytes, so its data
// travels as views too. Where the nested calls fall between the archive's own chunks depends on
// how the decoder's blocks end, which depends on how the blob is read: both walks read it alike.
TEST(PipelinedWalk, StoredEntriesOfNestedZipsArriveIntact) {
  ZipWriter war;
  war.add("WEB-INF/web.xml", "<web-app/>\n");
  war.add("WEB-INF/stored.bin", pseudo_random_bytes(600 << 10, 9), ZipWriter::Method::kStore);
  war.add("WEB-INF/after.txt", "after\n", ZipWriter::Method::kStore);
  TarWriter t;
  t.add_file("app/before.txt", "before\n").add_file("app/site.war", war.finish());
  std::string blob = gzip_compress(t.finish());
  for (size_t read_size : {size_t{4096}, size_t{1} << 20}) {
    Traced whole;
    TraceVisitor v(whole.trace, 0);
    whole.stats = walk_layer(std::make_unique<test::ChunkedStream>(blob, read_size), v,
                             whole.changes, ScanLimits{});
    ASSERT_TRUE(whole.stats) << whole.stats.error().message;
    EXPECT_NE(whole.trace.find("1 entry app/site.war!/WEB-INF/stored.bin"), std::string::npos);
    auto [trace, walker_waited] = stalled_walk(blob, read_size, false);
    EXPECT_EQ(trace, whole.trace) << "reads of " << read_size;
  }
}

// -vv's account of a pipelined walk: with a slow caller and no walker-side visitor, the walking
// thread waits for free batches; with a slow blob, the calling thread waits for data.
TEST(PipelinedWalk, StatsSayWhichSideWaited) {
  std::string blob = mixed_layer();
  {
    std::string trace;
    TraceVisitor inner(trace, 0);
    SlowVisitor caller(inner);
    PipelineStats pipeline;
    PipelineOptions options{2, 1000};
    options.stats = &pipeline;
    LayerChanges changes;
    ASSERT_TRUE(
        walk_layer_pipelined(memory_stream(blob), caller, changes, ScanLimits{}, nullptr, options));
    EXPECT_GT(pipeline.walker_waited, 0.001);
    EXPECT_GT(pipeline.walker_cpu, 0.0);
    EXPECT_EQ(pipeline.walker_files, 0u);
  }
  {
    std::string trace;
    TraceVisitor caller(trace, 0);
    PipelineStats pipeline;
    PipelineOptions options;
    options.stats = &pipeline;
    LayerChanges changes;
    ASSERT_TRUE(walk_layer_pipelined(
        std::make_unique<test::ChunkedStream>(blob, 4096, std::chrono::microseconds(200)), caller,
        changes, ScanLimits{}, nullptr, options));
    EXPECT_TRUE(pipeline.threaded);
    EXPECT_GT(pipeline.visitor_waited, 0.001);
    EXPECT_LT(pipeline.visitor_cpu, pipeline.visitor_waited);
    EXPECT_GT(pipeline.reader_cpu, 0.0);  // the blob was read ahead on a thread of its own
  }
}

class ThrowingVisitor final : public EntryVisitor {
 public:
  Control on_entry(const EntryInfo&) override { return Control::kContinue; }
  Control on_data(std::string_view) override { throw std::runtime_error("visitor failed"); }
  void on_entry_end() override {}
};

TEST(PipelinedWalk, ThrowingVisitorDoesNotHangAndItsExceptionArrives) {
  TarWriter t;
  for (int i = 0; i < 50; ++i)
    t.add_file("f" + std::to_string(i), pseudo_random_bytes(64 << 10, i));
  ThrowingVisitor v;
  LayerChanges changes;
  EXPECT_THROW(walk_layer_pipelined(memory_stream(t.finish()), v, changes, ScanLimits{}, nullptr,
                                    PipelineOptions{2, 4096}),
               std::runtime_error);
}

// The walking thread's own visitor throws: the walk ends with that error, the caller's
// visitor is not left waiting.
TEST(PipelinedWalk, ThrowingWalkerVisitorGivesAnError) {
  std::string blob = mixed_layer();
  std::string trace;
  TraceVisitor inner(trace, 0);
  SlowVisitor caller(inner, std::chrono::milliseconds(200));
  ThrowingVisitor walker;
  PipelineOptions options{2, 1000};
  options.walker_visitor = &walker;
  LayerChanges changes;
  auto stats =
      walk_layer_pipelined(memory_stream(blob), caller, changes, ScanLimits{}, nullptr, options);
  ASSERT_FALSE(stats);
  EXPECT_NE(stats.error().message.find("visitor failed"), std::string::npos)
      << stats.error().message;
}

// A visitor on a thread of its own throws: its exception arrives, and nobody hangs.
TEST(PipelinedWalk, ThrowingMoreVisitorDoesNotHangAndItsExceptionArrives) {
  TarWriter t;
  for (int i = 0; i < 50; ++i)
    t.add_file("f" + std::to_string(i), pseudo_random_bytes(64 << 10, i));
  std::string trace;
  TraceVisitor inner(trace, 0);
  SlowVisitor caller(inner);  // so entries go to the other visitor too
  ThrowingVisitor other;
  PipelineOptions options{2, 4096};
  options.more_visitors = {&other};
  LayerChanges changes;
  EXPECT_THROW(walk_layer_pipelined(memory_stream(t.finish()), caller, changes, ScanLimits{},
                                    nullptr, options),
               std::runtime_error);
}

TEST(PipelinedWalk, NoStreamIsAnError) {
  std::string trace;
  TraceVisitor v(trace, 0);
  LayerChanges changes;
  EXPECT_FALSE(walk_layer_pipelined(nullptr, v, changes, ScanLimits{}));
  EXPECT_TRUE(trace.empty());
}

}  // namespace
}  // namespace strata
