// Sniffing and the gzip / zstd / none decoders.
#include <gtest/gtest.h>

#include <string>

#include "../../../src/extract/gzip_decoder.hpp"
#include "recording_visitor.hpp"
#include "strata/extract/layer_walker.hpp"
#include "support/tar_writer.hpp"

namespace strata {
namespace {

using test::ChunkedStream;
using test::gzip_compress;
using test::memory_stream;
using test::pseudo_random_bytes;
using test::zstd_compress;

std::string sample_tar() {
  test::TarWriter t;
  t.add_file("a.txt", "hello\n").add_file("b.bin", pseudo_random_bytes(100000, 7));
  return t.finish();
}

// Decodes everything, reading at most `capacity` bytes per call.
Result<std::string> decode_all(ByteStream& s, size_t capacity = 65536) {
  std::string out;
  std::string buf(capacity, '\0');
  for (int guard = 0; guard < 10'000'000; ++guard) {
    auto n = s.read(buf.data(), buf.size());
    if (!n) return fail(n.error());
    if (*n == 0) return out;
    out.append(buf.data(), *n);
  }
  return fail("decoder never ended");
}

TEST(SniffCompression, RecognisesGzipMagic) {
  EXPECT_EQ(sniff_compression(gzip_compress("x")), Compression::kGzip);
}

TEST(SniffCompression, RecognisesZstdMagic) {
  EXPECT_EQ(sniff_compression(zstd_compress("x")), Compression::kZstd);
}

TEST(SniffCompression, PlainTarIsNone) {
  EXPECT_EQ(sniff_compression(sample_tar()), Compression::kNone);
}

TEST(SniffCompression, ShortOrEmptyHeadIsNone) {
  EXPECT_EQ(sniff_compression(""), Compression::kNone);
  EXPECT_EQ(sniff_compression("\x1f"), Compression::kNone);
  EXPECT_EQ(sniff_compression(std::string("\x28\xb5\x2f", 3)), Compression::kNone);
}

TEST(CompressionName, NamesEachKind) {
  EXPECT_STREQ(compression_name(Compression::kGzip), "gzip");
  EXPECT_STREQ(compression_name(Compression::kZstd), "zstd");
  EXPECT_STREQ(compression_name(Compression::kNone), "none");
}

TEST(MakeDecoder, NonePassesBytesThrough) {
  std::string tar = sample_tar();
  auto d = make_decoder(Compression::kNone, memory_stream(tar));
  ASSERT_TRUE(d);
  auto out = decode_all(**d);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(*out, tar);
}

TEST(MakeDecoder, ZstdRoundTrips) {
  std::string tar = sample_tar();
  auto d = make_decoder(Compression::kZstd, memory_stream(zstd_compress(tar)));
  ASSERT_TRUE(d);
  auto out = decode_all(**d);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(*out, tar);
}

TEST(MakeDecoder, ZstdDecodesEveryFrame) {
  std::string tar = sample_tar();
  std::string split = zstd_compress(tar.substr(0, 1000)) + zstd_compress(tar.substr(1000));
  auto d = make_decoder(Compression::kZstd, std::make_unique<ChunkedStream>(split, 333));
  ASSERT_TRUE(d);
  auto out = decode_all(**d, 1000);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(*out, tar);
}

TEST(MakeDecoder, TruncatedZstdIsAnError) {
  std::string z = zstd_compress(sample_tar());
  auto d = make_decoder(Compression::kZstd, memory_stream(z.substr(0, z.size() - 10)));
  ASSERT_TRUE(d);
  auto out = decode_all(**d);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message, "zstd: unexpected end of data");
}

TEST(MakeDecoder, CorruptZstdNamesTheZstdError) {
  std::string z = zstd_compress(sample_tar());
  for (size_t i = 20; i < z.size(); i += 7) z[i] = static_cast<char>(~z[i]);
  auto d = make_decoder(Compression::kZstd, memory_stream(z));
  ASSERT_TRUE(d);
  auto out = decode_all(**d);
  ASSERT_FALSE(out);
  EXPECT_TRUE(out.error().message.starts_with("zstd: ")) << out.error().message;
}

TEST(MakeDecoder, EmptyZstdStreamIsAnError) {
  auto d = make_decoder(Compression::kZstd, memory_stream(""));
  ASSERT_TRUE(d);
  EXPECT_FALSE(decode_all(**d));
}

struct GzipMode {
  GzipBackend backend;
  bool check_crc;
  const char* name;
};

class GzipBackendTest : public ::testing::TestWithParam<GzipMode> {
 protected:
  std::unique_ptr<ByteStream> decoder(std::unique_ptr<ByteStream> inner) {
    auto d = make_gzip_decoder(std::move(inner), GetParam().backend, GetParam().check_crc);
    EXPECT_TRUE(d);
    return d ? std::move(*d) : nullptr;
  }
};

TEST_P(GzipBackendTest, RoundTrips) {
  std::string tar = sample_tar();
  auto out = decode_all(*decoder(memory_stream(gzip_compress(tar))));
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(*out, tar);
}

TEST_P(GzipBackendTest, DecodesEveryMemberAtAnyInputPieceSize) {
  std::string tar = sample_tar();
  std::string members = gzip_compress(tar.substr(0, 5000)) + gzip_compress(tar.substr(5000));
  for (size_t piece : {1, 2, 7, 13, 4096, 1 << 20}) {
    for (size_t capacity : {1, 100, 65536}) {
      auto out = decode_all(*decoder(std::make_unique<ChunkedStream>(members, piece)), capacity);
      ASSERT_TRUE(out) << "piece " << piece << " capacity " << capacity << ": "
                       << out.error().message;
      EXPECT_EQ(*out, tar) << "piece " << piece << " capacity " << capacity;
    }
  }
}

// A stream that lends its bytes (a layer blob read ahead) is decoded where the bytes lie.
TEST_P(GzipBackendTest, DecodesEveryMemberAndPaddingFromALendingStream) {
  std::string tar = sample_tar();
  std::string members = gzip_compress(tar.substr(0, 5000)) + gzip_compress(tar.substr(5000, 777)) +
                        gzip_compress(tar.substr(5777)) + std::string(9, '\0');
  for (size_t piece : {1, 2, 7, 13, 4096, 1 << 20}) {
    for (size_t capacity : {1, 100, 65536}) {
      auto out =
          decode_all(*decoder(std::make_unique<test::LendingStream>(members, piece)), capacity);
      ASSERT_TRUE(out) << "piece " << piece << " capacity " << capacity << ": "
                       << out.error().message;
      EXPECT_EQ(*out, tar) << "piece " << piece << " capacity " << capacity;
    }
  }
}

TEST_P(GzipBackendTest, DecodesManySmallMembers) {
  std::string tar = sample_tar();
  std::string members;
  for (size_t pos = 0; pos < tar.size(); pos += 777) members += gzip_compress(tar.substr(pos, 777));
  auto out = decode_all(*decoder(std::make_unique<ChunkedStream>(members, 1000)));
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(*out, tar);
}

TEST_P(GzipBackendTest, TruncatedStreamIsAnError) {
  std::string gz = gzip_compress(sample_tar());
  for (size_t keep : {size_t{5}, gz.size() / 2, gz.size() - 4}) {
    auto out = decode_all(*decoder(memory_stream(gz.substr(0, keep))));
    ASSERT_FALSE(out) << "kept " << keep;
    EXPECT_EQ(out.error().message, "gzip: unexpected end of data") << "kept " << keep;
  }
}

TEST_P(GzipBackendTest, CorruptDataIsAnError) {
  std::string gz = gzip_compress(sample_tar());
  for (size_t i = 30; i < gz.size() - 8; i += 50) gz[i] = static_cast<char>(gz[i] ^ 0x5a);
  auto out = decode_all(*decoder(memory_stream(gz)));
  ASSERT_FALSE(out);
  EXPECT_TRUE(out.error().message.starts_with("gzip: ")) << out.error().message;
}

TEST_P(GzipBackendTest, BadChecksumIsAnErrorWhenChecked) {
  std::string gz = gzip_compress("some file content\n");
  gz[gz.size() - 6] = static_cast<char>(gz[gz.size() - 6] ^ 1);  // inside the CRC32 trailer
  // Unchecked (a digest-verified blob), the same bytes decode: the CRC-32 is not computed.
  EXPECT_EQ(decode_all(*decoder(memory_stream(gz))).has_value(), !GetParam().check_crc);
}

TEST_P(GzipBackendTest, BadLengthIsAnError) {
  std::string gz = gzip_compress("some file content\n");
  gz[gz.size() - 2] = static_cast<char>(gz[gz.size() - 2] ^ 1);  // inside ISIZE
  EXPECT_FALSE(decode_all(*decoder(memory_stream(gz))));
}

// gzip(1) writes the file name into the header; other writers add an extra field or a
// comment. Headers split anywhere across reads must decode.
TEST_P(GzipBackendTest, SkipsTheOptionalHeaderFieldsSplitAnywhere) {
  std::string content = "content after a long header\n";
  std::string plain = gzip_compress(content);
  std::string header = plain.substr(0, 10);
  header[3] = static_cast<char>(0x04 | 0x08 | 0x10);  // FEXTRA, FNAME, FCOMMENT
  std::string extra(300, 'x');
  header += static_cast<char>(extra.size() & 0xff);
  header += static_cast<char>(extra.size() >> 8);
  header += extra + std::string(200, 'n') + '\0' + std::string(50, 'c') + '\0';
  std::string gz = header + plain.substr(10);
  for (size_t piece : {4096, 300, 7, 1}) {
    auto out = decode_all(*decoder(std::make_unique<ChunkedStream>(gz + gz, piece)));
    ASSERT_TRUE(out) << "piece " << piece << ": " << out.error().message;
    EXPECT_EQ(*out, content + content) << "piece " << piece;
  }
}

TEST_P(GzipBackendTest, EmptyInputIsAnError) {
  EXPECT_FALSE(decode_all(*decoder(memory_stream(""))));
}

TEST_P(GzipBackendTest, ErrorsStayErrors) {
  auto d = decoder(memory_stream(gzip_compress(sample_tar()).substr(0, 40)));
  EXPECT_FALSE(decode_all(*d));
  char buf[16];
  EXPECT_FALSE(d->read(buf, sizeof buf));
}

TEST_P(GzipBackendTest, IgnoresZeroPaddingAfterTheLastMember) {
  std::string tar = sample_tar();
  std::string padded = gzip_compress(tar) + std::string(1000, '\0');
  auto out = decode_all(*decoder(std::make_unique<ChunkedStream>(padded, 300)));
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(*out, tar);
}

TEST_P(GzipBackendTest, TrailingGarbageIsAnError) {
  auto out = decode_all(*decoder(memory_stream(gzip_compress(sample_tar()) + "junk")));
  ASSERT_FALSE(out);
  EXPECT_TRUE(out.error().message.starts_with("gzip: ")) << out.error().message;
}

INSTANTIATE_TEST_SUITE_P(Backends, GzipBackendTest,
                         ::testing::Values(GzipMode{GzipBackend::kIsal, true, "Isal"},
                                           GzipMode{GzipBackend::kIsal, false, "IsalUnchecked"},
                                           GzipMode{GzipBackend::kZlib, true, "Zlib"}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(MakeDecoder, GzipUsesADecoderThatMatchesTheReference) {
  std::string tar = sample_tar();
  std::string gz = gzip_compress(tar);
  auto isal = make_decoder(Compression::kGzip, memory_stream(gz));
  auto zlib = make_gzip_decoder(memory_stream(gz), GzipBackend::kZlib);
  ASSERT_TRUE(isal && zlib);
  auto a = decode_all(**isal);
  auto b = decode_all(**zlib);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(*a, tar);
}

}  // namespace
}  // namespace strata
