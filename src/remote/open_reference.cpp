#include "strata/remote/open_reference.hpp"

#include <sys/stat.h>

#include <array>
#include <string_view>

#include "daemon_source.hpp"
#include "registry_source.hpp"

namespace strata {
namespace {

bool exists_on_disk(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

bool has_file_transport(std::string_view text) {
  for (std::string_view prefix : {"oci:", "oci-archive:", "docker-archive:"}) {
    if (text.starts_with(prefix)) return true;
  }
  return text == "-";
}

// A name that can only be a path: "./x", "/x", "../x", "x.tar", "dir/".
bool looks_like_path(std::string_view text) {
  return text.starts_with("/") || text.starts_with("./") || text.starts_with("../") ||
         text.ends_with("/") || text.ends_with(".tar");
}

}  // namespace

bool is_image_reference(const std::string& text) {
  if (text.empty() || has_file_transport(text) || exists_on_disk(text)) return false;
  for (std::string_view prefix : {"docker://", "docker-daemon:", "podman:"}) {
    if (text.starts_with(prefix)) return true;
  }
  return !looks_like_path(text) && ImageReference::parse(text).has_value();
}

Result<std::unique_ptr<ImageSource>> open_reference(const std::string& text,
                                                    const RemoteOptions& options) {
  if (!is_image_reference(text)) return open_image_source(text, options.source);
  constexpr std::array<std::pair<std::string_view, DaemonKind>, 2> daemons{
      {{"docker-daemon:", DaemonKind::kDocker}, {"podman:", DaemonKind::kPodman}}};
  for (auto [prefix, kind] : daemons) {
    if (text.starts_with(prefix)) {
      return open_daemon_source(kind, text.substr(prefix.size()), options);
    }
  }
  std::string_view name = text;
  if (name.starts_with("docker://")) name.remove_prefix(9);
  auto reference = ImageReference::parse(name);
  if (!reference) return fail(reference.error());
  auto source = open_registry_source(*reference, options);
  // "app.oci" may be a mistyped directory rather than docker.io/library/app.oci: say both.
  if (!source && name.size() == text.size() && name.find('/') == std::string_view::npos) {
    return fail(source.error().message + " (and no file or directory named " + text + " exists)");
  }
  return source;
}

Result<Digest> resolve_manifest_digest(const std::string& text, const RemoteOptions& options) {
  bool daemon = text.starts_with("docker-daemon:") || text.starts_with("podman:");
  if (!is_image_reference(text) || daemon) return fail(text + ": not a registry reference");
  std::string_view name = text;
  if (name.starts_with("docker://")) name.remove_prefix(9);
  auto reference = ImageReference::parse(name);
  if (!reference) return fail(reference.error());
  return resolve_registry_manifest(*reference, options);
}

}  // namespace strata
