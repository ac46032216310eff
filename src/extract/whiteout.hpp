// Recognises OCI/AUFS whiteout entries by the basename of a normalized path.
#pragma once

#include <string>
#include <string_view>

namespace strata {

enum class WhiteoutKind {
  kNone,      // an ordinary entry
  kWhiteout,  // ".wh.<name>": deletes <dir>/<name> from lower layers
  kOpaque,    // ".wh..wh..opq": hides the lower layers' contents of <dir>
  kMetadata,  // other ".wh..wh.*" (AUFS bookkeeping such as .wh..wh.plnk): ignored
};

struct Whiteout {
  WhiteoutKind kind = WhiteoutKind::kNone;
  std::string target;  // the deleted path (kWhiteout) or the opaque directory (kOpaque)
};

Whiteout classify_whiteout(std::string_view normalized_path);

}  // namespace strata
