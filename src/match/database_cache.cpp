#include "database_cache.hpp"

#include <cstdlib>
#include <filesystem>

#include "strata/core/cache_dir.hpp"
#include "strata/core/digest.hpp"

namespace strata::match_detail {

namespace {

constexpr std::string_view kMagic = "STRATA-HSDB3\n";

// Payload: the widths and the head widths (each a little-endian u32 count, then that many
// u32), the stream database's size (u64) and bytes, then the vendor database's bytes (none
// when there is no vendor database).
void put_le(std::string& out, uint64_t v, size_t bytes) {
  for (size_t i = 0; i < bytes; ++i) out.push_back(static_cast<char>(v >> (8 * i) & 0xff));
}
uint64_t get_le(std::string_view& in, size_t bytes) {
  uint64_t v = 0;
  for (size_t i = 0; i < bytes; ++i)
    v |= static_cast<uint64_t>(static_cast<unsigned char>(in[i])) << (8 * i);
  in.remove_prefix(bytes);
  return v;
}

void put_widths(std::string& out, const std::vector<uint32_t>& widths) {
  put_le(out, widths.size(), 4);
  for (uint32_t w : widths) put_le(out, w, 4);
}
std::optional<std::vector<uint32_t>> get_widths(std::string_view& in) {
  if (in.size() < 4) return std::nullopt;
  uint64_t count = get_le(in, 4);
  if (in.size() < 4 * count) return std::nullopt;
  std::vector<uint32_t> widths;
  for (uint64_t i = 0; i < count; ++i) widths.push_back(static_cast<uint32_t>(get_le(in, 4)));
  return widths;
}

bool put_database(std::string& out, const hs_database_t* db) {
  char* bytes = nullptr;
  size_t size = 0;
  if (hs_serialize_database(db, &bytes, &size) != HS_SUCCESS) return false;
  out.append(bytes, size);
  std::free(bytes);
  return true;
}
HsDatabasePtr get_database(std::string_view bytes) {
  hs_database_t* db = nullptr;
  if (hs_deserialize_database(bytes.data(), bytes.size(), &db) != HS_SUCCESS) return nullptr;
  return HsDatabasePtr(db);
}

// The CPU features Hyperscan compiles for are part of the key: a database built for AVX-512
// must not be loaded on a machine without it.
std::string entry_path(const std::string& dir, DatabaseTarget target,
                       const std::string& key_material) {
  hs_platform_info_t platform = target_platform(target);
  std::string key = std::string(hs_version()) + "\n" + std::to_string(platform.tune) + "/" +
                    std::to_string(platform.cpu_features) + "\n" + key_material;
  return dir + "/hs-" + sha256_of(key).hex.substr(0, 32) + ".db";
}

std::optional<CachedDatabase> load_entry(const std::string& path) {
  std::optional<std::string> file = read_cache_file(path, kMagic);
  if (!file) return std::nullopt;
  std::string_view payload = *file;
  auto widths = get_widths(payload);
  auto head_widths = widths ? get_widths(payload) : std::nullopt;
  if (!head_widths || payload.size() < 8) return std::nullopt;
  uint64_t size = get_le(payload, 8);
  if (payload.size() < size) return std::nullopt;
  CachedDatabase entry;
  entry.widths = std::move(*widths);
  entry.head_widths = std::move(*head_widths);
  entry.database = get_database(payload.substr(0, size));
  if (!entry.database) return std::nullopt;
  if (payload.size() > size) {
    entry.vendors = get_database(payload.substr(size));
    if (!entry.vendors) return std::nullopt;
  }
  return entry;
}

void store_entry(const std::string& path, const CachedDatabase& entry) {
  if (!entry.database) return;
  std::string database;
  if (!put_database(database, entry.database.get())) return;
  std::string payload;
  put_widths(payload, entry.widths);
  put_widths(payload, entry.head_widths);
  put_le(payload, database.size(), 8);
  payload += database;
  if (entry.vendors && !put_database(payload, entry.vendors.get())) return;
  write_cache_file(path, kMagic, payload);
}

}  // namespace

hs_platform_info_t target_platform(DatabaseTarget target) {
  hs_platform_info_t platform{};
  if (target == DatabaseTarget::kHost) {
    hs_populate_platform(&platform);
  } else {
    platform.tune = HS_TUNE_FAMILY_GENERIC;
    platform.cpu_features = 0;  // SSSE3, which Hyperscan requires of every x86-64 host
  }
  return platform;
}

DatabaseCache::DatabaseCache(const std::string& key_material) {
  if (std::string dir = cache_dir(); !dir.empty()) {
    path_ = entry_path(dir, DatabaseTarget::kHost, key_material);
  }
  if (std::string dir = shipped_cache_dir(); !dir.empty()) {
    shipped_path_ = entry_path(dir, DatabaseTarget::kBaseline, key_material);
  }
}

std::optional<CachedDatabase> DatabaseCache::load() const {
  if (!path_.empty()) {
    if (auto entry = load_entry(path_)) return entry;
  }
  if (!shipped_path_.empty()) return load_entry(shipped_path_);
  return std::nullopt;
}

void DatabaseCache::store(const CachedDatabase& entry) const {
  if (!path_.empty()) store_entry(path_, entry);
}

std::string DatabaseCache::baseline_path(const std::string& dir, const std::string& key_material) {
  return entry_path(dir, DatabaseTarget::kBaseline, key_material);
}

void DatabaseCache::store_baseline(const std::string& dir, const std::string& key_material,
                                   const CachedDatabase& entry) {
  std::string path = baseline_path(dir, key_material);
  store_entry(path, entry);
  std::error_code ignored;  // the file may not exist: the caller checks
  // Shipped files are read by whoever runs the binary (a container's non-root user, say),
  // while cache files are the user's own.
  std::filesystem::permissions(path, std::filesystem::perms(0644),
                               std::filesystem::perm_options::replace, ignored);
}

}  // namespace strata::match_detail
