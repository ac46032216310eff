// Layer: one layer of an image, as its source serves it. Sources (docker-archive, OCI layout,
// a rootfs tarball, an unpacked directory, and next a registry or a daemon) implement it; the
// scanner reads every layer through it and never asks where the bytes come from.
//
//   const Layer& layer = *image.layers[0].layer;
//   layer.descriptor();                     // digest, size, media type (what the image records)
//   auto blob = layer.compressed();         // the stored bytes, digest- and size-checked
//   auto tar = open_uncompressed(layer);    // extract/layer_walker.hpp: decoded by magic bytes
//   if (auto root = layer.unpacked_root())  // files already on this machine: walk in place
//
// The uncompressed stream is the compressed one decoded; decoding is decided by magic bytes
// (real tools mislabel media types), and the decoders live in `extract`, so it is a function
// there rather than a member here.
//
// Thread safety: a Layer is immutable; compressed() may be called from several threads at
// once, and each returned stream belongs to the thread that reads it.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "strata/core/byte_stream.hpp"
#include "strata/image/image.hpp"

namespace strata {

class Layer {
 public:
  explicit Layer(BlobDescriptor descriptor) : descriptor_(std::move(descriptor)) {}
  virtual ~Layer() = default;
  Layer(const Layer&) = delete;
  Layer& operator=(const Layer&) = delete;

  // What the image records for the layer. The digest is empty for an unpacked directory.
  const BlobDescriptor& descriptor() const { return descriptor_; }

  // The stored bytes, checked as they stream against the descriptor's digest and size: the
  // stream's last read() fails on a mismatch, naming both values.
  [[nodiscard]] virtual Result<std::unique_ptr<ByteStream>> compressed() const = 0;

  // The layer's files when they are already unpacked on this machine (a rootfs directory):
  // walked in place rather than as a tar stream. Such a layer has no blob: compressed() fails.
  virtual std::optional<std::string> unpacked_root() const { return std::nullopt; }

  // Why the layer's bytes cannot be read here, when its image says they live elsewhere (a
  // foreign, non-distributable layer its registry or layout does not serve): the scan lists
  // the layer as skipped with this reason instead of failing.
  virtual std::optional<std::string> not_served() const { return std::nullopt; }

  // Names the layer's content: equal keys, equal content (the digest; an unpacked directory's
  // root path). Layers shared by several images of a source are scanned once by key.
  std::string key() const;

  // "sha256:9f2c1a2b3c4d" or the directory, for people.
  std::string short_name() const;

 private:
  BlobDescriptor descriptor_;
};

}  // namespace strata
