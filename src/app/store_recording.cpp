#include "store_recording.hpp"

#include <optional>

#include "strata/core/secret_scrubber.hpp"
#include "strata/findings/secrets_to_hide.hpp"
#include "strata/remote/image_reference.hpp"
#include "strata/remote/open_reference.hpp"

namespace strata::app {
namespace {

// "team/app:1.4" -> ("team/app", "1.4"); a name without a tag keeps an empty tag. A ':' before
// the last '/' belongs to a registry port, not a tag.
std::pair<std::string, std::string> split_name_tag(const std::string& reference) {
  size_t colon = reference.rfind(':');
  size_t slash = reference.rfind('/');
  if (colon == std::string::npos || (slash != std::string::npos && colon < slash)) {
    return {reference, ""};
  }
  return {reference.substr(0, colon), reference.substr(colon + 1)};
}

// The daemon a target names ("docker-daemon:app:1" -> "docker-daemon"), or "".
std::string daemon_of(const std::string& target) {
  for (const char* prefix : {"docker-daemon", "podman"}) {
    if (target.starts_with(std::string(prefix) + ":")) return prefix;
  }
  return "";
}

// An archive's "team/app:1.4" names the image; an OCI layout's ref name ("latest", "1.4") is a
// tag of the layout itself; an image known only by digest is named by its file.
void name_from_image(const Image& image, ImageRecord& record) {
  bool named = !image.reference.empty() && !image.reference.starts_with("sha256:");
  bool bare_tag = named && image.reference.find_first_of(":/") == std::string::npos;
  auto [name, tag] = split_name_tag(named && !bare_tag ? image.reference : image.source);
  record.repository = name;
  record.tag = bare_tag ? image.reference : named ? tag : "";
}

// The findings with a location in `image`, only those locations kept, their history commands
// scrubbed of every secret the scan found (the store keeps raw values only when asked).
std::vector<Finding> findings_in(const Image& image, const std::vector<Finding>& findings,
                                 const SecretScrubber& scrubber) {
  std::vector<Finding> out;
  std::string platform = image.platform.str();
  for (const Finding& f : findings) {
    Finding mine = f;
    std::erase_if(mine.locations, [&](const Location& l) {
      return l.image != image.reference || l.platform != platform;
    });
    for (Location& l : mine.locations) l.created_by = scrubber.scrub(l.created_by);
    if (!mine.locations.empty()) out.push_back(std::move(mine));
  }
  return out;
}

}  // namespace

std::string image_created(const Image& image) {
  for (const ConfigString& s : image.config_strings) {
    if (s.location == "created") return s.text;
  }
  return "";
}

ImageRecord image_record(const std::string& target, const Image& image) {
  ImageRecord record;
  std::string daemon = daemon_of(target);
  // The same decision open_reference makes: a file transport or an existing path is a file.
  std::optional<ImageReference> ref;
  if (daemon.empty() && is_image_reference(target)) {
    auto parsed =
        ImageReference::parse(target.starts_with("docker://") ? target.substr(9) : target);
    if (parsed) ref = std::move(*parsed);
  }
  if (!daemon.empty()) {
    record.registry = daemon;
    name_from_image(image, record);
  } else if (ref) {
    record.registry = ref->registry;
    record.repository = ref->repository;
    record.tag = ref->digest ? "" : ref->tag;
  } else {
    name_from_image(image, record);
  }
  record.manifest_digest =
      !image.manifest_digest.empty() ? image.manifest_digest.str() : image.config_digest.str();
  record.platform = image.platform.str();
  record.created = image_created(image);
  record.config_digest = image.config_digest.empty() ? "" : image.config_digest.str();
  for (const LayerInfo& layer : image.layers)
    record.layer_digests.push_back(layer.blob.digest.str());
  return record;
}

Status record_images(Store& store, int64_t sweep_id, const std::string& target,
                     const std::vector<Image>& images, const ScanReport& report, bool store_secrets,
                     SweepCounts& counts) {
  SecretScrubber scrubber =
      store_secrets ? SecretScrubber() : SecretScrubber(secrets_to_hide(report.findings));
  for (const Image& image : images) {
    if (image.is_attestation) continue;
    ImageRecord record = image_record(target, image);
    if (record.manifest_digest.empty()) continue;  // a directory: no image to name
    std::vector<Finding> found = findings_in(image, report.findings, scrubber);
    auto id = store.record_image_with_findings(record, sweep_id, found);
    if (!id) return fail(id.error());
    ++counts.images;
    counts.findings += static_cast<int64_t>(found.size());
  }
  counts.layers += report.stats.layers;
  counts.layers_scanned += report.stats.layers - report.stats.layers_cached;
  counts.errors += static_cast<int64_t>(report.errors.size());
  return {};
}

Status record_scan(Store& store, const std::string& target, const std::vector<Image>& images,
                   const ScanReport& report, bool store_secrets) {
  auto sweep = store.begin_sweep(target);
  if (!sweep) return fail(sweep.error());
  SweepCounts counts;
  Status recorded = record_images(store, *sweep, target, images, report, store_secrets, counts);
  if (!recorded) return recorded;
  return store.end_sweep(*sweep, counts);
}

}  // namespace strata::app
