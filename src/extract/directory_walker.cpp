// walk_directory: a directory tree on disk walked like one layer (sorted, symlinks not
// followed, only regular files opened).
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "block_source.hpp"
#include "file_data_feed.hpp"
#include "nested_archive.hpp"
#include "strata/core/unique_fd.hpp"
#include "strata/extract/layer_walker.hpp"
#include "whiteout.hpp"

namespace strata {
namespace {

constexpr size_t kChunkSize = 256 << 10;

struct DirCloser {
  void operator()(DIR* d) const { closedir(d); }
};

// A file's bytes read with read(2) into a shared buffer.
class FdBlocks final : public BlockSource {
 public:
  FdBlocks(int fd, std::vector<char>& buffer, WalkStats& stats)
      : fd_(fd), buffer_(buffer), stats_(stats) {}
  Result<std::string_view> next() override {
    if (eof_) return std::string_view{};
    for (;;) {
      ssize_t n = ::read(fd_, buffer_.data(), buffer_.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return fail(std::strerror(errno));
      if (n == 0) eof_ = true;
      stats_.bytes_in += static_cast<uint64_t>(n);
      stats_.bytes_decoded += static_cast<uint64_t>(n);
      return std::string_view(buffer_.data(), static_cast<size_t>(n));
    }
  }

 private:
  int fd_;
  std::vector<char>& buffer_;
  WalkStats& stats_;
  bool eof_ = false;
};

// Sorted names in a directory (without "." and ".."), for a deterministic walk.
Result<std::vector<std::string>> list_dir(const std::string& path) {
  std::unique_ptr<DIR, DirCloser> dir(::opendir(path.c_str()));
  if (!dir) return fail(std::strerror(errno));
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

class DirectoryWalk {
 public:
  DirectoryWalk(std::string root, EntryVisitor& visitor, LayerChanges& changes,
                const ScanLimits& limits)
      : root_(std::move(root)), visitor_(visitor), changes_(changes), limits_(limits) {}

  Result<WalkStats> run() {
    struct stat st {};
    if (::stat(root_.c_str(), &st) != 0) return fail(root_ + ": " + std::strerror(errno));
    if (!S_ISDIR(st.st_mode)) return fail(root_ + ": not a directory");
    // Depth-first, pre-order, children sorted; an explicit stack bounds native recursion.
    struct Frame {
      std::string rel;
      std::vector<std::string> names;
      size_t next = 0;
    };
    std::vector<Frame> stack;
    auto open_frame = [&](const std::string& rel) {
      auto names = list_dir(absolute(rel));
      if (!names) {
        stats_.skipped.push_back((rel.empty() ? "." : rel) +
                                 ": cannot list directory: " + names.error().message);
        return;
      }
      stack.push_back(Frame{rel, std::move(*names)});
    };
    open_frame("");
    while (!stack.empty()) {
      Frame& top = stack.back();
      if (top.next == top.names.size()) {
        stack.pop_back();
        continue;
      }
      std::string rel = top.rel.empty() ? top.names[top.next] : top.rel + "/" + top.names[top.next];
      ++top.next;  // `top` may dangle after open_frame below
      auto is_dir = visit(rel);
      if (!is_dir) return fail(is_dir.error());
      if (*is_dir) open_frame(rel);
    }
    return stats_;
  }

 private:
  std::string absolute(const std::string& rel) const {
    return rel.empty() ? root_ : root_ + "/" + rel;
  }

  // Visits one entry; returns whether it is a directory to descend into.
  Result<bool> visit(const std::string& rel) {
    std::string path = absolute(rel);
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
      stats_.skipped.push_back(rel + ": " + std::strerror(errno));
      return false;
    }
    if (++stats_.entries > limits_.max_entries) {
      return fail("entry " + rel + ": directory has more than max_entries (" +
                  std::to_string(limits_.max_entries) + ") entries");
    }
    Whiteout wh = classify_whiteout(rel);
    if (wh.kind == WhiteoutKind::kWhiteout) {
      changes_.whiteouts.insert(std::move(wh.target));
      return false;
    }
    if (wh.kind == WhiteoutKind::kOpaque) {
      changes_.opaque_dirs.insert(std::move(wh.target));
      return false;
    }
    if (wh.kind == WhiteoutKind::kMetadata) return false;

    EntryInfo info;
    info.path = rel;
    if (S_ISREG(st.st_mode)) {
      visit_file(info, path, st);
      return false;
    }
    if (S_ISDIR(st.st_mode)) {
      info.type = EntryType::kDirectory;
    } else if (S_ISLNK(st.st_mode)) {
      info.type = EntryType::kSymlink;
      std::string target(static_cast<size_t>(std::max<off_t>(st.st_size, 0)) + 256, '\0');
      ssize_t n = ::readlink(path.c_str(), target.data(), target.size());
      if (n < 0) {
        stats_.skipped.push_back(rel + ": cannot read link: " + std::strerror(errno));
        n = 0;
      }
      target.resize(static_cast<size_t>(n));
      info.link_target = std::move(target);
    } else {
      info.type = EntryType::kOther;  // devices, FIFOs, sockets: never opened
    }
    if (visitor_.on_entry(info) == Control::kContinue) visitor_.on_entry_end();
    changes_.record(rel, LayerEntry{info.type, 0, 0});
    return info.type == EntryType::kDirectory;
  }

  void visit_file(EntryInfo& info, const std::string& path, const struct stat& st) {
    info.type = EntryType::kFile;
    info.size = st.st_size;
    // O_NOFOLLOW and O_NONBLOCK: the entry may have been swapped for a link or FIFO since lstat.
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (fd.get() < 0) {
      stats_.skipped.push_back(info.path + ": cannot open: " + std::strerror(errno));
      return;
    }
    ++stats_.files;
    bool visiting = visitor_.on_entry(info) == Control::kContinue;
    FileDataFeed feed(visitor_, info.path, visiting, limits_, stats_);
    if (buffer_.empty()) buffer_.resize(kChunkSize);
    FdBlocks blocks(fd.get(), buffer_, stats_);
    auto read = stream_file_data(blocks, info, visitor_, visiting, feed, 0, limits_, stats_);
    if (!read) stats_.skipped.push_back(info.path + ": read failed: " + read.error().message);
    if (visiting) visitor_.on_entry_end();
    changes_.record(info.path, LayerEntry{EntryType::kFile, info.size, feed.content_hash()});
  }

  std::string root_;
  EntryVisitor& visitor_;
  LayerChanges& changes_;
  const ScanLimits& limits_;
  WalkStats stats_;
  std::vector<char> buffer_;
};

}  // namespace

Result<WalkStats> walk_directory(const std::string& root, EntryVisitor& visitor,
                                 LayerChanges& changes, const ScanLimits& limits) {
  return DirectoryWalk(root, visitor, changes, limits).run();
}

}  // namespace strata
