// Paths inside an image (layer entries, docker-archive members, report locations, ignore-file
// paths) in one spelling: '/'-separated, relative to the image's root, with no empty or "."
// components, so "./etc//x/", "/etc/x" and "etc/x" are one place and the root is "".
//
//   normalize_image_path("./a//b/.")                   // "a/b"
//   normalize_image_path("a/../../x")                  // "a/../../x": as the layer names it
//   normalize_image_path("a/../b", DotDot::kResolve)   // "b"
//   shortened_path(twenty_kb_path)                     // "d/d/…/d…(20000 bytes)…d/d/.env"
//
// Thread safety: pure functions. Errors: none; every string is some path.
#pragma once

#include <string>
#include <string_view>

namespace strata {

// What a ".." component does.
enum class DotDot {
  // Kept as written. A layer entry is reported under the name its tar gives it: nothing is
  // written to disk, and resolving would hide a hostile "a/../../etc/x" behind "etc/x".
  kKeep,
  // Resolved ("a/../b" -> "b"; at the root it stays at the root): for finding an archive
  // member by name or following a link target, which must land on a real member.
  kResolve,
};

// A trailing '/' is dropped too: a caller for whom it means "a directory" looks before
// normalizing (ignore-file paths do).
std::string normalize_image_path(std::string_view path, DotDot dot_dot = DotDot::kKeep);

// The path itself when it is at most 256 bytes long; else its first and last 100 bytes around
// "…(N bytes)…", for messages about hostile paths (10,000 directories deep, 1 MiB long).
std::string shortened_path(std::string_view path);

}  // namespace strata
