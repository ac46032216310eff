// Streams one file's bytes to its visitor and, when the file is an archive the visitor wants
// opened (EntryVisitor::nested_visitor), walks the archive's entries while the bytes go by:
// each block is read once, shown to the file's own visitor and hash, then handed to the
// nested reader. See "Nested archives" in include/strata/extract/layer_walker.hpp.
#pragma once

#include "block_source.hpp"
#include "file_data_feed.hpp"
#include "strata/core/limits.hpp"
#include "strata/extract/layer_walker.hpp"

namespace strata {

// Reads `data` to its end, feeding every block to `feed`. `depth`: how deep the file itself
// lies (0 for a layer's own files). Fails only when `data` fails (the caller's error to
// report); whatever goes wrong inside a nested archive, or a limit stops there, is recorded
// in stats.skipped, and the file is still read to its end.
[[nodiscard]] Status stream_file_data(BlockSource& data, const EntryInfo& info,
                                      EntryVisitor& visitor, bool visiting, FileDataFeed& feed,
                                      int depth, const ScanLimits& limits, WalkStats& stats);

}  // namespace strata
