// FileScanner: Hyperscan stream pass that records candidates, then a PCRE2 confirm of each
// candidate over the look-behind window. See match_engine.hpp for the contract.
#include <string.h>  // memrchr

#include <algorithm>
#include <optional>
#include <tuple>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "context_rules.hpp"
#include "match_engine_impl.hpp"
#include "match_resolver.hpp"
#include "scan_problems.hpp"
#include "scan_window.hpp"
#include "strata/core/limits.hpp"
#include "strata/match/match_engine.hpp"
#include "strata/match/rule_check.hpp"
#include "strata/match/secret_validator.hpp"

namespace strata {
namespace {

using namespace match_detail;

// Bytes before the earliest possible match start given to PCRE2, so \b sees its neighbour.
constexpr uint64_t kContextBytes = 16;
// Hyperscan is fed at most this much at once, which bounds the candidate list.
constexpr size_t kPieceBytes = 256 * 1024;
// Candidates past this (per piece) are counted as dropped matches, never stored.
constexpr size_t kMaxCandidates = 1 << 18;
// Below-entropy-floor matches kept per file (more are not reported, as before they were shown).
constexpr size_t kMaxFillerPerFile = 64;

struct Candidate {
  uint32_t rule = 0;
  uint64_t end = 0;
};

// Newlines in `s`. Line bookkeeping runs over every byte of a file that spans chunks, and
// std::count is not vectorized at -O2 (~1.4 GB/s here, as slow as the Hyperscan pass). Byte
// compares give 0xff (-1) per newline; subtracting them counts per byte lane, summed by
// _mm*_sad_epu8 before a lane can overflow (no popcount: without -mpopcnt it is a libgcc call).
// The build targets baseline x86-64 (SSE2); AVX2, where the CPU has it, takes 32 bytes a step.
#if defined(__x86_64__)
__attribute__((target("avx2"))) uint64_t count_newlines_avx2(std::string_view s, size_t& i) {
  uint64_t count = 0;
  const __m256i newline = _mm256_set1_epi8('\n');
  const __m256i zero = _mm256_setzero_si256();
  while (i + 32 <= s.size()) {
    __m256i lanes = zero;
    for (int round = 0; round < 255 && i + 32 <= s.size(); ++round, i += 32) {
      __m256i bytes = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s.data() + i));
      lanes = _mm256_sub_epi8(lanes, _mm256_cmpeq_epi8(bytes, newline));
    }
    __m256i sums = _mm256_sad_epu8(lanes, zero);
    count += static_cast<uint64_t>(_mm256_extract_epi64(sums, 0)) +
             static_cast<uint64_t>(_mm256_extract_epi64(sums, 1)) +
             static_cast<uint64_t>(_mm256_extract_epi64(sums, 2)) +
             static_cast<uint64_t>(_mm256_extract_epi64(sums, 3));
  }
  return count;
}
#endif

uint64_t count_newlines(std::string_view s) {
  uint64_t count = 0;
  size_t i = 0;
#if defined(__x86_64__)
  static const bool avx2 = __builtin_cpu_supports("avx2");
  if (avx2) count += count_newlines_avx2(s, i);
#endif
#if defined(__SSE2__)
  const __m128i newline = _mm_set1_epi8('\n');
  const __m128i zero = _mm_setzero_si128();
  while (i + 16 <= s.size()) {
    __m128i lanes = zero;
    for (int round = 0; round < 255 && i + 16 <= s.size(); ++round, i += 16) {
      __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
      lanes = _mm_sub_epi8(lanes, _mm_cmpeq_epi8(bytes, newline));
    }
    __m128i sums = _mm_sad_epu8(lanes, zero);
    count += static_cast<uint64_t>(_mm_cvtsi128_si32(sums)) +
             static_cast<uint64_t>(_mm_cvtsi128_si32(_mm_unpackhi_epi64(sums, sums)));
  }
#endif
  for (; i < s.size(); ++i) count += s[i] == '\n';
  return count;
}

// LineCursor::seek forwards (offset >= at.offset), with the fast count.
LinePosition advance(const ScanWindow& w, LinePosition at, uint64_t offset) {
  auto piece = [&](std::string_view bytes, uint64_t base) {
    at.newlines += count_newlines(bytes);
    if (const void* nl = memrchr(bytes.data(), '\n', bytes.size())) {
      at.last_newline = static_cast<int64_t>(base + (static_cast<const char*>(nl) - bytes.data()));
    }
  };
  uint64_t split = w.chunk_offset();
  if (at.offset < split) {
    uint64_t stop = std::min(offset, split);
    piece(w.tail.substr(at.offset - w.tail_offset, stop - at.offset), at.offset);
  }
  if (offset > split) {
    uint64_t start = std::max(at.offset, split);
    piece(w.chunk.substr(start - split, offset - start), start);
  }
  at.offset = offset;
  return at;
}

}  // namespace

struct FileScanner::State {
  explicit State(const MatchEngine::Impl& e) : engine(e) {
    for (const Rule& rule : e.rules.rules) generic.push_back(rule.generic);
    // Look-behind: the widest match, its context, and slack for Hyperscan's one-byte delay
    // in reporting a match whose trailing \b depends on the next byte.
    keep_bytes = e.max_window + 2 * kContextBytes;
    match_data.reset(pcre2_match_data_create(e.max_capture_count + 1, nullptr));
    match_context.reset(pcre2_match_context_create(nullptr));
    if (match_context) {
      pcre2_set_match_limit(match_context.get(), kPcre2MatchLimit);
      pcre2_set_depth_limit(match_context.get(), kPcre2DepthLimit);
    }
    open_stream();
  }

  // Allocates the scratch and the stream where they are missing. After a failure every file
  // tries again, so a scanner recovers once memory does; until then files go unscanned, and
  // setup_error says why.
  void open_stream() {
    if (!engine.database || stream) return;
    if (!scratch) {
      hs_scratch_t* s = nullptr;
      hs_error_t rc = hs_alloc_scratch(engine.database.get(), &s);
      if (rc != HS_SUCCESS) {
        setup_error =
            "Hyperscan could not allocate its scratch space (" + hyperscan_error_text(rc) + ")";
        return;
      }
      scratch.reset(s);
      // The same scratch serves the vendor database: it is only scanned between stream pieces.
      if (engine.context.vendors) {
        rc = hs_alloc_scratch(engine.context.vendors.get(), &s);
        scratch.release();
        scratch.reset(s);
        if (rc != HS_SUCCESS) {
          setup_error =
              "Hyperscan could not allocate its scratch space (" + hyperscan_error_text(rc) + ")";
          scratch.reset();
          return;
        }
      }
    }
    hs_stream_t* st = nullptr;
    hs_error_t rc = hs_open_stream(engine.database.get(), 0, &st);
    if (rc != HS_SUCCESS) {
      setup_error = "Hyperscan could not open a stream (" + hyperscan_error_text(rc) + ")";
      return;
    }
    stream.reset(st);
    setup_error.clear();
  }

  // hs_scan_stream failed on the piece at `offset`: the rest of the file goes unscanned.
  void stream_failed(hs_error_t rc, uint64_t offset) {
    stream_ok = false;
    problems.unscanned(offset, "Hyperscan stream scan failed (" + halt_reason(rc) + ")");
  }

  // on_match halts the scan when it cannot store a candidate; Hyperscan only says "terminated".
  std::string halt_reason(hs_error_t rc) {
    if (!candidates_lost) return hyperscan_error_text(rc);
    candidates_lost = false;
    return "out of memory storing match candidates";
  }

  static int on_match(unsigned id, unsigned long long /*from*/, unsigned long long to,
                      unsigned /*flags*/, void* context) noexcept {
    auto* self = static_cast<State*>(context);
    if (self->candidates.size() >= kMaxCandidates) {
      ++self->candidate_overflow;
      return 0;
    }
    try {
      self->candidates.push_back(Candidate{id, self->stream_base + to});
    } catch (...) {
      // Out of memory: halt this stream rather than throw through Hyperscan.
      self->candidates_lost = true;
      return 1;
    }
    return 0;
  }

  std::optional<SecretMatch> confirm(const Candidate& c, const ScanWindow& window) {
    const CompiledRule& rule = engine.compiled[c.rule];
    if (c.end > window.end() || c.end <= window.begin()) return std::nullopt;
    if (!match_data) {
      problems.unconfirmed(c.rule, PCRE2_ERROR_NOMEMORY, c.end);
      return std::nullopt;
    }
    uint64_t earliest = c.end - std::min<uint64_t>(rule.max_width, c.end - window.begin());
    uint64_t from = earliest - std::min<uint64_t>(kContextBytes, earliest - window.begin());
    std::string_view subject = window.slice(from, c.end, subject_scratch);
    rule.ensure_jit();
    uint32_t options = from > 0 ? PCRE2_NOTBOL : 0;
    int rc = pcre2_match(rule.confirm.get(), reinterpret_cast<PCRE2_SPTR>(subject.data()),
                         subject.size(), earliest - from, options, match_data.get(),
                         match_context.get());
    if (rc < 0) {
      if (rc != PCRE2_ERROR_NOMATCH) problems.unconfirmed(c.rule, rc, c.end);  // a limit hit
      return std::nullopt;
    }
    return matched(c.rule, from, subject);
  }

  // The SecretMatch of rule `index`'s PCRE2 match (in match_data) in `subject`, which starts
  // at file offset `from`; nothing when its secret group is empty.
  std::optional<SecretMatch> matched(uint32_t index, uint64_t from, std::string_view subject) {
    const CompiledRule& rule = engine.compiled[index];
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(match_data.get());
    size_t g = rule.secret_group;
    if (ov[2 * g] == PCRE2_UNSET || ov[2 * g + 1] <= ov[2 * g]) return std::nullopt;

    SecretMatch m;
    m.rule_index = index;
    m.match_start = from + ov[0];
    m.match_end = from + ov[1];
    m.secret_start = from + ov[2 * g];
    m.secret_end = from + ov[2 * g + 1];
    m.secret.assign(subject.substr(ov[2 * g], ov[2 * g + 1] - ov[2 * g]));
    m.entropy = shannon_entropy(m.secret);
    if (m.entropy < engine.rules.rules[index].min_entropy) {
      if (engine.rules.rules[index].generic) return std::nullopt;
      m.below_entropy_floor = true;
    }
    for (size_t a = 0; a < rule.allow.size() && !m.allowed_by; ++a) {
      if (pcre2_match(rule.allow[a].get(), reinterpret_cast<PCRE2_SPTR>(m.secret.data()),
                      m.secret.size(), 0, 0, match_data.get(), match_context.get()) >= 0) {
        m.allowed_by = a;
      }
    }
    m.checksum = checksum_validator().validate(engine.rules.rules[index], m.secret).state;
    return m;
  }

  // The second stage of the keyword-context rules at a trigger (an operator's end at
  // `trigger`): the vendor names in the bytes before it pick the rules, and each of those is
  // searched for a match that contains the operator. `window` reaches context.reach past the
  // trigger, or to the end of the file.
  void context_hit(uint64_t trigger, const ScanWindow& window, std::vector<SecretMatch>& out) {
    const ContextStage& context = engine.context;
    uint64_t begin = trigger - std::min<uint64_t>(context.back, trigger - window.begin());
    std::string_view before = window.slice(begin, trigger, subject_scratch);
    if (before.empty()) return;  // no byte before the trigger, so no vendor
    vendor_floor = identifier_start(before);
    vendor_hits.clear();
    hs_error_t rc =
        hs_scan(context.vendors.get(), before.data(), static_cast<unsigned>(before.size()), 0,
                scratch.get(), &State::on_vendor, this);
    if (rc != HS_SUCCESS) {
      problems.unscanned(
          trigger, "Hyperscan failed on a keyword's context (" + hyperscan_error_text(rc) + ")");
      return;
    }
    for (uint32_t n : vendor_hits) {
      if (auto m = search_around(n, trigger, window)) {
        if (!seen_context_match(*m)) out.push_back(std::move(*m));
      }
    }
  }

  // Where the identifier before the operator that ends `before` starts. A rule's gaps around
  // its keyword are identifier characters ([\w.-]), so its vendor ends inside that identifier
  // or right where it starts.
  static size_t identifier_start(std::string_view before) {
    size_t i = before.size();
    auto skip_back = [&](std::string_view bytes, size_t at_most) {
      for (; at_most > 0 && i > 0 && bytes.find(before[i - 1]) != std::string_view::npos; --at_most)
        --i;
    };
    skip_back(":=>", 2);             // the operator
    skip_back(" \t\n\v\f\r'\"", 5);  // quotes and blanks before it
    while (i > 0 && match_detail::identifier_byte(before[i - 1])) --i;
    return i;
  }

  static int on_vendor(unsigned id, unsigned long long, unsigned long long to, unsigned,
                       void* context) noexcept {
    auto* self = static_cast<State*>(context);
    if (to < self->vendor_floor) return 0;  // outside the identifier: not this keyword's vendor
    if (std::ranges::find(self->vendor_hits, id) != self->vendor_hits.end()) return 0;
    try {
      self->vendor_hits.push_back(id);
    } catch (...) {
      return 1;
    }
    return 0;
  }

  // The leftmost match of context rule `index` that contains `trigger`.
  std::optional<SecretMatch> search_around(uint32_t index, uint64_t trigger,
                                           const ScanWindow& window) {
    const CompiledRule& rule = engine.compiled[index];
    if (!match_data) {
      problems.unconfirmed(index, PCRE2_ERROR_NOMEMORY, trigger);
      return std::nullopt;
    }
    uint32_t head = engine.context.head_widths[index];
    uint64_t earliest = trigger - std::min<uint64_t>(head, trigger - window.begin());
    uint64_t from = earliest - std::min<uint64_t>(kContextBytes, earliest - window.begin());
    uint64_t to = std::min<uint64_t>(window.end(), trigger + rule.max_width + kContextBytes);
    std::string_view subject = window.slice(from, to, subject_scratch);
    rule.ensure_jit();
    uint32_t options = from > 0 ? PCRE2_NOTBOL : 0;
    for (uint64_t start = earliest - from; start < trigger - from;) {
      int rc = pcre2_match(rule.around.get(), reinterpret_cast<PCRE2_SPTR>(subject.data()),
                           subject.size(), start, options, match_data.get(), match_context.get());
      if (rc < 0) {
        if (rc != PCRE2_ERROR_NOMATCH) problems.unconfirmed(index, rc, trigger);
        return std::nullopt;
      }
      const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(match_data.get());
      if (from + ov[0] >= trigger) return std::nullopt;  // starts after this operator
      if (from + ov[1] >= trigger) return matched(index, from, subject);
      start = ov[0] + 1;  // ends before it: a later, overlapping match may contain it
    }
    return std::nullopt;
  }

  // Whether a keyword-context match was already found from another trigger of the same
  // assignment (":=" has two operator ends; one match may hold several).
  bool seen_context_match(const SecretMatch& m) {
    auto key = std::tuple(m.rule_index, m.match_start, m.match_end);
    if (std::ranges::find(recent_context, key) != recent_context.end()) return true;
    if (recent_context.size() >= 16) recent_context.erase(recent_context.begin());
    recent_context.push_back(key);
    return false;
  }

  // Confirms the candidates over `window`. A trigger waits until the window reaches as far
  // past it as a context rule's match may, or the file ends (`at_end`).
  void confirm_candidates(const ScanWindow& window, bool at_end = false) {
    std::vector<SecretMatch> batch;
    for (const Candidate& c : candidates) {
      if (c.rule == ContextStage::kTriggerId && engine.context.vendors) {
        triggers.push_back(c.end);
      } else if (auto m = confirm(c, window)) {
        batch.push_back(std::move(*m));
      }
    }
    candidates.clear();
    size_t waiting = 0;
    for (uint64_t trigger : triggers) {
      if (at_end || trigger + engine.context.reach + kContextBytes <= window.end()) {
        context_hit(trigger, window, batch);
      } else {
        triggers[waiting++] = trigger;
      }
    }
    triggers.resize(waiting);
    std::ranges::sort(batch, {}, &SecretMatch::secret_start);
    LinePosition at = line_hint;
    for (SecretMatch& m : batch) {
      if (m.secret_start >= at.offset) {
        at = advance(window, at, m.secret_start);
      } else {
        LineCursor cursor(window, tail_start, at);
        at = cursor.seek(m.secret_start);
      }
      m.line = at.newlines + 1;
      m.column = static_cast<uint64_t>(static_cast<int64_t>(at.offset) - at.last_newline);
      add(std::move(m));
    }
    line_hint = at;
  }

  // Keeps pending matches bounded: past the limit they are resolved early, and once even
  // that leaves too many, further matches are only counted.
  void add(SecretMatch m) {
    // Filler below a rule's entropy floor is shown for transparency, a few per file: it must
    // never take the room of real matches.
    if (m.below_entropy_floor) {
      if (filler >= kMaxFillerPerFile) return;
      ++filler;
    }
    if (saturated) {
      ++dropped;
      return;
    }
    pending.push_back(std::move(m));
    size_t limit = std::max<size_t>(4096, ScanLimits{}.max_matches_per_file * 4);
    if (pending.size() >= limit) {
      pending = resolve_overlaps(std::move(pending), generic);
      saturated = pending.size() >= limit / 2;
    }
  }

  // Keeps the last keep_bytes..2*keep_bytes bytes as look-behind for the next chunk.
  void keep_tail(const ScanWindow& window) {
    if (window.tail.size() + window.chunk.size() <= 2 * keep_bytes) {
      tail.append(window.chunk);
      return;
    }
    uint64_t new_begin = window.end() - keep_bytes;
    LinePosition start;
    if (line_hint.offset <= new_begin) {
      start = advance(window, line_hint, new_begin);
    } else {
      LineCursor cursor(window, tail_start, line_hint);
      start = cursor.seek(new_begin);
    }
    std::string next(window.slice(new_begin, window.end(), subject_scratch));
    tail = std::move(next);
    tail_start = start;
    line_hint = start;
  }

  // Reports matches that only end-of-data confirms (a trailing \b or $) over `window`, the
  // file's last bytes, and resets the stream for the next file.
  void end_of_data(const ScanWindow& window) {
    if (!stream) return;
    bool report = stream_ok;
    hs_error_t rc = hs_reset_stream(stream.get(), 0, report ? scratch.get() : nullptr,
                                    report ? &State::on_match : nullptr, report ? this : nullptr);
    // A halt while reporting end-of-data matches still returns HS_SUCCESS.
    if (report && (rc != HS_SUCCESS || candidates_lost)) {
      problems.end_not_checked(window.end(),
                               "Hyperscan failed at the end of the data (" + halt_reason(rc) + ")");
      // A failed reset left the stream as it was: reset it without reporting.
      if (rc != HS_SUCCESS) hs_reset_stream(stream.get(), 0, nullptr, nullptr, nullptr);
    }
    if (!candidates.empty() || !triggers.empty()) confirm_candidates(window, true);
    ended = true;
  }

  void reset_file() {
    expected_size = FileScanner::kUnknownSize;
    fed = 0;
    filler = 0;
    stream_base = 0;
    ended = false;
    candidates.clear();
    triggers.clear();
    recent_context.clear();
    candidate_overflow = 0;
    tail.clear();
    tail_start = {};
    line_hint = {};
    pending.clear();
    dropped = 0;
    saturated = false;
    stream_ok = stream != nullptr;
    problems.clear();
    candidates_lost = false;
  }

  const MatchEngine::Impl& engine;
  std::vector<bool> generic;
  size_t keep_bytes = 0;
  HsScratchPtr scratch;
  HsStreamPtr stream;
  Pcre2MatchDataPtr match_data;
  Pcre2MatchContextPtr match_context;

  std::vector<Candidate> candidates;
  std::vector<uint64_t> triggers;     // keyword-context triggers waiting for the bytes after them
  std::vector<uint32_t> vendor_hits;  // the rules whose vendor ends at vendor_floor or after
  size_t vendor_floor = 0;
  std::vector<std::tuple<size_t, uint64_t, uint64_t>> recent_context;
  uint64_t candidate_overflow = 0;
  std::string tail;
  LinePosition tail_start;  // at the tail's first byte
  LinePosition line_hint;   // a recent position, so line counting never restarts
  std::string subject_scratch;
  std::vector<SecretMatch> pending;
  uint64_t dropped = 0;
  uint64_t last_dropped = 0;
  bool saturated = false;
  uint64_t expected_size = FileScanner::kUnknownSize;
  uint64_t fed = 0;
  size_t filler = 0;         // below-entropy-floor matches kept for this file
  uint64_t stream_base = 0;  // file offset of the stream's first byte
  bool ended = false;        // end_of_data ran: the stream holds no state of this file
  bool in_file = false;
  bool stream_ok = false;

  // What kept the current file from being fully scanned (rare; see FileScanner::problems).
  std::string setup_error;  // why the scratch or stream could not be allocated
  ScanProblems problems;
  std::vector<std::string> last_problems;  // of the last finished file
  bool candidates_lost = false;            // on_match halted: it could not store a candidate
};

FileScanner::FileScanner(const MatchEngine& engine)
    : state_(std::make_unique<State>(engine.impl())) {}
FileScanner::~FileScanner() = default;

void FileScanner::begin(uint64_t size) {
  State& s = *state_;
  if (s.in_file && s.stream && !s.ended) {  // the previous file was abandoned: discard its state
    hs_reset_stream(s.stream.get(), 0, nullptr, nullptr, nullptr);
  }
  if (!s.stream) s.open_stream();
  s.reset_file();
  s.expected_size = size;
  s.in_file = true;
}

void FileScanner::feed(std::string_view chunk) {
  State& s = *state_;
  if (!s.in_file) begin();
  s.ended = false;  // bytes past the promised size start the reset stream again
  for (size_t done = 0; done < chunk.size();) {
    size_t n = std::min(kPieceBytes, chunk.size() - done);
    if (s.stream_ok) {
      hs_error_t rc = hs_scan_stream(s.stream.get(), chunk.data() + done, static_cast<unsigned>(n),
                                     0, s.scratch.get(), &State::on_match, &s);
      if (rc != HS_SUCCESS) s.stream_failed(rc, s.fed + done);
    } else if (s.engine.database) {  // no stream, or it failed: noted once per file
      s.problems.unscanned(s.fed + done, s.setup_error);
    }
    done += n;
    if (!s.candidates.empty() || !s.triggers.empty()) {
      s.confirm_candidates(ScanWindow{s.tail, s.tail_start.offset, chunk.substr(0, done)});
    }
  }
  s.fed += chunk.size();
  ScanWindow window{s.tail, s.tail_start.offset, chunk};
  if (s.fed != s.expected_size) {
    s.keep_tail(window);
    return;
  }
  s.end_of_data(window);
  // Past the promised size (a broken archive) the file goes on as a fresh stream with no
  // look-behind, and its line numbers restart: acceptable for input that broke its promise.
  s.tail.clear();
  s.stream_base = window.end();  // the reset stream counts offsets from 0 again
  s.tail_start = LinePosition{window.end(), 0, static_cast<int64_t>(window.end()) - 1};
  s.line_hint = s.tail_start;
  s.stream_ok = s.stream != nullptr;
}

std::vector<SecretMatch> FileScanner::finish() {
  State& s = *state_;
  if (!s.in_file) return {};
  if (!s.ended) s.end_of_data(ScanWindow{s.tail, s.tail_start.offset, {}});
  std::vector<SecretMatch> out = resolve_overlaps(std::move(s.pending), s.generic);
  uint64_t cap = ScanLimits{}.max_matches_per_file;
  uint64_t dropped = s.dropped + s.candidate_overflow;
  if (out.size() > cap) {
    // Real matches first: filler never pushes one past the cap.
    std::ranges::stable_partition(out, [](const SecretMatch& m) { return !m.below_entropy_floor; });
    dropped += out.size() - cap;
    out.resize(cap);
    sort_by_offset(out);
  }
  s.last_problems = s.problems.take(s.engine.rules);
  s.reset_file();
  s.in_file = false;
  s.last_dropped = dropped;
  return out;
}

uint64_t FileScanner::dropped_matches() const { return state_->last_dropped; }

const std::vector<std::string>& FileScanner::problems() const { return state_->last_problems; }

std::vector<SecretMatch> FileScanner::scan(std::string_view whole) {
  begin();
  feed(whole);
  return finish();
}

}  // namespace strata
