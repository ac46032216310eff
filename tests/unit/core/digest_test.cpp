#include "strata/core/digest.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

namespace strata {
namespace {

TEST(DigestTest, Sha256OfKnownInput) {
  // FIPS 180-2 test vector.
  EXPECT_EQ(sha256_of("abc").str(),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(DigestTest, IncrementalEqualsWhole) {
  std::string data(100000, 'q');
  Sha256 h;
  for (size_t i = 0; i < data.size(); i += 777) h.update(std::string_view(data).substr(i, 777));
  EXPECT_EQ(h.finish(), sha256_of(data));
}

TEST(DigestTest, ParseRejectsBadDigests) {
  EXPECT_FALSE(Digest::parse("nocolon"));
  EXPECT_FALSE(Digest::parse("md5:abcd"));
  EXPECT_FALSE(Digest::parse("sha256:XYZ"));
  auto ok = Digest::parse(sha256_of("x").str());
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->short_str().size(), std::string("sha256:").size() + 12);
}

Result<std::string> drain(ByteStream& s) {
  std::string out;
  char buf[3];
  for (;;) {
    auto n = s.read(buf, sizeof buf);
    if (!n) return fail(n.error());
    if (*n == 0) return out;
    out.append(buf, *n);
  }
}

TEST(VerifyingStreamTest, PassesMatchingBytesThrough) {
  std::string data = "layer bytes";
  VerifyingStream v(std::make_unique<MemoryStream>(data), sha256_of(data), "layer 0",
                    static_cast<int64_t>(data.size()));
  auto out = drain(v);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(*out, data);
}

TEST(VerifyingStreamTest, FailsAtEndOnMismatchNamingTheBlob) {
  Digest expected = sha256_of("original");
  VerifyingStream v(std::make_unique<MemoryStream>("tampered"), expected, "layer 3");
  auto out = drain(v);
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("layer 3 " + expected.str()), std::string::npos);
  EXPECT_NE(out.error().message.find("digest mismatch"), std::string::npos);
  char buf[4];
  EXPECT_FALSE(v.read(buf, sizeof buf));  // and stays failed
}

TEST(VerifyingStreamTest, FailsOnSizeMismatch) {
  std::string data = "abc";
  VerifyingStream v(std::make_unique<MemoryStream>(data), sha256_of(data), "config", 4);
  auto out = drain(v);
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("size mismatch"), std::string::npos);
}

TEST(ByteStreamTest, FileRangeStreamReadsRangeAndReportsTruncation) {
  char path[] = "/tmp/strata-core-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  std::string data = "0123456789";
  ASSERT_EQ(write(fd, data.data(), data.size()), 10);
  close(fd);
  auto s = open_file_stream(path, 2, 5);
  ASSERT_TRUE(s);
  auto out = drain(**s);
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, "23456");
  auto past = open_file_stream(path, 8, 5);  // asks for more than the file holds
  ASSERT_TRUE(past);
  auto bad = drain(**past);
  EXPECT_FALSE(bad);
  unlink(path);
  EXPECT_FALSE(open_file_stream("/nonexistent/strata"));
}

TEST(ByteStreamTest, ReadAllEnforcesLimit) {
  MemoryStream s(std::string(100, 'x'));
  EXPECT_FALSE(read_all(s, 50));
  MemoryStream t(std::string(100, 'x'));
  EXPECT_EQ(read_all(t, 100)->size(), 100u);
}

}  // namespace
}  // namespace strata
