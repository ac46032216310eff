#include "directory_entry.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "block_source.hpp"
#include "file_data_feed.hpp"
#include "nested_archive.hpp"
#include "strata/core/unique_fd.hpp"

namespace strata {
namespace {

constexpr size_t kChunkSize = 256 << 10;

// A file's bytes read with read(2) into a buffer the caller keeps.
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

// Past this many bytes of path from its anchor, a directory becomes an anchor itself: with a
// name (255 bytes at most) added, every path handed to the kernel stays under PATH_MAX (4096).
constexpr size_t kAnchorPathBytes = 2048;

}  // namespace

DirectoryAnchor DirectoryAnchor::below(const std::string& root, const std::string& rel) const {
  if (rel.size() - std::min(prefix, rel.size()) <= kAnchorPathBytes) return *this;
  auto opened = std::make_shared<const UniqueFd>(
      ::openat(fd(), path(root, rel).c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (opened->get() < 0) return *this;  // its entries then fail to open, each one noted
  return DirectoryAnchor{std::move(opened), rel.size() + 1};
}

void DirectoryEntryVisit::handle(const DirectoryItem& item) {
  EntryInfo info;
  info.path = item.rel;
  size_t noted = stats_.skipped.size();
  if (S_ISREG(item.st.st_mode)) {
    visit_file(info, item);
  } else {
    visit_other(info, item);
  }
  // The notes of this entry keep its rank, for the walk to list them in its order.
  for (size_t i = noted; i < stats_.skipped.size(); ++i) {
    notes_.push_back(RankedNote{item.rank, std::move(stats_.skipped[i])});
  }
  stats_.skipped.resize(noted);
}

void DirectoryEntryVisit::visit_other(EntryInfo& info, const DirectoryItem& item) {
  const struct stat& st = item.st;
  if (S_ISDIR(st.st_mode)) {
    info.type = EntryType::kDirectory;
  } else if (S_ISLNK(st.st_mode)) {
    info.type = EntryType::kSymlink;
    std::string target(static_cast<size_t>(std::max<off_t>(st.st_size, 0)) + 256, '\0');
    ssize_t n = ::readlinkat(item.anchor.fd(), item.anchor.path(root_, item.rel).c_str(),
                             target.data(), target.size());
    if (n < 0) {
      stats_.skipped.push_back(info.path + ": cannot read link: " + std::strerror(errno));
      n = 0;
    }
    target.resize(static_cast<size_t>(n));
    info.link_target = std::move(target);
  } else {
    info.type = EntryType::kOther;  // devices, FIFOs, sockets: never opened
  }
  if (visitor_.on_entry(info) == Control::kContinue) visitor_.on_entry_end();
  record(info.path, LayerEntry{info.type, 0, 0});
}

void DirectoryEntryVisit::visit_file(EntryInfo& info, const DirectoryItem& item) {
  info.type = EntryType::kFile;
  info.size = item.st.st_size;
  // O_NOFOLLOW and O_NONBLOCK: the entry may have been swapped for a link or FIFO since lstat.
  UniqueFd fd(::openat(item.anchor.fd(), item.anchor.path(root_, item.rel).c_str(),
                       O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
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
  record(info.path, LayerEntry{EntryType::kFile, info.size, feed.content_hash()});
}

void DirectoryEntryVisit::record(const std::string& rel, const LayerEntry& entry) {
  std::lock_guard lock(changes_mutex_);
  changes_.record(rel, entry);
}

}  // namespace strata
