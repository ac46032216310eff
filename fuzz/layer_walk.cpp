// Fuzzes walking one layer blob: compression sniffing, the gzip (ISA-L) and zstd decoders, the
// tar reader, the hand-over to libarchive, whiteouts, and nested archives (zip, tar, gz, zst)
// opened from file names, three levels deep. Limits are lowered so a bomb is stopped quickly.
#include <cstdint>
#include <memory>

#include "fuzz_input.hpp"
#include "strata/extract/layer_walker.hpp"

namespace {

// Reads every entry's bytes and opens every nested archive, as the scanner's visitor does.
class ReadEverything final : public strata::EntryVisitor {
 public:
  explicit ReadEverything(int depth) : depth_(depth) {}
  strata::Control on_entry(const strata::EntryInfo& entry) override {
    entries_ += entry.path.size();
    return strata::Control::kContinue;
  }
  strata::Control on_data(std::string_view chunk) override {
    if (!chunk.empty()) last_byte_ ^= static_cast<unsigned char>(chunk.back());
    return strata::Control::kContinue;
  }
  void on_entry_end() override {}
  strata::EntryVisitor* nested_visitor() override {
    if (depth_ >= 4) return nullptr;
    if (!inner_) inner_ = std::make_unique<ReadEverything>(depth_ + 1);
    return inner_.get();
  }

 private:
  int depth_;
  size_t entries_ = 0;
  unsigned char last_byte_ = 0;
  std::unique_ptr<ReadEverything> inner_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1 << 20)) return -1;
  strata::ScanLimits limits;
  limits.max_layer_bytes = 64 << 20;
  limits.max_nested_bytes = 16 << 20;
  limits.max_file_bytes = 16 << 20;
  auto blob = std::make_unique<strata::MemoryStream>(std::string(fuzz::as_text(data, size)));
  ReadEverything visitor(0);
  strata::LayerChanges changes;
  auto stats = strata::walk_layer(std::move(blob), visitor, changes, limits);
  (void)stats;
  return 0;
}
