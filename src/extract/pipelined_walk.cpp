// walk_layer_pipelined: walk_layer on a helper thread, the visitor on the calling thread. The
// walker's calls are recorded into batches of events that travel through a bounded queue and are
// replayed, in order, on the caller's thread. File data travels as views of the decoded layer
// block it lies in (DecodedBlockPool: a batch holds the blocks it refers to), or, when it lies
// elsewhere (a nested archive's decompressed entries, sparse holes), as a copy in the batch.
// With more visitors, each on a thread of its own, every top-level file goes whole to one of
// them (through its own queue), chosen when it is met as the one with the least in hand.
// When every visiting side falls behind, an optional walker-side visitor takes small files on
// the walking thread.
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

// The batches of a walk, shared by its visiting sides: the pool grows on demand up to
// `batches`; a batch given back releases the decoded blocks it held.
class BatchPool {
 public:
  BatchPool(size_t batches, DecodedBlockPool& blocks) : capacity_(batches), blocks_(blocks) {}

  // Whether a batch is free for the taking: if not, the visiting sides have all of them queued
  // or in hand and are behind.
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
    if (!has_free()) counted_wait(released_, lock, has_free, waited_);
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
    released_.notify_one();  // only the walker waits
  }
  // Seconds the walking side waited for a free batch.
  double waited() const { return waited_; }

 private:
  size_t capacity_;
  DecodedBlockPool& blocks_;
  std::deque<Batch> pool_;
  std::mutex mutex_;
  std::condition_variable released_;
  std::vector<Batch*> free_;
  double waited_ = 0;  // written by the walking thread only, under the lock
};

// The queue of full batches from the walking thread (producer) to one visiting side (consumer).
class BatchQueue {
 public:
  void push_full(Batch* b) {
    {
      std::lock_guard lock(mutex_);
      full_.push_back(b);
      handed_ += work_of(*b);
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
    if (!has_full_or_closed()) counted_wait(changed_, lock, has_full_or_closed, waited_);
    if (full_.empty()) return nullptr;
    Batch* b = full_.front();
    full_.pop_front();
    return b;
  }
  // The consumer is done with a batch it took (before the batch is cleared).
  void done(const Batch& b) {
    std::lock_guard lock(mutex_);
    handed_ -= work_of(b);
  }
  // The work handed over and not yet done (queued, or being replayed), in bytes, each entry
  // counting as a few KiB (what scanning a file costs besides its bytes).
  uint64_t handed() {
    std::lock_guard lock(mutex_);
    return handed_;
  }
  // Seconds the visiting side waited for a full batch.
  double waited() const { return waited_; }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Batch*> full_;
  bool closed_ = false;
  uint64_t handed_ = 0;
  double waited_ = 0;  // written by the visiting side only, under the lock

  static uint64_t work_of(const Batch& b) { return b.viewed + b.copied + 2048 * b.infos.size(); }
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

// Runs on the walking thread: records one depth's calls, for one visiting side, into that
// side's current batch.
class Recorder final : public EntryVisitor {
 public:
  Recorder(BatchPool& batches, BatchQueue& queue, DecodedBlockPool& blocks, BatchLimits limits,
           Batch*& current, EntryVisitor& target)
      : batches_(batches),
        queue_(queue),
        blocks_(blocks),
        limits_(limits),
        current_(current),
        target_(target) {}

  Control on_entry(const EntryInfo& entry) override {
    Batch& b = room_for_event();
    b.events.push_back(Event{Event::kEntry, &target_, b.infos.size(), nullptr, 0});
    b.infos.push_back(entry);
    b.path_bytes += entry.path.size();
    return Control::kContinue;
  }
  Control on_data(std::string_view chunk) override {
    if (chunk.empty()) return Control::kContinue;
    if (DecodedBlockPool::Block* block = blocks_.block_containing(chunk)) {
      view(block, chunk);
    } else {
      copy(chunk);
    }
    return Control::kContinue;
  }
  void on_entry_end() override {
    Batch& b = room_for_event();
    b.events.push_back(Event{Event::kEnd, &target_, 0, nullptr, 0});
  }
  // The target's nested visitor is asked once, here on the walking thread.
  EntryVisitor* nested_visitor() override {
    if (!asked_nested_) {
      asked_nested_ = true;
      if (EntryVisitor* inner = target_.nested_visitor()) {
        nested_ = std::make_unique<Recorder>(batches_, queue_, blocks_, limits_, current_, *inner);
      }
    }
    return nested_.get();
  }

 private:
  void view(DecodedBlockPool::Block* block, std::string_view chunk) {
    Batch* b = &room_for_event();
    bool new_block = b->held.empty() || b->held.back() != block;
    if (b->viewed >= limits_.viewed_bytes || (new_block && b->held.size() >= limits_.held_blocks)) {
      b = &flush();
      new_block = true;
    }
    if (new_block) {
      b->held.push_back(block);  // first: a failed push must leave no hold behind
      blocks_.hold(block);
    }
    b->events.push_back(Event{Event::kData, &target_, 0, chunk.data(), chunk.size()});
    b->viewed += chunk.size();
  }
  void copy(std::string_view chunk) {
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
  }
  Batch& room_for_event() {
    if (!current_) current_ = batches_.take_free();  // null after a hand-over
    if (current_->events.size() >= kMaxEvents || current_->path_bytes >= kMaxPathBytes) {
      return flush();
    }
    return *current_;
  }
  Batch& flush() {
    queue_.push_full(current_);
    current_ = batches_.take_free();
    return *current_;
  }

  BatchPool& batches_;
  BatchQueue& queue_;
  DecodedBlockPool& blocks_;
  BatchLimits limits_;
  Batch*& current_;  // shared by the recorders of every depth: one ordered stream of events
  EntryVisitor& target_;
  bool asked_nested_ = false;
  std::unique_ptr<Recorder> nested_;
};

// One visiting side: its visitor, the queue of batches to it, and the batch being filled.
struct VisitingSide {
  VisitingSide(BatchPool& batches, DecodedBlockPool& blocks, BatchLimits limits,
               EntryVisitor& visitor)
      : batches(batches), recorder(batches, queue, blocks, limits, current, visitor) {}
  BatchPool& batches;
  BatchQueue queue;
  Batch* current = nullptr;  // null when none is being filled
  Recorder recorder;
  std::exception_ptr thrown;  // what its visitor threw; it is not called after that
  double cpu = 0;
  double waited = 0;

  // Hands the batch being filled over, so the side has it while the walker records elsewhere.
  void hand_over() {
    if (current && !current->events.empty()) {
      queue.push_full(current);
      current = nullptr;
    }
  }
};

// Runs on the walking thread, at the top depth: sends each entry, whole, to one visiting side
// (the one with the least work in hand, staying with the current one on a tie, so small
// files keep filling one batch), or, with a walker-side visitor, takes a small file itself
// while every side is behind, so the walking thread scans rather than waits.
class Dispatcher final : public EntryVisitor {
 public:
  Dispatcher(std::deque<VisitingSide>& sides, BatchPool& batches, DecodedBlockPool& blocks,
             EntryVisitor* walker_visitor, uint64_t walker_file_bytes)
      : sides_(sides),
        batches_(batches),
        blocks_(blocks),
        walker_visitor_(walker_visitor),
        walker_file_bytes_(walker_file_bytes) {}

  Control on_entry(const EntryInfo& entry) override {
    // Archives stay with the visiting sides: a small jar can hold far more than it weighs.
    direct_ = walker_visitor_ && entry.type == EntryType::kFile && entry.size >= 0 &&
              static_cast<uint64_t>(entry.size) <= walker_file_bytes_ &&
              nested_format(entry.path) == NestedFormat::kNone && every_side_behind();
    if (direct_) {
      sides_[active_].hand_over();  // so that side has work while this one scans
      ++direct_files_;
      return walker_visitor_->on_entry(entry);
    }
    choose_side();
    return sides_[active_].recorder.on_entry(entry);
  }
  Control on_data(std::string_view chunk) override {
    return direct_ ? walker_visitor_->on_data(chunk) : sides_[active_].recorder.on_data(chunk);
  }
  void on_entry_end() override {
    if (!direct_) return sides_[active_].recorder.on_entry_end();
    direct_ = false;
    walker_visitor_->on_entry_end();
  }
  EntryVisitor* nested_visitor() override {
    return direct_ ? walker_visitor_->nested_visitor() : sides_[active_].recorder.nested_visitor();
  }
  uint64_t direct_files() const { return direct_files_; }

 private:
  bool every_side_behind() { return !batches_.has_free() || !blocks_.has_free(); }
  void choose_side() {
    if (sides_.size() == 1) return;
    size_t best = active_;
    uint64_t least = sides_[active_].queue.handed();
    for (size_t i = 0; i < sides_.size(); ++i) {
      uint64_t handed = sides_[i].queue.handed();
      if (handed < least) best = i, least = handed;
    }
    if (best == active_) return;
    sides_[active_].hand_over();
    active_ = best;
  }

  std::deque<VisitingSide>& sides_;
  BatchPool& batches_;
  DecodedBlockPool& blocks_;
  EntryVisitor* walker_visitor_;
  uint64_t walker_file_bytes_;
  size_t active_ = 0;
  bool direct_ = false;  // the current entry goes to walker_visitor_
  uint64_t direct_files_ = 0;
};

// Runs on a visiting side's thread: replays events, honouring kStop as the walker would (a kStop
// from on_entry skips the entry's data and end; from on_data, the rest of its data).
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

// Replays a side's batches until the walker closes its queue. A visitor that throws stops being
// called, but the queue is still drained so the walker never blocks.
void visit_side(VisitingSide& side) {
  Replayer replayer;
  double cpu_start = thread_cpu_seconds();
  while (Batch* b = side.queue.take_full()) {
    if (!side.thrown) {
      try {
        replayer.replay(*b);
      } catch (...) {
        side.thrown = std::current_exception();
      }
    }
    side.queue.done(*b);
    side.batches.give_free(b);
  }
  side.cpu = thread_cpu_seconds() - cpu_start;
  side.waited = side.queue.waited();
}

// The threads of the visiting sides after the first (which is the caller's); a side whose
// thread cannot be started is dropped (it is the last one, so the others stay where they are).
std::vector<std::thread> start_side_threads(std::deque<VisitingSide>& sides) {
  std::vector<std::thread> threads;
  while (threads.size() + 1 < sides.size()) {
    std::thread t = try_start_thread([side = &sides[threads.size() + 1]] { visit_side(*side); });
    if (!t.joinable()) {
      while (sides.size() > threads.size() + 1) sides.pop_back();
      break;
    }
    threads.push_back(std::move(t));
  }
  return threads;
}

void close_and_join(std::deque<VisitingSide>& sides, std::vector<std::thread>& threads) {
  for (VisitingSide& s : sides) s.queue.close();
  for (std::thread& t : threads) t.join();
}

void add_side_stats(const std::deque<VisitingSide>& sides, PipelineStats& stats) {
  stats.visiting_threads = sides.size();
  for (const VisitingSide& s : sides) {
    stats.visitor_cpu += s.cpu;
    stats.visitor_waited += s.waited;
  }
}

}  // namespace

Result<WalkStats> walk_layer_pipelined(std::unique_ptr<ByteStream> blob, EntryVisitor& visitor,
                                       LayerChanges& changes, const ScanLimits& limits,
                                       const Digest* expected_diff_id,
                                       const PipelineOptions& options) {
  // See PipelineOptions: the budget of batches x batch_bytes bounds the decoded blocks in
  // flight, and separately the copies (which only nested compressed archives and sparse files
  // need; their data is copied as it was before blocks travelled as views). The batches are
  // shared among the visiting sides.
  size_t batches = std::max<size_t>(options.batches, 2);
  size_t batch_bytes = std::max<size_t>(options.batch_bytes, 1);
  DecodedBlockPool blocks(batches * batch_bytes / kDecodedBlockBytes, kDecodedBlockBytes);
  BatchLimits batch_limits{batch_bytes, blocks.capacity() / 2, batch_bytes};
  // Each side other than the one being recorded for may park an empty batch.
  BatchPool batch_pool(std::max(batches, 2 * (1 + options.more_visitors.size())), blocks);
  std::deque<VisitingSide> sides;
  sides.emplace_back(batch_pool, blocks, batch_limits, visitor);
  for (EntryVisitor* v : options.more_visitors) {
    sides.emplace_back(batch_pool, blocks, batch_limits, *v);
  }
  std::vector<std::thread> side_threads = start_side_threads(sides);

  Result<WalkStats> walked = fail("pipelined walk did not run");
  PipelineStats stats;
  // Whatever the walking thread throws is caught there: the walk's own exceptions become its
  // error; any other (memory running out around it) is carried to this thread as is. Either
  // way the queues are closed, so no visiting side waits for a batch that cannot come.
  std::exception_ptr walker_thrown;
  auto walk = [&] {
    try {
      Dispatcher dispatcher(sides, batch_pool, blocks, options.walker_visitor,
                            options.walker_file_bytes);
      try {
        if (blob && options.prefetch) {
          blob = std::make_unique<ReadAheadStream>(std::move(blob), "reading the layer blob",
                                                   &stats.reader_cpu);
        }
        walked = walk_layer_into(std::move(blob), dispatcher, changes, limits, expected_diff_id,
                                 options.digest_verified, &blocks);
      } catch (...) {
        walked = fail("layer walk failed: " + exception_text(std::current_exception()));
      }
      for (VisitingSide& s : sides) {
        if (s.current) s.queue.push_full(s.current);
      }
      stats.walker_files = dispatcher.direct_files();
    } catch (...) {
      walker_thrown = std::current_exception();
    }
    stats.walker_cpu = thread_cpu_seconds();  // the thread's whole life
    for (VisitingSide& s : sides) s.queue.close();
  };
  std::thread walker = try_start_thread(walk);
  if (!walker.joinable()) {
    // No thread to spare: walk on this one.
    close_and_join(sides, side_threads);
    return walk_layer(std::move(blob), visitor, changes, limits, expected_diff_id,
                      options.digest_verified);
  }

  stats.threaded = true;
  visit_side(sides.front());
  walker.join();
  for (std::thread& t : side_threads) t.join();
  add_side_stats(sides, stats);
  stats.walker_waited = blocks.waited() + batch_pool.waited();
  if (options.stats) *options.stats = stats;
  for (VisitingSide& s : sides) {
    if (s.thrown) std::rethrow_exception(s.thrown);
  }
  if (walker_thrown) return fail("layer walk failed: " + exception_text(walker_thrown));
  return walked;
}

}  // namespace strata
