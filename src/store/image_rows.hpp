// The rows of one image (registry, repository, manifest, tag, image, layers), written inside the
// caller's transaction: Store::record_image and Store::record_image_with_findings share it.
#pragma once

#include "sql_session.hpp"
#include "strata/store/store_records.hpp"

namespace strata {

// Upserts the chain and gives the image's id. Needs an open transaction.
Result<int64_t> record_image_rows(SqlSession& sql, const ImageRecord& image);

}  // namespace strata
