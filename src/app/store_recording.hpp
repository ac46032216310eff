// `strata scan … --db FILE`: the scan's images and findings recorded into the findings store
// (include/strata/store/store.hpp) as one sweep, so `strata query` can answer from them.
#pragma once

#include <string>
#include <vector>

#include "strata/core/result.hpp"
#include "strata/findings/scan_report.hpp"
#include "strata/image/image.hpp"
#include "strata/store/store.hpp"

namespace strata::app {

// How a scanned image is named in the store: the registry, repository and tag of a registry
// reference; for files and daemons, registry "" (or "docker-daemon" / "podman") and the
// image's own name and tag. The manifest digest, or for a legacy archive without one the
// config digest, identifies it.
ImageRecord image_record(const std::string& target, const Image& image);

// When the image was created: its config's "created" (RFC 3339), or "" when it records none.
std::string image_created(const Image& image);

// Records every image of the scan (attestations aside) with its findings (only the locations
// in that image) into sweep `sweep_id`, adding to `counts`. History commands are stored with the
// scan's secrets redacted unless `store_secrets`.
Status record_images(Store& store, int64_t sweep_id, const std::string& target,
                     const std::vector<Image>& images, const ScanReport& report, bool store_secrets,
                     SweepCounts& counts);

// The same as one sweep of `target` (strata scan --db).
Status record_scan(Store& store, const std::string& target, const std::vector<Image>& images,
                   const ScanReport& report, bool store_secrets);

}  // namespace strata::app
