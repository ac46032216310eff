// walk_directory: a directory tree on disk walked like one layer (sorted, symlinks not
// followed, only regular files opened). The calling thread lists the tree; its entries are
// visited on the same thread, or by a pool of workers through a bounded queue. Each entry has
// a rank in the walk's order, so what the workers note comes out in the order of a walk on
// one thread.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "directory_entry.hpp"
#include "strata/core/image_path.hpp"
#include "strata/core/thread_start.hpp"
#include "strata/extract/layer_walker.hpp"
#include "whiteout.hpp"
#include "work_queue.hpp"

namespace strata {
namespace {

struct DirCloser {
  void operator()(DIR* d) const { closedir(d); }
};

// Sorted names in a directory (without "." and ".."), for a deterministic walk.
Result<std::vector<std::string>> list_dir(int at, const std::string& path) {
  int fd = ::openat(at, path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  std::unique_ptr<DIR, DirCloser> dir(fd < 0 ? nullptr : ::fdopendir(fd));
  if (!dir) {
    int error = errno;
    if (fd >= 0) ::close(fd);
    return fail(std::strerror(error));
  }
  std::vector<std::string> names;
  for (;;) {
    errno = 0;
    dirent* d = ::readdir(dir.get());
    if (!d) {
      if (errno != 0) return fail(std::strerror(errno));
      break;
    }
    std::string name = d->d_name;
    if (name != "." && name != "..") names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Lists the tree depth-first, pre-order, children sorted, and hands each entry to be visited
// (whiteouts are recorded here, never visited). Counts entries against max_entries.
class DirectoryTraversal {
 public:
  using Emit = std::function<bool(DirectoryItem&&)>;     // false: stop the walk
  using Skip = std::function<bool(const std::string&)>;  // true: do not descend

  DirectoryTraversal(const std::string& root, LayerChanges& changes, std::mutex& changes_mutex,
                     const ScanLimits& limits, Emit emit, Skip skip)
      : root_(root),
        changes_(changes),
        changes_mutex_(changes_mutex),
        limits_(limits),
        emit_(std::move(emit)),
        skip_(std::move(skip)) {}

  Status run() {
    struct stat st {};
    if (::stat(root_.c_str(), &st) != 0) return fail(root_ + ": " + std::strerror(errno));
    if (!S_ISDIR(st.st_mode)) return fail(root_ + ": not a directory");
    // An explicit stack bounds native recursion.
    open_frame("", DirectoryAnchor{});
    while (!stack_.empty()) {
      Frame& top = stack_.back();
      if (top.next == top.names.size()) {
        stack_.pop_back();
        if (!stack_.empty()) dir_.resize(stack_.back().dir_size);
        continue;
      }
      std::string rel = dir_.empty() ? top.names[top.next] : dir_ + "/" + top.names[top.next];
      ++top.next;  // `top` may dangle after open_frame below
      DirectoryAnchor anchor = top.anchor;
      auto descend = visit(std::move(rel), anchor);
      if (!descend) return fail(descend.error());
      if (stopped_) break;
      if (!descend->empty()) open_frame(*descend, anchor.below(root_, *descend));
    }
    return {};
  }

  uint64_t entries() const { return entries_; }
  std::vector<RankedNote>& notes() { return notes_; }

 private:
  // A directory being listed. Its path is the first dir_size bytes of dir_: a path per frame
  // would cost the square of the depth (10,000 levels: 100 MB).
  struct Frame {
    size_t dir_size = 0;
    std::vector<std::string> names;
    DirectoryAnchor anchor;  // how its entries are reached
    size_t next = 0;
  };

  void open_frame(const std::string& rel, DirectoryAnchor anchor) {
    auto names = list_dir(anchor.fd(), rel.empty() ? root_ : anchor.path(root_, rel));
    if (!names) {
      note((rel.empty() ? "." : rel) + ": cannot list directory: " + names.error().message);
      return;
    }
    dir_ = rel;
    stack_.push_back(Frame{rel.size(), std::move(*names), std::move(anchor)});
  }

  void note(std::string text) { notes_.push_back(RankedNote{next_rank_++, std::move(text)}); }

  // Hands one entry on; returns its path when it is a directory to descend into.
  Result<std::string> visit(std::string rel, const DirectoryAnchor& anchor) {
    struct stat st {};
    if (::fstatat(anchor.fd(), anchor.path(root_, rel).c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      note(rel + ": " + std::strerror(errno));
      return std::string();
    }
    if (++entries_ > limits_.max_entries) {
      return fail("entry " + shortened_path(rel) + ": directory has more than max_entries (" +
                  std::to_string(limits_.max_entries) + ") entries");
    }
    // The walk's changes keep every path: bounded like a layer's.
    if ((path_bytes_ += rel.size()) > limits_.max_path_bytes) {
      return fail("entry " + shortened_path(rel) +
                  ": directory has paths longer than max_path_bytes (" +
                  std::to_string(limits_.max_path_bytes) + " bytes) together");
    }
    if (record_whiteout(rel)) return std::string();
    bool descend = S_ISDIR(st.st_mode) && !(skip_ && skip_(rel));
    std::string dir = descend ? rel : std::string();
    stopped_ = !emit_(DirectoryItem{next_rank_++, std::move(rel), st, anchor});
    return dir;
  }

  // Whether `rel` is a whiteout (recorded, never visited) or an overlay metadata file.
  bool record_whiteout(const std::string& rel) {
    Whiteout wh = classify_whiteout(rel);
    if (wh.kind == WhiteoutKind::kNone) return false;
    std::lock_guard lock(changes_mutex_);
    if (wh.kind == WhiteoutKind::kWhiteout) changes_.whiteouts.insert(std::move(wh.target));
    if (wh.kind == WhiteoutKind::kOpaque) changes_.opaque_dirs.insert(std::move(wh.target));
    return true;
  }

  const std::string& root_;
  LayerChanges& changes_;
  std::mutex& changes_mutex_;
  const ScanLimits& limits_;
  Emit emit_;
  Skip skip_;
  std::vector<Frame> stack_;
  std::string dir_;  // the path of the top frame's directory
  std::vector<RankedNote> notes_;
  uint64_t next_rank_ = 0;
  uint64_t entries_ = 0;
  uint64_t path_bytes_ = 0;
  bool stopped_ = false;
};

void add_counts(WalkStats& total, const WalkStats& part) {
  total.files += part.files;
  total.bytes_in += part.bytes_in;
  total.bytes_decoded += part.bytes_decoded;
  total.file_bytes += part.file_bytes;
  total.nested_archives += part.nested_archives;
  total.nested_entries += part.nested_entries;
}

// One walk: the traversal on the calling thread, the entries visited on it or on workers.
class DirectoryWalk {
 public:
  DirectoryWalk(const std::string& root, const DirectoryWorkers& workers, LayerChanges& changes,
                const ScanLimits& limits)
      : root_(root), workers_(workers), changes_(changes), limits_(limits) {
    for (EntryVisitor* v : workers.visitors) {
      visits_.push_back(
          std::make_unique<DirectoryEntryVisit>(root_, *v, changes_, changes_mutex_, limits_));
    }
  }

  Result<WalkStats> run() {
    Status walked = workers_.visitors.size() > 1 ? run_on_workers() : run_inline();
    if (failure_) std::rethrow_exception(failure_);
    if (!walked) return fail(walked.error());
    return totals();
  }

 private:
  void handle(size_t worker, const DirectoryItem& item) {
    if (workers_.before_entry) workers_.before_entry(worker, item.rank);
    visits_[worker]->handle(item);
  }

  Status run_inline() {
    return traverse([&](DirectoryItem&& item) {
      handle(0, item);
      return true;
    });
  }

  Status run_on_workers() {
    WorkQueue<DirectoryItem> queue(std::max<size_t>(workers_.queued_entries, 1));
    std::atomic<size_t> next_worker{0};
    std::vector<std::thread> threads =
        start_threads(workers_.visitors.size(), [&] { work(next_worker.fetch_add(1), queue); });
    if (threads.empty()) return run_inline();
    auto join = [&] {
      for (std::thread& t : threads) t.join();
    };
    Status walked;
    try {
      walked = traverse([&](DirectoryItem&& item) { return queue.push(std::move(item)); });
    } catch (...) {
      queue.abandon();  // the workers stop before this thread's exception goes on
      join();
      throw;
    }
    queue.close();
    join();
    return walked;
  }

  // A worker's loop. An exception (a visitor's) must not end the process from this thread:
  // the walk stops and the caller gets it.
  void work(size_t worker, WorkQueue<DirectoryItem>& queue) {
    try {
      while (auto item = queue.pop()) handle(worker, *item);
    } catch (...) {
      std::lock_guard lock(failure_mutex_);
      if (!failure_) failure_ = std::current_exception();
      queue.abandon();
    }
  }

  Status traverse(DirectoryTraversal::Emit emit) {
    traversal_ = std::make_unique<DirectoryTraversal>(root_, changes_, changes_mutex_, limits_,
                                                      std::move(emit), workers_.skip_directory);
    return traversal_->run();
  }

  // The workers' counts summed, and every note in the walk's order.
  WalkStats totals() {
    WalkStats stats;
    stats.entries = traversal_->entries();
    std::vector<RankedNote> notes = std::move(traversal_->notes());
    for (auto& visit : visits_) {
      add_counts(stats, visit->stats());
      std::ranges::move(visit->notes(), std::back_inserter(notes));
    }
    std::ranges::stable_sort(notes, {}, &RankedNote::rank);
    for (RankedNote& n : notes) stats.skipped.push_back(std::move(n.text));
    return stats;
  }

  const std::string& root_;
  const DirectoryWorkers& workers_;
  LayerChanges& changes_;
  const ScanLimits& limits_;
  std::mutex changes_mutex_;
  std::vector<std::unique_ptr<DirectoryEntryVisit>> visits_;
  std::unique_ptr<DirectoryTraversal> traversal_;
  std::mutex failure_mutex_;
  std::exception_ptr failure_;
};

}  // namespace

Result<WalkStats> walk_directory(const std::string& root, const DirectoryWorkers& workers,
                                 LayerChanges& changes, const ScanLimits& limits) {
  if (workers.visitors.empty()) return fail("walk_directory: no visitor");
  return DirectoryWalk(root, workers, changes, limits).run();
}

Result<WalkStats> walk_directory(const std::string& root, EntryVisitor& visitor,
                                 LayerChanges& changes, const ScanLimits& limits) {
  DirectoryWorkers one;
  one.visitors.push_back(&visitor);
  return walk_directory(root, one, changes, limits);
}

}  // namespace strata
