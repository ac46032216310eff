// Which files are opened as nested archives, decided by name (case-insensitive); compression
// inside the tar family is then sniffed from magic bytes.
#pragma once

#include <string>
#include <string_view>

namespace strata {

enum class NestedFormat {
  kNone,
  kZip,         // .jar .war .ear .zip .whl .egg .apk .nupkg
  kTar,         // .tar .tar.gz .tgz .tar.zst .tzst (compression sniffed)
  kSingleGzip,  // .gz: one gzip-compressed file
  kSingleZstd,  // .zst: one zstd-compressed file
};

NestedFormat nested_format(std::string_view path);
// "zip", "tar", "gzip", "zstd": what an error names ("app.jar: nested zip: …").
const char* nested_format_name(NestedFormat f);
// The name of the one file inside a .gz/.zst: the basename without the suffix
// ("logs/app.log.gz" -> "app.log").
std::string single_file_name(std::string_view path);

}  // namespace strata
