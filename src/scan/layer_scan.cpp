#include "layer_scan.hpp"

#include "strata/image/image_source.hpp"

namespace strata {

namespace {

// Streams each regular file through the scanner and keeps its confirmed matches.
class ScanningVisitor final : public EntryVisitor {
 public:
  ScanningVisitor(FileScanner& scanner, std::vector<FileMatch>& out,
                  std::vector<std::string>& skipped)
      : scanner_(scanner), out_(out), skipped_(skipped) {}

  Control on_entry(const EntryInfo& entry) override {
    scanning_ = entry.type == EntryType::kFile;
    if (scanning_) {
      path_ = entry.path;
      scanner_.begin();
    }
    return Control::kContinue;
  }

  Control on_data(std::string_view chunk) override {
    if (scanning_) scanner_.feed(chunk);
    return Control::kContinue;
  }

  void on_entry_end() override {
    if (!scanning_) return;
    scanning_ = false;
    for (SecretMatch& m : scanner_.finish()) out_.push_back(FileMatch{path_, std::move(m)});
    if (uint64_t dropped = scanner_.dropped_matches()) {
      skipped_.push_back(path_ + ": " + std::to_string(dropped) +
                         " matches over the per-file limit");
    }
  }

  // A walk that failed mid-file still reports what that file had so far.
  void flush() { on_entry_end(); }

 private:
  FileScanner& scanner_;
  std::vector<FileMatch>& out_;
  std::vector<std::string>& skipped_;
  std::string path_;
  bool scanning_ = false;
};

}  // namespace

LayerScanResult scan_layer(ImageSource& source, const BlobDescriptor& blob, FileScanner& scanner,
                           const ScanLimits& limits, const Digest* diff_id) {
  LayerScanResult result;
  ScanningVisitor visitor(scanner, result.matches, result.stats.skipped);
  Result<WalkStats> walked;
  if (blob.media_type == kDirectoryLayerMediaType) {
    auto it = blob.annotations.find("path");
    std::string root = it == blob.annotations.end() ? "" : it->second;
    walked = walk_directory(root, visitor, result.changes, limits);
  } else {
    auto stream = source.open_blob(blob);
    if (!stream) {
      result.error = stream.error().message;
      return result;
    }
    walked = walk_layer(std::move(*stream), visitor, result.changes, limits, diff_id);
  }
  visitor.flush();
  if (walked) {
    std::vector<std::string> skipped = std::move(result.stats.skipped);
    result.stats = std::move(*walked);
    result.stats.skipped.insert(result.stats.skipped.end(), skipped.begin(), skipped.end());
  } else {
    result.error = walked.error().message;
  }
  return result;
}

Result<std::string> read_json_layer(ImageSource& source, const BlobDescriptor& blob,
                                    const ScanLimits& limits) {
  auto stream = source.open_blob(blob);
  if (!stream) return fail(stream.error());
  return read_all(**stream, limits.max_json_bytes);
}

}  // namespace strata
