#include "image_listing.hpp"

#include "strata/core/limits.hpp"

namespace strata {

Result<nlohmann::json> parse_json_text(std::string_view text) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    return fail("invalid JSON at byte " + std::to_string(e.byte));
  } catch (const nlohmann::json::exception&) {
    // A number too large for a double (1e999) throws out_of_range, not parse_error.
    return fail("invalid JSON: a number out of range");
  }
}

std::string oci_blob_name(const Digest& digest) {
  return "blobs/" + digest.algorithm + "/" + digest.hex;
}

Result<std::string> read_verified_blob(const FileTree& tree, const Digest& digest, int64_t size,
                                       const std::string& what) {
  const uint64_t limit = ScanLimits{}.max_json_bytes;
  auto range = tree.locate(oci_blob_name(digest));
  if (!range) return fail("missing blob " + digest.str() + " (" + what + ")");
  if (size > 0 && static_cast<uint64_t>(size) > limit) {
    return fail(what + " " + digest.str() + ": larger than the limit of " + std::to_string(limit) +
                " bytes");
  }
  auto raw = open_range(*range);
  if (!raw) return fail(raw.error());
  VerifyingStream verified(std::move(*raw), digest, what, size);
  auto text = read_all(verified, limit);
  if (!text)
    return fail(text.error().message.find(digest.str()) == std::string::npos
                    ? text.error().with_context(what + " " + digest.str())
                    : text.error());
  return text;
}

}  // namespace strata
