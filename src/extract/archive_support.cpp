#include "archive_support.hpp"

#include <dlfcn.h>

#include <cerrno>
#include <cwchar>
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

// libarchive's tar reader converts the name of every regular file to wide characters (to check
// for a trailing '/'), one mbrtowc call per byte, and glibc's mbrtowc goes through its generic
// converter even for ASCII: ~11 ns a byte, 3-4% of the thread that decodes a layer. This
// definition in the executable takes precedence over glibc's for the libraries that call it
// (symbol interposition) and answers the one case that matters, an ASCII byte in the initial
// shift state, as every glibc locale does (their character sets all extend ASCII); anything
// else goes to glibc's own. Calls inside glibc use its internal name and never come here.
extern "C" size_t mbrtowc(wchar_t* out, const char* s, size_t n, mbstate_t* state) noexcept {
  if (s && n > 0 && state && mbsinit(state) && static_cast<unsigned char>(*s) < 0x80) {
    if (out) *out = static_cast<wchar_t>(*s);
    return *s != 0 ? 1 : 0;
  }
  using Mbrtowc = size_t (*)(wchar_t*, const char*, size_t, mbstate_t*);
  static const auto glibc = reinterpret_cast<Mbrtowc>(dlsym(RTLD_NEXT, "mbrtowc"));
  if (!glibc) {  // no libc to defer to (never on glibc): refuse the byte, as a C locale would
    errno = EILSEQ;
    return static_cast<size_t>(-1);
  }
  return glibc(out, s, n, state);
}
