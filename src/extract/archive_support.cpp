#include "archive_support.hpp"

#include <cerrno>
#include <exception>

namespace strata {

std::string entry_path(archive_entry* e) {
  // The raw name first: asking for UTF-8 converts every name through wide characters; a name
  // stored as UTF-8 that the C locale cannot represent comes back null here and is taken as
  // UTF-8 below.
  if (const char* p = archive_entry_pathname(e)) return p;
  if (const char* p = archive_entry_pathname_utf8(e)) return p;
  return {};
}

std::string link_target(archive_entry* e, bool hardlink) {
  const char* p = hardlink ? archive_entry_hardlink_utf8(e) : archive_entry_symlink_utf8(e);
  if (!p) p = hardlink ? archive_entry_hardlink(e) : archive_entry_symlink(e);
  return p ? p : "";
}

EntryType entry_type(archive_entry* e) {
  if (archive_entry_hardlink(e) || archive_entry_hardlink_utf8(e)) return EntryType::kHardlink;
  switch (archive_entry_filetype(e)) {
    case AE_IFREG:
      return EntryType::kFile;
    case AE_IFDIR:
      return EntryType::kDirectory;
    case AE_IFLNK:
      return EntryType::kSymlink;
    default:
      return EntryType::kOther;
  }
}

la_ssize_t BlockReadCallback::read_cb(archive* a, void* self, const void** out) noexcept {
  auto* src = static_cast<BlockReadCallback*>(self);
  try {
    auto block = src->blocks->next();
    if (block) {
      *out = block->data();
      return static_cast<la_ssize_t>(block->size());
    }
    src->error = block.error();
  } catch (const std::exception& e) {
    src->error = Error{std::string("read failed: ") + e.what()};
  } catch (...) {
    src->error = Error{"read failed"};
  }
  archive_set_error(a, EIO, "read failed");
  return -1;
}

}  // namespace strata
