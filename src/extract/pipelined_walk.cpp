// walk_layer_pipelined: walk_layer on a helper thread, the visitor on the calling thread. The
// walker's calls are recorded into batches of events that travel through a bounded queue and are
// replayed, in order, on the caller's thread. File data travels as views of the decoded layer
// block it lies in (DecodedBlockPool: a batch holds the blocks it refers to), or, when it lies
// elsewhere (a nested archive's decompressed entries, sparse holes), as a copy in the batch.
// When the caller falls behind, an optional second visitor takes small files on the walking
// thread.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "decoded_block_pool.hpp"
#include "nested_format.hpp"
#include "read_ahead_stream.hpp"
#include "strata/core/exception_text.hpp"
#include "strata/core/thread_start.hpp"
#include "strata/extract/layer_walker.hpp"
#include "thread_cpu.hpp"

namespace strata {
namespace {

struct Event {
  enum Kind : uint8_t { kEntry, kData, kEnd };
  Kind kind;
  EntryVisitor* target;  // the visitor at the event's nesting depth
  size_t index;          // kEntry: into Batch::infos
  const char* data;      // kData: in a block the batch holds, or in Batch::copies
  size_t size;           // kData: length
};

// A reusable unit of hand-over: the events of a stretch of the walk and the bytes they refer to.
struct Batch {
  std::vector<Event> events;
  std::vector<EntryInfo> infos;
  std::vector<DecodedBlockPool::Block*> held;  // blocks the events' data lies in
  uint64_t viewed = 0;                         // bytes of data in those blocks
  std::unique_ptr<char[]> copies;              // data from anywhere else; allocated when needed
  size_t copied = 0;
  size_t path_bytes = 0;  // of the infos: a path may be 1 MiB long
  void clear(DecodedBlockPool& pool) {
    for (DecodedBlockPool::Block* b : held) pool.release(b);
    held.clear();
    viewed = 0;
    copied = 0;
    path_bytes = 0;
    events.clear();
    infos.clear();
  }
};

constexpr size_t kMaxEvents = 4096;  // flush a batch of many small files before it is full
// Flush a batch whose entries' paths are this long together: 4096 paths of 1 MiB would
// otherwise be 4 GiB in one batch.
constexpr size_t kMaxPathBytes = 1 << 20;

// Waits until `ready`, adding the wall time spent waiting to `total`. Callers call it only when
// `ready` does not hold yet, so only real waits are counted.
template <class Ready>
void counted_wait(std::condition_variable& changed, std::unique_lock<std::mutex>& lock, Ready ready,
                  double& total) {
  auto start = std::chrono::steady_clock::now();
  changed.wait(lock, ready);
  total += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The bounded queue between the walking thread (producer) and the visiting thread (consumer).
// Batches come from a pool that grows on demand up to `batches`; a batch given back releases
// the decoded blocks it held.
class BatchQueue {
 public:
  BatchQueue(size_t batches, DecodedBlockPool& blocks) : capacity_(batches), blocks_(blocks) {}

  // Whether a batch is free for the taking: if not, the visiting side has all of them queued
  // or in hand and is behind.
  bool has_free() {
    std::lock_guard lock(mutex_);
    return !free_.empty() || pool_.size() < capacity_;
  }

  Batch* take_free() {
    std::unique_lock lock(mutex_);
    if (free_.empty() && pool_.size() < capacity_) {
      return &pool_.emplace_back();  // deque: earlier batches stay where they are
    }
    auto has_free = [&] { return !free_.empty(); };
    if (!has_free()) counted_wait(changed_, lock, has_free, free_waited_);
    Batch* b = free_.back();
    free_.pop_back();
    return b;
  }
  void give_free(Batch* b) {
    b->clear(blocks_);
    {
      std::lock_guard lock(mutex_);
      free_.push_back(b);
    }
    changed_.notify_all();
  }
  void push_full(Batch* b) {
    {
      std::lock_guard lock(mutex_);
      full_.push_back(b);
    }
    changed_.notify_all();
  }
  void close() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    changed_.notify_all();
  }
  // The next full batch, or nullptr once the producer closed the queue and it is drained.
  Batch* take_full() {
    std::unique_lock lock(mutex_);
    auto has_full_or_closed = [&] { return !full_.empty() || closed_; };
    if (!has_full_or_closed()) counted_wait(changed_, lock, has_full_or_closed, full_waited_);
    if (full_.empty()) return nullptr;
    Batch* b = full_.front();
    full_.pop_front();
    return b;
  }
  // Seconds the walking side waited for a free batch and the visiting side for a full one.
  double free_waited() const { return free_waited_; }
  double full_waited() const { return full_waited_; }

 private:
  size_t capacity_;
  DecodedBlockPool& blocks_;
  std::deque<Batch> pool_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Batch*> free_;
  std::deque<Batch*> full_;
  bool closed_ = false;
  double free_waited_ = 0;  // each written by one side only, under the lock
  double full_waited_ = 0;
};

// How a Recorder fills batches: a batch is handed over once it refers to `viewed_bytes` of
// decoded blocks, holds `held_blocks` blocks or `copy_bytes` of copies (or kMaxEvents events).
// The batch being filled must never hold every block the decoder could take while the visiting
// side waits for that batch (decoders may fill blocks only partly, so one batch can view many):
// fewer than the pool's capacity would do; half leaves the decoder room to run ahead.
struct BatchLimits {
  uint64_t viewed_bytes;
  size_t held_blocks;
  size_t copy_bytes;
};

// Runs on the walking thread: records one depth's calls into the current batch. At the top
// depth, with a walker-side visitor, a small file met while the visiting side is behind is
// handed to that visitor directly instead (with its nested archives), so the walking thread
// scans rather than waits.
class Recorder final : public EntryVisitor {
 public:
  Recorder(BatchQueue& queue, DecodedBlockPool& blocks, BatchLimits limits, Batch*& current,
           EntryVisitor& target, EntryVisitor* walker_visitor = nullptr,
           uint64_t walker_file_bytes = 0)
      : queue_(queue),
        blocks_(blocks),
        limits_(limits),
        current_(current),
        target_(target),
        walker_visitor_(walker_visitor),
        walker_file_bytes_(walker_file_bytes) {}

  Control on_entry(const EntryInfo& entry) override {
    // Archives stay with the visiting side: a small jar can hold far more than it weighs.
    direct_ = walker_visitor_ && entry.type == EntryType::kFile && entry.size >= 0 &&
              static_cast<uint64_t>(entry.size) <= walker_file_bytes_ && behind() &&
              nested_format(entry.path) == NestedFormat::kNone;
    if (direct_) {
      // Hand over what is recorded so far, so the visiting side has work while this one scans.
      if (current_ && !current_->events.empty()) {
        queue_.push_full(current_);
        current_ = nullptr;
      }
      ++direct_files_;
      return walker_visitor_->on_entry(entry);
    }
    Batch& b = room_for_event();
    b.events.push_back(Event{Event::kEntry, &target_, b.infos.size(), nullptr, 0});
    b.infos.push_back(entry);
    b.path_bytes += entry.path.size();
    return Control::kContinue;
  }
  Control on_data(std::string_view chunk) override {
    if (direct_) return walker_visitor_->on_data(chunk);
    if (chunk.empty()) return Control::kContinue;
    if (DecodedBlockPool::Block* block = blocks_.block_containing(chunk)) {
      Batch* b = &room_for_event();
      bool new_block = b->held.empty() || b->held.back() != block;
      if (b->viewed >= limits_.viewed_bytes ||
          (new_block && b->held.size() >= limits_.held_blocks)) {
        b = &flush();
        new_block = true;
      }
      if (new_block) {
        b->held.push_back(block);  // first: a failed push must leave no hold behind
        blocks_.hold(block);
      }
      b->events.push_back(Event{Event::kData, &target_, 0, chunk.data(), chunk.size()});
      b->viewed += chunk.size();
      return Control::kContinue;
    }
    while (!chunk.empty()) {
      Batch* b = &room_for_event();
      if (b->copied == limits_.copy_bytes) b = &flush();
      if (!b->copies) b->copies = std::make_unique_for_overwrite<char[]>(limits_.copy_bytes);
      size_t n = std::min(chunk.size(), limits_.copy_bytes - b->copied);
      char* to = b->copies.get() + b->copied;
      std::copy_n(chunk.data(), n, to);
      b->events.push_back(Event{Event::kData, &target_, 0, to, n});
      b->copied += n;
      chunk.remove_prefix(n);
    }
    return Control::kContinue;
  }
  void on_entry_end() override {
    if (direct_) {
      direct_ = false;
      walker_visitor_->on_entry_end();
      return;
    }
    Batch& b = room_for_event();
    b.events.push_back(Event{Event::kEnd, &target_, 0, nullptr, 0});
  }
  // The target's nested visitor is asked once, here on the walking thread.
  EntryVisitor* nested_visitor() override {
    if (direct_) return walker_visitor_->nested_visitor();
    if (!asked_nested_) {
      asked_nested_ = true;
      if (EntryVisitor* inner = target_.nested_visitor()) {
        nested_ = std::make_unique<Recorder>(queue_, blocks_, limits_, current_, *inner);
      }
    }
    return nested_.get();
  }
  uint64_t direct_files() const { return direct_files_; }

 private:
  // Whether the visiting side has every batch or every decoded block in hand or queued.
  bool behind() { return !queue_.has_free() || !blocks_.has_free(); }
  Batch& room_for_event() {
    if (!current_) current_ = queue_.take_free();  // handed over before a direct file
    if (current_->events.size() >= kMaxEvents || current_->path_bytes >= kMaxPathBytes) {
      return flush();
    }
    return *current_;
  }
  Batch& flush() {
    queue_.push_full(current_);
    current_ = queue_.take_free();
    return *current_;
  }

  BatchQueue& queue_;
  DecodedBlockPool& blocks_;
  BatchLimits limits_;
  Batch*& current_;  // shared by the recorders of every depth: one ordered stream of events;
                     // null after a hand-over until the next event
  EntryVisitor& target_;
  EntryVisitor* walker_visitor_;
  uint64_t walker_file_bytes_;
  bool direct_ = false;  // the current entry goes to walker_visitor_
  uint64_t direct_files_ = 0;
  bool asked_nested_ = false;
  std::unique_ptr<Recorder> nested_;
};

// Runs on the calling thread: replays events, honouring kStop as the walker would (a kStop from
// on_entry skips the entry's data and end; from on_data, the rest of its data).
class Replayer {
 public:
  void replay(const Batch& b) {
    for (const Event& e : b.events) {
      State& s = state_[e.target];
      switch (e.kind) {
        case Event::kEntry:
          s.entered = e.target->on_entry(b.infos[e.index]) == Control::kContinue;
          s.passing = s.entered;
          break;
        case Event::kData:
          if (s.passing) {
            s.passing = e.target->on_data(std::string_view(e.data, e.size)) == Control::kContinue;
          }
          break;
        case Event::kEnd:
          if (s.entered) e.target->on_entry_end();
          s.entered = s.passing = false;
          break;
      }
    }
  }

 private:
  struct State {
    bool entered = false;
    bool passing = false;
  };
  std::unordered_map<EntryVisitor*, State> state_;
};

}  // namespace

Result<WalkStats> walk_layer_pipelined(std::unique_ptr<ByteStream> blob, EntryVisitor& visitor,
                                       LayerChanges& changes, const ScanLimits& limits,
                                       const Digest* expected_diff_id,
                                       const PipelineOptions& options) {
  // See PipelineOptions: the budget of batches x batch_bytes bounds the decoded blocks in
  // flight, and separately the copies (which only nested compressed archives and sparse files
  // need; their data is copied as it was before blocks travelled as views).
  size_t batches = std::max<size_t>(options.batches, 2);
  size_t batch_bytes = std::max<size_t>(options.batch_bytes, 1);
  DecodedBlockPool blocks(batches * batch_bytes / kDecodedBlockBytes, kDecodedBlockBytes);
  BatchQueue queue(batches, blocks);
  BatchLimits batch_limits{batch_bytes, blocks.capacity() / 2, batch_bytes};
  Result<WalkStats> walked = fail("pipelined walk did not run");
  std::thread walker;
  PipelineStats stats;
  // Whatever the walking thread throws is caught there: the walk's own exceptions become its
  // error; any other (memory running out around it) is carried to this thread as is. Either
  // way the queue is closed, so the visiting side never waits for a batch that cannot come.
  std::exception_ptr walker_thrown;
  auto walk = [&] {
    try {
      Batch* current = queue.take_free();
      Recorder recorder(queue, blocks, batch_limits, current, visitor, options.walker_visitor,
                        options.walker_file_bytes);
      try {
        if (blob && options.prefetch) {
          blob = std::make_unique<ReadAheadStream>(std::move(blob), "reading the layer blob",
                                                   &stats.reader_cpu);
        }
        walked = walk_layer_into(std::move(blob), recorder, changes, limits, expected_diff_id,
                                 options.digest_verified, &blocks);
      } catch (...) {
        walked = fail("layer walk failed: " + exception_text(std::current_exception()));
      }
      if (current) queue.push_full(current);
      stats.walker_files = recorder.direct_files();
    } catch (...) {
      walker_thrown = std::current_exception();
    }
    stats.walker_cpu = thread_cpu_seconds();  // the thread's whole life
    queue.close();
  };
  walker = try_start_thread(walk);
  if (!walker.joinable()) {
    // No thread to spare: walk on this one.
    return walk_layer(std::move(blob), visitor, changes, limits, expected_diff_id,
                      options.digest_verified);
  }

  stats.threaded = true;
  // Visit until the walker closes the queue. A visitor that throws stops being called, but the
  // queue is still drained so the walker never blocks; the exception is rethrown after the join.
  Replayer replayer;
  std::exception_ptr thrown;
  double visitor_cpu_start = thread_cpu_seconds();
  while (Batch* b = queue.take_full()) {
    if (!thrown) {
      try {
        replayer.replay(*b);
      } catch (...) {
        thrown = std::current_exception();
      }
    }
    queue.give_free(b);
  }
  stats.visitor_cpu = thread_cpu_seconds() - visitor_cpu_start;
  walker.join();
  stats.walker_waited = queue.free_waited() + blocks.waited();
  stats.visitor_waited = queue.full_waited();
  if (options.stats) *options.stats = stats;
  if (thrown) std::rethrow_exception(thrown);
  if (walker_thrown) return fail("layer walk failed: " + exception_text(walker_thrown));
  return walked;
}

}  // namespace strata
