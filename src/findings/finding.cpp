// pbkdf2_sha256 uses OpenSSL's SHA256_CTX functions, deprecated in OpenSSL 3 but present in
// every 3.x: their EVP replacement costs a context copy per HMAC, the cost avoided there.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "strata/findings/finding.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <initializer_list>
#include <map>
#include <random>
#include <tuple>

#include "strata/core/digest.hpp"
#include "strata/core/image_path.hpp"
#include "strata/core/parallel_for.hpp"
#include "strata/findings/fingerprint.hpp"
#include "strata/findings/fingerprint_cache.hpp"
#include "strata/image/history_step.hpp"

namespace strata {

const char* fate_name(FateKind kind) {
  switch (kind) {
    case FateKind::kPresent:
      return "present";
    case FateKind::kDeleted:
      return "deleted";
    case FateKind::kOverwritten:
      return "overwritten";
    case FateKind::kHiddenByOpaque:
      return "hidden-by-opaque-dir";
    case FateKind::kNotInFilesystem:
      return "not-in-filesystem";
  }
  return "unknown";
}

const char* location_kind_name(LocationKind kind) {
  switch (kind) {
    case LocationKind::kLayerFile:
      return "layer-file";
    case LocationKind::kConfig:
      return "config";
    case LocationKind::kAttestation:
      return "attestation";
  }
  return "unknown";
}

namespace {

// Short secrets (weak passwords such as "admin1") would fall to a dictionary pass over a
// plain hash, so they go through PBKDF2: every guess then costs as many HMACs as this. The salt
// is fixed because a fingerprint must be the same in every scan; the version in it and in the
// material lets a later derivation coexist.
constexpr int kShortSecretIterations = 1'000;  // ~0.1 ms: real trees hold hundreds
constexpr std::string_view kShortSecretSalt = "strata/fingerprint/pbkdf2-sha256/v2";

std::string hex(const unsigned char* bytes, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kDigits[bytes[i] >> 4]);
    out.push_back(kDigits[bytes[i] & 0xf]);
  }
  return out;
}

// PBKDF2-HMAC-SHA256 with one block of output, truncated to `out_size` (at most 32) bytes:
// what PKCS5_PBKDF2_HMAC(password, salt, iterations, EVP_sha256(), out_size) gives (the tests
// hold it to that), 2-3x faster. The HMAC's inner and outer states after the padded key are
// computed once and copied per HMAC (a plain struct copy), where OpenSSL's HMAC copies EVP
// contexts: 0.10 ms against 0.22-0.31 ms for 1,000 iterations here. Every intermediate value
// derives from the secret and is wiped.
void pbkdf2_sha256(std::string_view password, std::string_view salt, int iterations,
                   unsigned char* out, size_t out_size) {
  unsigned char key[SHA256_CBLOCK] = {};
  if (password.size() > sizeof key) {
    SHA256(reinterpret_cast<const unsigned char*>(password.data()), password.size(), key);
  } else {
    std::copy(password.begin(), password.end(), key);
  }
  unsigned char pad[SHA256_CBLOCK];
  SHA256_CTX inner, outer, ctx;
  for (size_t i = 0; i < sizeof pad; ++i) pad[i] = key[i] ^ 0x36;
  SHA256_Init(&inner);
  SHA256_Update(&inner, pad, sizeof pad);
  for (size_t i = 0; i < sizeof pad; ++i) pad[i] = key[i] ^ 0x5c;
  SHA256_Init(&outer);
  SHA256_Update(&outer, pad, sizeof pad);

  unsigned char u[SHA256_DIGEST_LENGTH], t[SHA256_DIGEST_LENGTH];
  // u = HMAC(password, message), the message given in parts (it may be u itself).
  auto hmac_into_u = [&](std::initializer_list<std::string_view> message) {
    ctx = inner;
    for (std::string_view part : message) SHA256_Update(&ctx, part.data(), part.size());
    SHA256_Final(u, &ctx);
    ctx = outer;
    SHA256_Update(&ctx, u, sizeof u);
    SHA256_Final(u, &ctx);
  };
  auto u_bytes = [&] { return std::string_view(reinterpret_cast<const char*>(u), sizeof u); };
  hmac_into_u({salt, std::string_view("\0\0\0\1", 4)});  // INT(1): one block of output
  std::copy(std::begin(u), std::end(u), t);
  for (int i = 1; i < iterations; ++i) {
    hmac_into_u({u_bytes()});
    for (size_t j = 0; j < sizeof t; ++j) t[j] ^= u[j];
  }
  std::copy_n(t, std::min(out_size, sizeof t), out);
  OPENSSL_cleanse(key, sizeof key);
  OPENSSL_cleanse(pad, sizeof pad);
  OPENSSL_cleanse(&inner, sizeof inner);
  OPENSSL_cleanse(&outer, sizeof outer);
  OPENSSL_cleanse(&ctx, sizeof ctx);
  OPENSSL_cleanse(u, sizeof u);
  OPENSSL_cleanse(t, sizeof t);
}

std::string fingerprint_material(std::string_view version, const std::string& rule_id,
                                 std::string_view secret) {
  std::string material(version);
  material.push_back('\0');
  material += rule_id;
  material.push_back('\0');
  material += secret;
  return material;
}

// A fingerprint no baseline or ignore entry holds: the finding counts as new.
std::string unmatched_fingerprint() {
  std::random_device random;
  std::string nonce = "strata/unmatched";
  for (int i = 0; i < 4; ++i) nonce += "/" + std::to_string(random());
  return sha256_of(nonce).hex.substr(0, 32);
}

}  // namespace

std::string finding_fingerprint(const std::string& rule_id, const SecretValue& secret) {
  std::string_view value = secret.reveal();
  if (value.size() >= kShortSecretBytes) {
    return sha256_of(fingerprint_material("strata/v1", rule_id, value)).hex.substr(0, 32);
  }
  std::string material = fingerprint_material("strata/v2", rule_id, value);
  unsigned char out[kFingerprintHexDigits / 2];
  pbkdf2_sha256(material, kShortSecretSalt, kShortSecretIterations, out, sizeof out);
  OPENSSL_cleanse(material.data(), material.size());
  return hex(out, sizeof out);
}

namespace {

// A history step as it would be recorded again by a rebuild of the same Dockerfile: the
// build args' names without their values (a version or a token may differ per build), then
// the command.
std::string rebuild_stable_step(const std::string& created_by) {
  HistoryStep step = parse_history_step(created_by);
  std::string out = "args";
  for (const BuildArg& arg : step.build_args) out += " " + arg.name;
  out += "\n" + step.command;
  return out;
}

// Where a location is, in terms a rebuild keeps: never a layer index or digest, and for a
// history string its instruction rather than its step index (steps shift when the base image
// gains or loses layers). Other config strings keep their JSON path (config.Env[2],
// config.Labels.k), which a rebuild of the same Dockerfile on the same base reproduces.
std::string stable_place(const Location& l) {
  switch (l.kind) {
    case LocationKind::kLayerFile:
      return "path\n" + normalize_image_path(l.path);
    case LocationKind::kConfig:
    case LocationKind::kAttestation: {
      std::string_view where = l.config_location;
      // "attestation sha256:abcd….predicate.x" -> ".predicate.x": the blob digest changes with
      // every build.
      if (l.kind == LocationKind::kAttestation && where.starts_with("attestation ")) {
        auto dot = where.find_first_of(".[", 12);
        where = dot == std::string_view::npos ? std::string_view() : where.substr(dot);
      }
      if (l.history_step && !l.created_by.empty() && where.starts_with("history[")) {
        auto close = where.find(']');
        std::string field(close == std::string_view::npos ? std::string_view()
                                                          : where.substr(close + 1));
        return "history" + field + "\n" + rebuild_stable_step(l.created_by);
      }
      return "config\n" + std::string(where);
    }
  }
  return "";
}

auto location_key(const Location& l) {
  return std::tie(l.image, l.platform, l.kind, l.layer_index, l.path, l.line, l.column,
                  l.history_step, l.config_location, l.offset);
}

}  // namespace

void sort_locations(std::vector<Location>& locations) {
  std::sort(locations.begin(), locations.end(),
            [](const Location& a, const Location& b) { return location_key(a) < location_key(b); });
}

namespace {

std::string location_fingerprint(const std::string& finding_fingerprint, const Location& l) {
  std::string material = "strata/location/v1";
  material.push_back('\0');
  material += finding_fingerprint;
  material.push_back('\0');
  material += location_kind_name(l.kind);
  material.push_back('\0');
  material += l.platform;
  material.push_back('\0');
  material += stable_place(l);
  return sha256_of(material).hex.substr(0, 32);
}

// PBKDF2 fingerprints of short secrets are slow (docs/triage.md): they run on every
// core, and past `max_slow` (an image made to hold thousands of distinct weak passwords) the
// rest get an unmatched fingerprint, so the scan still ends in bounded time and never falls
// back to a plain hash; those findings count as new in every run. Returns how many.
size_t fingerprint_all(const std::vector<Finding*>& pending, size_t max_slow,
                       const FingerprintCache* prepared) {
  std::vector<Finding*> slow;
  size_t real_slow = 0;  // short findings given their real fingerprint, prepared or not
  size_t unmatched = 0;
  for (Finding* f : pending) {
    if (f->secret.reveal().size() >= kShortSecretBytes) {
      f->fingerprint = finding_fingerprint(f->rule_id, f->secret);
    } else if (real_slow < max_slow) {
      ++real_slow;
      auto ready = prepared ? prepared->find(f->rule_id, f->secret.reveal()) : std::nullopt;
      if (ready) {
        f->fingerprint = std::move(*ready);
      } else {
        slow.push_back(f);
      }
    } else {
      f->fingerprint = unmatched_fingerprint();
      ++unmatched;
    }
  }
  // Two secrets per thread at least: starting a thread costs more than one PBKDF2 run.
  parallel_for(slow.size(), std::min(core_count(), (slow.size() + 1) / 2), [&](size_t i) {
    slow[i]->fingerprint = finding_fingerprint(slow[i]->rule_id, slow[i]->secret);
  });
  return unmatched;
}

}  // namespace

std::vector<Finding> merge_findings(std::vector<Finding> findings, MergeStats* stats,
                                    size_t max_slow_fingerprints,
                                    const FingerprintCache* prepared) {
  std::map<std::pair<std::string, std::string>, Finding> merged;
  for (Finding& f : findings) {
    auto key = std::make_pair(f.rule_id, f.secret.reveal());
    auto [it, inserted] = merged.try_emplace(key, std::move(f));
    if (!inserted) {
      // The worst of the matches counts: which one came first (layer order, thread timing)
      // must never change what the finding gates.
      for (Location& l : f.locations) it->second.locations.push_back(std::move(l));
      it->second.severity = std::max(it->second.severity, f.severity);
      it->second.confidence = std::max(it->second.confidence, f.confidence);
    }
  }
  std::vector<Finding*> pending;
  for (auto& [key, f] : merged) {
    if (f.fingerprint.empty()) pending.push_back(&f);
  }
  size_t unmatched = fingerprint_all(pending, max_slow_fingerprints, prepared);
  if (stats) stats->unmatched_fingerprints = unmatched;
  std::vector<Finding> out;
  out.reserve(merged.size());
  for (auto& [key, f] : merged) out.push_back(std::move(f));
  parallel_for(out.size(), core_count(), [&](size_t i) {
    Finding& f = out[i];
    sort_locations(f.locations);
    f.locations.erase(std::unique(f.locations.begin(), f.locations.end(),
                                  [](const Location& a, const Location& b) {
                                    return location_key(a) == location_key(b);
                                  }),
                      f.locations.end());
    for (Location& l : f.locations) l.fingerprint = location_fingerprint(f.fingerprint, l);
  });
  std::sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) {
    return std::make_tuple(b.severity, a.rule_id, a.fingerprint) <
           std::make_tuple(a.severity, b.rule_id, b.fingerprint);
  });
  return out;
}

}  // namespace strata
