#include "database_cache.hpp"

#include <cstdlib>

#include "strata/core/cache_dir.hpp"
#include "strata/core/digest.hpp"

namespace strata::match_detail {

namespace {

constexpr std::string_view kMagic = "STRATA-HSDB2\n";

// Payload: a little-endian u32 count, that many u32 widths, then the serialized database.
void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(v >> (8 * i) & 0xff));
}
uint32_t get_u32(std::string_view in) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i)
    v |= static_cast<uint32_t>(static_cast<unsigned char>(in[i])) << (8 * i);
  return v;
}

// The CPU features Hyperscan compiles for: a database built for AVX-512 must not be loaded
// on a machine without it.
std::string platform_key() {
  hs_platform_info_t platform{};
  hs_populate_platform(&platform);
  return std::to_string(platform.tune) + "/" + std::to_string(platform.cpu_features);
}

}  // namespace

DatabaseCache::DatabaseCache(const std::string& key_material) {
  std::string dir = cache_dir();
  if (dir.empty()) return;
  std::string key = std::string(hs_version()) + "\n" + platform_key() + "\n" + key_material;
  path_ = dir + "/hs-" + sha256_of(key).hex.substr(0, 32) + ".db";
}

std::optional<CachedDatabase> DatabaseCache::load() const {
  if (path_.empty()) return std::nullopt;
  std::optional<std::string> file = read_cache_file(path_, kMagic);
  if (!file) return std::nullopt;
  std::string_view payload = *file;
  if (payload.size() < 4) return std::nullopt;
  uint64_t count = get_u32(payload);
  if (payload.size() < 4 + 4 * count) return std::nullopt;
  CachedDatabase entry;
  for (uint64_t i = 0; i < count; ++i) entry.widths.push_back(get_u32(payload.substr(4 + 4 * i)));
  std::string_view bytes = payload.substr(4 + 4 * count);
  hs_database_t* db = nullptr;
  if (hs_deserialize_database(bytes.data(), bytes.size(), &db) != HS_SUCCESS) return std::nullopt;
  entry.database.reset(db);
  return entry;
}

void DatabaseCache::store(const CachedDatabase& entry) const {
  if (path_.empty() || !entry.database) return;
  char* bytes = nullptr;
  size_t size = 0;
  if (hs_serialize_database(entry.database.get(), &bytes, &size) != HS_SUCCESS) return;
  std::string payload;
  put_u32(payload, static_cast<uint32_t>(entry.widths.size()));
  for (uint32_t w : entry.widths) put_u32(payload, w);
  payload.append(bytes, size);
  std::free(bytes);
  write_cache_file(path_, kMagic, payload);
}

}  // namespace strata::match_detail
