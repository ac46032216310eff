// Entry names through libarchive: non-ASCII names and a trailing '/' walk the same in the C and
// the UTF-8 locale, and no libc function is replaced for the process.
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

class LocaleGuard {
 public:
  explicit LocaleGuard(const char* name) : ok_(std::setlocale(LC_CTYPE, name) != nullptr) {}
  ~LocaleGuard() { std::setlocale(LC_CTYPE, "C"); }
  bool ok() const { return ok_; }

 private:
  bool ok_;
};

// A libc function replaced in strata would be replaced for every library in the process; what
// libarchive's name conversion costs is for strata's own tar reader to avoid.
TEST(ArchiveNames, LibrariesCallGlibcsMbrtowc) {
  Dl_info info{};
  ASSERT_NE(dladdr(reinterpret_cast<void*>(&::mbrtowc), &info), 0);
  ASSERT_NE(info.dli_fname, nullptr);
  EXPECT_NE(std::string(info.dli_fname).find("libc.so"), std::string::npos) << info.dli_fname;
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
