#include "rule_cache.hpp"

#include <bit>
#include <cstdint>
#include <filesystem>

#include "strata/core/byte_codec.hpp"
#include "strata/core/cache_dir.hpp"
#include "strata/core/digest.hpp"

namespace strata::rules_detail {

namespace {

constexpr std::string_view kMagic = "STRATA-RULES1\n";
// Part of every key: change it whenever the serialized layout below changes.
constexpr std::string_view kFormat = "strata-rules-cache-1";
// Also part of every key: any rebuild of this file (as after a change to rule.hpp, which it
// includes) gives new keys, so entries written by an older build, perhaps with another layout
// of Rule, are never read. The parser passes its own build time for the same reason.
constexpr std::string_view kBuild = __DATE__ " " __TIME__;

}  // namespace

std::string serialize_rules(const RuleSet& set) {
  std::string out;
  put_u64(out, set.rules.size());
  for (const Rule& r : set.rules) {  // every field, in declaration order
    put_str(out, r.id);
    put_str(out, r.name);
    put_str(out, r.description);
    put_str(out, r.pattern);
    put_str(out, r.prefilter);
    put_str(out, r.secret_group);
    put_u64(out, std::bit_cast<uint64_t>(r.min_entropy));
    put_u8(out, static_cast<uint8_t>(r.severity));
    put_u8(out, static_cast<uint8_t>(r.confidence));
    put_u8(out, r.generic);
    put_u8(out, r.builtin);
    put_u8(out, r.case_insensitive);
    put_u8(out, static_cast<uint8_t>(r.checksum));
    put_list(out, r.expect);
    put_list(out, r.categories);
    put_list(out, r.references);
    put_list(out, r.allow);
    put_u64(out, r.examples.size());
    for (const RuleExample& e : r.examples) {
      put_str(out, e.text);
      put_u8(out, e.secret.has_value());
      if (e.secret) put_str(out, *e.secret);
    }
    put_list(out, r.negative_examples);
    put_str(out, r.source_file);
  }
  return out;
}

std::optional<RuleSet> deserialize_rules(std::string_view bytes) {
  ByteReader in{bytes};
  RuleSet set;
  set.rules.resize(in.count());
  for (Rule& r : set.rules) {
    r.id = in.str();
    r.name = in.str();
    r.description = in.str();
    r.pattern = in.str();
    r.prefilter = in.str();
    r.secret_group = in.str();
    r.min_entropy = std::bit_cast<double>(in.u64());
    r.severity = in.enumerator(Severity::kCritical);
    r.confidence = in.enumerator(Confidence::kHigh);
    r.generic = in.boolean();
    r.builtin = in.boolean();
    r.case_insensitive = in.boolean();
    r.checksum = in.enumerator(ChecksumKind::kBase64Json);
    r.expect = in.list();
    r.categories = in.list();
    r.references = in.list();
    r.allow = in.list();
    r.examples.resize(in.count());
    for (RuleExample& e : r.examples) {
      e.text = in.str();
      if (in.boolean()) e.secret = in.str();
    }
    r.negative_examples = in.list();
    r.source_file = in.str();
    if (!in.ok) return std::nullopt;
  }
  if (!in.ok || !in.in.empty()) return std::nullopt;  // trailing bytes: not what we wrote
  return set;
}

RuleCache::RuleCache(const std::vector<FileBytes>& files, std::string_view parser_build) {
  std::string dir = cache_dir();
  std::string shipped = shipped_cache_dir();
  if (dir.empty() && shipped.empty()) return;
  Sha256 hash;
  std::string prefix;
  put_str(prefix, kFormat);
  put_str(prefix, kBuild);
  put_str(prefix, parser_build);
  put_u64(prefix, sizeof(Rule));
  put_u64(prefix, files.size());
  hash.update(prefix);
  for (const auto& [path, bytes] : files) {
    std::string sizes;
    put_str(sizes, path);
    put_u64(sizes, bytes.size());
    hash.update(sizes);
    hash.update(bytes);
  }
  key_ = hash.finish().hex;
  if (!dir.empty()) path_ = entry_path(dir);
  if (!shipped.empty()) shipped_path_ = entry_path(shipped);
}

std::string RuleCache::entry_path(const std::string& dir) const {
  return dir + "/rules-" + key_.substr(0, 32) + ".bin";
}

std::optional<RuleSet> RuleCache::load_from(const std::string& path) const {
  if (path.empty()) return std::nullopt;
  // The payload starts with the full key: the file name holds only half of it.
  std::optional<std::string> payload = read_cache_file(path, kMagic);
  if (!payload || !payload->starts_with(key_)) return std::nullopt;
  return deserialize_rules(std::string_view(*payload).substr(key_.size()));
}

std::optional<RuleSet> RuleCache::load() const {
  if (auto set = load_from(path_)) return set;
  return load_from(shipped_path_);
}

void RuleCache::store(const RuleSet& set) const {
  if (path_.empty()) return;
  write_cache_file(path_, kMagic, key_ + serialize_rules(set));
}

void RuleCache::store_shipped(const RuleSet& set, const std::string& dir) const {
  if (key_.empty()) return;
  std::string path = entry_path(dir);
  write_cache_file(path, kMagic, key_ + serialize_rules(set));
  std::error_code ignored;  // read by whoever runs the binary, as the shipped database is
  std::filesystem::permissions(path, std::filesystem::perms(0644),
                               std::filesystem::perm_options::replace, ignored);
}

}  // namespace strata::rules_detail
