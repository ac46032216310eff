// Entry names through libarchive, and the ASCII fast path of mbrtowc that strata's binaries
// define in place of glibc's (src/extract/archive_support.cpp): same answers as glibc's for every
// byte and state, and names walk as they did without it.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <clocale>
#include <cstring>
#include <cwchar>
#include <string>

#include "recording_visitor.hpp"
#include "strata/extract/layer_walker.hpp"
#include "support/tar_writer.hpp"

namespace strata {
namespace {

using Mbrtowc = size_t (*)(wchar_t*, const char*, size_t, mbstate_t*);

Mbrtowc glibc_mbrtowc() { return reinterpret_cast<Mbrtowc>(dlsym(RTLD_NEXT, "mbrtowc")); }

struct Converted {
  size_t result;
  wchar_t wide;
  bool initial_after;
  bool operator==(const Converted&) const = default;
};

Converted convert(Mbrtowc f, std::string_view bytes, mbstate_t state) {
  wchar_t wide = L'?';
  size_t result = f(&wide, bytes.data(), bytes.size(), &state);
  return Converted{result, wide, mbsinit(&state) != 0};
}

class LocaleGuard {
 public:
  explicit LocaleGuard(const char* name) : ok_(std::setlocale(LC_CTYPE, name) != nullptr) {}
  ~LocaleGuard() { std::setlocale(LC_CTYPE, "C"); }
  bool ok() const { return ok_; }

 private:
  bool ok_;
};

TEST(AsciiMbrtowc, OursIsTheOneLibrariesCall) {
  ASSERT_NE(glibc_mbrtowc(), nullptr);
  EXPECT_NE(reinterpret_cast<void*>(glibc_mbrtowc()), reinterpret_cast<void*>(&::mbrtowc));
}

TEST(AsciiMbrtowc, AgreesWithGlibcOnEveryByteAndState) {
  for (const char* locale : {"C", "C.UTF-8"}) {
    LocaleGuard guard(locale);
    if (!guard.ok()) continue;  // C.UTF-8 ships with glibc on Debian; skip if a system lacks it
    mbstate_t initial{};
    // After the first byte of a two-byte UTF-8 character (a shift state only UTF-8 has).
    mbstate_t pending{};
    wchar_t ignored;
    glibc_mbrtowc()(&ignored, "\xc3", 1, &pending);
    for (int b = 0; b < 256; ++b) {
      std::string one(1, static_cast<char>(b));
      EXPECT_EQ(convert(&::mbrtowc, one, initial), convert(glibc_mbrtowc(), one, initial))
          << locale << " byte " << b;
      EXPECT_EQ(convert(&::mbrtowc, one, pending), convert(glibc_mbrtowc(), one, pending))
          << locale << " byte " << b << " after a lead byte";
    }
    for (std::string_view bytes : {"\xc3\xa9", "a\xc3", "", "\xe2\x82\xac!"}) {
      EXPECT_EQ(convert(&::mbrtowc, bytes, initial), convert(glibc_mbrtowc(), bytes, initial))
          << locale << " " << bytes.size() << " bytes";
    }
  }
}

TEST(ArchiveNames, NonAsciiNamesAndATrailingSlashWalkAsBefore) {
  std::string tar = test::ustar_header("app/caf\xc3\xa9.txt", '0', 5) + std::string("hello") +
                    std::string(507, '\0') + test::ustar_header("app/dir/", '0', 0) +
                    test::ustar_header("app/plain.txt", '0', 0) + std::string(1024, '\0');
  for (const char* locale : {"C", "C.UTF-8"}) {
    LocaleGuard guard(locale);
    if (!guard.ok()) continue;
    test::RecordingVisitor visitor;
    LayerChanges changes;
    auto stats = walk_layer(test::memory_stream(tar), visitor, changes, ScanLimits{});
    ASSERT_TRUE(stats) << stats.error().message;
    ASSERT_EQ(visitor.seen.size(), 3u) << locale;
    EXPECT_EQ(visitor.seen[0].info.path, "app/caf\xc3\xa9.txt") << locale;
    EXPECT_EQ(visitor.seen[0].data, "hello");
    EXPECT_EQ(visitor.seen[1].info.path, "app/dir");
    EXPECT_EQ(visitor.seen[1].info.type, EntryType::kDirectory) << locale;
    EXPECT_EQ(visitor.seen[2].info.path, "app/plain.txt");
  }
}

}  // namespace
}  // namespace strata
