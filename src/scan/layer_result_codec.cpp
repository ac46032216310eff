#include "layer_result_codec.hpp"

#include "strata/core/byte_codec.hpp"

namespace strata {

namespace {

// Change with any change of the layout below: older payloads then read as absent, and the
// layer is scanned again.
constexpr std::string_view kMagic = "strata-layer-result-1";

void put_match(std::string& out, const FileMatch& m, const RuleSet& rules) {
  put_str(out, m.path);
  put_str(out, rules.rules[m.match.rule_index].id);
  put_str(out, m.match.secret);
  for (uint64_t v : {m.match.match_start, m.match.match_end, m.match.secret_start,
                     m.match.secret_end, m.match.line, m.match.column}) {
    put_u64(out, v);
  }
  put_f64(out, m.match.entropy);
  put_u8(out, static_cast<uint8_t>(m.match.checksum));
  put_u8(out, m.match.allowed_by.has_value());
  put_u64(out, m.match.allowed_by.value_or(0));
  put_u8(out, m.match.below_entropy_floor);
}

std::optional<FileMatch> read_match(ByteReader& in, const RuleSet& rules) {
  FileMatch m;
  m.path = in.str();
  const Rule* rule = rules.find(in.str());
  if (!rule) return std::nullopt;
  m.match.rule_index = static_cast<size_t>(rule - rules.rules.data());
  m.match.secret = in.str();
  for (uint64_t* v : {&m.match.match_start, &m.match.match_end, &m.match.secret_start,
                      &m.match.secret_end, &m.match.line, &m.match.column}) {
    *v = in.u64();
  }
  m.match.entropy = in.f64();
  m.match.checksum = in.enumerator(ValidationState::kInvalid);
  bool allowed = in.boolean();
  uint64_t allowed_by = in.u64();
  if (allowed) m.match.allowed_by = allowed_by;
  if (allowed && allowed_by >= rule->allow.size()) return std::nullopt;
  m.match.below_entropy_floor = in.boolean();
  return m;
}

void put_builtin(std::string& out, const BuiltinHit& hit) {
  put_str(out, hit.path);
  put_str(out, hit.rule_id);
  put_str(out, hit.secret);
  put_u8(out, hit.secret_is_path);
  for (uint64_t v : {hit.offset, hit.line, hit.column}) put_u64(out, v);
}

BuiltinHit read_builtin(ByteReader& in) {
  BuiltinHit hit;
  hit.path = in.str();
  hit.rule_id = in.str();
  hit.secret = in.str();
  hit.secret_is_path = in.boolean();
  for (uint64_t* v : {&hit.offset, &hit.line, &hit.column}) *v = in.u64();
  return hit;
}

void put_keys(std::string& out, const std::unordered_set<uint64_t>& keys) {
  put_u64(out, keys.size());
  for (uint64_t k : keys) put_u64(out, k);
}

std::unordered_set<uint64_t> read_keys(ByteReader& in) {
  std::unordered_set<uint64_t> keys;
  for (uint64_t n = in.count(8); n > 0; --n) keys.insert(in.u64());
  return keys;
}

void put_footprint(std::string& out, const LayerFootprint& f) {
  put_u64(out, f.entries.size());
  for (const auto& [key, e] : f.entries) {
    put_u64(out, key);
    put_u8(out, static_cast<uint8_t>(e.type));
    put_u64(out, static_cast<uint64_t>(e.size));
    put_u64(out, e.content_hash);
  }
  put_keys(out, f.whiteouts);
  put_keys(out, f.opaque_dirs);
}

LayerFootprint read_footprint(ByteReader& in) {
  LayerFootprint f;
  uint64_t n = in.count(25);
  f.entries.reserve(n);
  for (; n > 0; --n) {
    uint64_t key = in.u64();
    LayerEntry e;
    e.type = in.enumerator(EntryType::kOther);
    e.size = static_cast<int64_t>(in.u64());
    e.content_hash = in.u64();
    f.entries.emplace(key, e);
  }
  f.whiteouts = read_keys(in);
  f.opaque_dirs = read_keys(in);
  return f;
}

void put_stats(std::string& out, const WalkStats& s) {
  for (uint64_t v : {s.entries, s.files, s.bytes_in, s.bytes_decoded, s.file_bytes,
                     s.nested_archives, s.nested_entries}) {
    put_u64(out, v);
  }
  put_list(out, s.skipped);
}

WalkStats read_stats(ByteReader& in) {
  WalkStats s;
  for (uint64_t* v : {&s.entries, &s.files, &s.bytes_in, &s.bytes_decoded, &s.file_bytes,
                      &s.nested_archives, &s.nested_entries}) {
    *v = in.u64();
  }
  s.skipped = in.list();
  return s;
}

}  // namespace

std::string encode_layer_result(const LayerScanResult& result, const RuleSet& rules) {
  std::string out;
  put_str(out, kMagic);
  put_u64(out, result.matches.size());
  for (const FileMatch& m : result.matches) put_match(out, m, rules);
  put_u64(out, result.builtin.size());
  for (const BuiltinHit& hit : result.builtin) put_builtin(out, hit);
  put_footprint(out, result.footprint);
  put_stats(out, result.stats);
  return out;
}

std::optional<LayerScanResult> decode_layer_result(std::string_view bytes, const RuleSet& rules) {
  ByteReader in{bytes};
  if (in.str() != kMagic) return std::nullopt;
  LayerScanResult result;
  for (uint64_t n = in.count(); n > 0 && in.ok; --n) {
    std::optional<FileMatch> m = read_match(in, rules);
    if (!m) return std::nullopt;
    result.matches.push_back(std::move(*m));
  }
  for (uint64_t n = in.count(); n > 0 && in.ok; --n) result.builtin.push_back(read_builtin(in));
  result.footprint = read_footprint(in);
  result.stats = read_stats(in);
  if (!in.ok || !in.in.empty()) return std::nullopt;
  return result;
}

}  // namespace strata
