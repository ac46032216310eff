// DirectoryEntryVisit: what a directory walk does with one entry it found (lstat already done):
// a file's bytes read and streamed to a visitor (nested archives opened), other entries
// visited without data, every entry recorded in LayerChanges. One per worker of a walk;
// entries come with their rank in the walk's order, and the notes of what was skipped are
// kept with it, so a parallel walk can list them in that order.
//
//   DirectoryEntryVisit visit(root, visitor, changes, changes_mutex, limits);
//   visit.handle(DirectoryItem{rank, "etc/passwd", st});
//   ... visit.stats() (counts), visit.notes() (skipped, by rank)
//
// Thread safety: one object per thread; `changes` is shared and written under `changes_mutex`.
// Errors: an entry that cannot be read is a note, never a failure.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "strata/core/limits.hpp"
#include "strata/core/unique_fd.hpp"
#include "strata/extract/layer_walker.hpp"

namespace strata {

// Where a walk reaches the entries under a directory: by their path under the root, or, once
// that path grows long (a tree deeper than PATH_MAX lets one path reach), relative to an open
// directory on the way. Copies share the descriptor, so an entry queued to a worker keeps it.
struct DirectoryAnchor {
  std::shared_ptr<const UniqueFd> dir;  // null: the root's path
  size_t prefix = 0;                    // the bytes of `rel` that `dir` already stands for

  // For the *at() calls: the directory descriptor and the path of `rel` from it.
  int fd() const { return dir ? dir->get() : AT_FDCWD; }
  std::string path(const std::string& root, const std::string& rel) const {
    if (!dir) return root + "/" + rel;
    return prefix < rel.size() ? rel.substr(prefix) : ".";  // "." when `rel` is the anchor
  }
  // The anchor for the entries under directory `rel`: this one, or `rel` opened when the path
  // from this one has grown past a limit that keeps every *at() path well under PATH_MAX.
  DirectoryAnchor below(const std::string& root, const std::string& rel) const;
};

// An entry a directory walk found, with its place in the walk's order.
struct DirectoryItem {
  uint64_t rank = 0;
  std::string rel;  // path relative to the root
  struct stat st {};
  DirectoryAnchor anchor;  // how to reach it
};

// A skipped entry's note with the rank of the entry it belongs to.
struct RankedNote {
  uint64_t rank = 0;
  std::string text;
};

class DirectoryEntryVisit {
 public:
  DirectoryEntryVisit(const std::string& root, EntryVisitor& visitor, LayerChanges& changes,
                      std::mutex& changes_mutex, const ScanLimits& limits)
      : root_(root),
        visitor_(visitor),
        changes_(changes),
        changes_mutex_(changes_mutex),
        limits_(limits) {}

  void handle(const DirectoryItem& item);
  // Counts of the entries handled (their skipped notes are in notes(), not in stats().skipped).
  const WalkStats& stats() const { return stats_; }
  std::vector<RankedNote>& notes() { return notes_; }

 private:
  void visit_other(EntryInfo& info, const DirectoryItem& item);
  void visit_file(EntryInfo& info, const DirectoryItem& item);
  void record(const std::string& rel, const LayerEntry& entry);

  const std::string& root_;
  EntryVisitor& visitor_;
  LayerChanges& changes_;
  std::mutex& changes_mutex_;
  const ScanLimits& limits_;
  WalkStats stats_;
  std::vector<RankedNote> notes_;
  std::vector<char> buffer_;
};

}  // namespace strata
