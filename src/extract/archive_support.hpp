// libarchive helpers shared by the layer walker and the nested-archive walker: the reader
// handle, entry fields, and a read callback that pulls from a BlockSource.
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <memory>
#include <optional>
#include <string>

#include "block_source.hpp"
#include "strata/image/layer_changes.hpp"

namespace strata {

struct ArchiveDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveDeleter>;

// The entry's path, UTF-8 if it converts, else the raw (locale) form.
std::string entry_path(archive_entry* e);
std::string link_target(archive_entry* e, bool hardlink);
EntryType entry_type(archive_entry* e);

// libarchive's read callback over a BlockSource. The source's error is kept here as a value:
// nothing may throw through libarchive.
struct BlockReadCallback {
  BlockSource* blocks = nullptr;
  std::optional<Error> error;

  static la_ssize_t read_cb(archive* a, void* self, const void** out) noexcept;
};

}  // namespace strata
