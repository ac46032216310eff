#include "strata/remote/registry_auth.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <unordered_map>

#include "quoted.hpp"
#include "token_fetch.hpp"

namespace strata {
namespace {

using Clock = std::chrono::steady_clock;

enum class Scheme { kNone, kBasic, kBearer };

// A token younger than this that the registry refuses was not refused for its age: fetching
// another would only loop. (Capped at half the token's lifetime for very short tokens.)
constexpr std::chrono::milliseconds kFreshTokenAge{1000};
// A token is renewed before it runs out: 10% of its lifetime early, at most 10 s.
constexpr std::chrono::milliseconds kMaxRenewMargin{10000};

struct ScopeSlot {
  std::mutex fetching;  // one token fetch at a time per scope
  // The rest is guarded by State::mutex.
  std::string token;
  uint64_t generation = 0;  // counts the tokens fetched for this scope
  Clock::time_point fetched_at;
  Clock::time_point renew_at;
  std::chrono::milliseconds lifetime{0};
};

// What this thread last sent through a RegistryAuth (keyed by its id): the client calls
// header_for and then, on a 401, on_unauthorized on the same thread, so a 401 can be matched
// to the token it refused — and a thread that sent an older token than the current one just
// retries, instead of fetching yet another.
struct Sent {
  Scheme scheme = Scheme::kNone;
  std::string scope;
  uint64_t generation = 0;
};
thread_local std::unordered_map<uint64_t, Sent> t_sent;
std::atomic<uint64_t> g_next_id{1};

const Credentials* pointer_to(const std::optional<Credentials>& credentials) {
  return credentials ? &*credentials : nullptr;
}

}  // namespace

struct RegistryAuth::State {
  std::mutex mutex;
  const uint64_t id = g_next_id++;
  Scheme scheme = Scheme::kNone;  // learned from the registry's challenges
  std::string realm;
  std::string service;
  std::string scope;
  std::map<std::string, ScopeSlot> slots;  // never erased: pointers to slots stay valid

  ScopeSlot& slot(const std::string& s) { return slots[s]; }  // with mutex held
  bool usable(const ScopeSlot& slot) const {
    return !slot.token.empty() && Clock::now() < slot.renew_at;
  }
  std::string bearer_header(const ScopeSlot& slot, const std::string& s) {  // with mutex held
    t_sent[id] = Sent{Scheme::kBearer, s, slot.generation};
    return "Bearer " + slot.token;
  }
};

RegistryAuth::RegistryAuth(net::HttpClient& http, std::string registry,
                           std::optional<Credentials> credentials)
    : http_(http),
      registry_(std::move(registry)),
      credentials_(std::move(credentials)),
      state_(std::make_unique<State>()) {}

// Other threads' bookkeeping for this object stays behind: a few bytes per thread, never read
// again (ids are not reused).
RegistryAuth::~RegistryAuth() { t_sent.erase(state_->id); }

void RegistryAuth::set_scope(std::string scope) {
  std::lock_guard lock(state_->mutex);
  state_->scope = std::move(scope);
}

Result<std::string> RegistryAuth::header_for(const std::string& /*url*/) {
  std::unique_lock lock(state_->mutex);
  auto& sent = t_sent[state_->id];
  switch (state_->scheme) {
    case Scheme::kNone:
      sent = Sent{};
      return std::string();
    case Scheme::kBasic:
      sent = Sent{Scheme::kBasic, "", 0};
      return basic_header(pointer_to(credentials_));
    case Scheme::kBearer:
      break;
  }
  std::string scope = state_->scope;
  ScopeSlot& slot = state_->slot(scope);
  if (state_->usable(slot)) return state_->bearer_header(slot, scope);
  uint64_t seen = slot.generation;
  lock.unlock();
  return renew_token(scope, seen);
}

// A token for `scope`, fetched unless another thread fetched a newer one than generation
// `seen` while this one waited its turn.
Result<std::string> RegistryAuth::renew_token(const std::string& scope, uint64_t seen) {
  std::unique_lock lock(state_->mutex);
  ScopeSlot& slot = state_->slot(scope);
  TokenRequest request{registry_, state_->realm, state_->service, scope, pointer_to(credentials_)};
  lock.unlock();
  std::lock_guard fetch_turn(slot.fetching);
  lock.lock();
  if (slot.generation != seen && state_->usable(slot)) return state_->bearer_header(slot, scope);
  lock.unlock();
  auto started = Clock::now();
  auto token = fetch_token(http_, request);
  if (!token) return fail(token.error());
  std::chrono::milliseconds lifetime = token->expires_in;
  lock.lock();
  slot.token = std::move(token->value);
  slot.generation++;
  slot.fetched_at = started;
  slot.lifetime = lifetime;
  slot.renew_at = started + lifetime - std::min(kMaxRenewMargin, lifetime / 10);
  return state_->bearer_header(slot, scope);
}

Result<bool> RegistryAuth::on_unauthorized(const std::string& /*url*/,
                                           const net::HttpResponse& response) {
  std::vector<AuthChallenge> challenges;
  for (const auto& header : response.all("www-authenticate")) {
    auto parsed = parse_www_authenticate(header);
    challenges.insert(challenges.end(), parsed.begin(), parsed.end());
  }
  auto with_scheme = [&](std::string_view scheme) {
    return std::find_if(challenges.begin(), challenges.end(),
                        [&](const AuthChallenge& c) { return c.scheme == scheme; });
  };
  if (auto bearer = with_scheme("bearer"); bearer != challenges.end()) return on_bearer(*bearer);
  if (auto basic = with_scheme("basic"); basic != challenges.end()) return on_basic(*basic);
  if (!challenges.empty()) {
    return fail("registry " + registry_ + ": unsupported authentication scheme " +
                quoted(challenges.front().scheme, 40));
  }
  return false;  // a 401 without a challenge: nothing to answer it with
}

Result<bool> RegistryAuth::on_basic(const AuthChallenge& challenge) {
  const Credentials* creds = pointer_to(credentials_);
  std::string realm = quoted(challenge.param("realm").value_or(""), 100);
  if (basic_header(creds).empty()) {
    return fail(
        "registry " + registry_ +
        " answered 401: it asks for a username and password (Basic realm " + realm + ") and " +
        (creds ? "the credentials from " + creds->origin + " have none" : "none were given"));
  }
  std::lock_guard lock(state_->mutex);
  state_->scheme = Scheme::kBasic;
  if (t_sent[state_->id].scheme == Scheme::kBasic) {
    return fail("registry " + registry_ + " refused the credentials from " + creds->origin +
                " (401, Basic realm " + realm + ")");
  }
  return true;
}

Result<bool> RegistryAuth::on_bearer(const AuthChallenge& challenge) {
  auto realm = challenge.param("realm");
  if (!realm || realm->empty()) {
    return fail("registry " + registry_ + ": Bearer challenge without a realm");
  }
  std::unique_lock lock(state_->mutex);
  state_->scheme = Scheme::kBearer;
  state_->realm = *realm;
  state_->service = challenge.param("service").value_or("");
  if (auto scope = challenge.param("scope"); scope && !scope->empty()) state_->scope = *scope;
  std::string scope = state_->scope;
  ScopeSlot& slot = state_->slot(scope);
  const Sent sent = t_sent[state_->id];
  bool refused = sent.scheme == Scheme::kBearer && sent.scope == scope &&
                 sent.generation == slot.generation && !slot.token.empty();
  if (!refused && state_->usable(slot)) return true;  // a newer token than the one refused
  if (refused && Clock::now() - slot.fetched_at < std::min(kFreshTokenAge, slot.lifetime / 2)) {
    const Credentials* creds = pointer_to(credentials_);
    return fail("registry " + registry_ + " answered 401 to a token just issued for " +
                (scope.empty() ? "the registry" : scope) + " by " + net::url_for_messages(*realm) +
                " (" + credentials_note(creds) + "): no access, or the repository does not exist");
  }
  uint64_t seen = slot.generation;
  lock.unlock();
  auto header = renew_token(scope, seen);
  if (!header) return fail(header.error());
  return true;
}

}  // namespace strata
